"""The demo factory (`jidan demo`): a realistic plant to play the golden scenario in."""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from jidan.domain.model import Actor, Department, WorkCenter
from jidan.domain.roles import Role
from jidan.domain.states import MAIN_PATH, OrderState
from jidan.services import auth
from jidan.services.masterdata import catalogue as masterdata
from jidan.services.orders import intake, lifecycle, views
from jidan.services import planning
from jidan.services.context import Context
from jidan.services.masterdata.catalogue import NewBomItem, NewCustomer, NewProduct, NewStep
from jidan.services.demo import forms as forms_demo
from jidan.services.orders.intake import NewLine, NewOrder

PASSWORD = "demo"

USERS = [
    ("sales", "王销售", Role.SALES), ("finance", "李财务", Role.FINANCE),
    ("pmc", "PMC 计划员 陈", Role.PMC), ("manufacturing", "SMT 组长 刘", Role.MANUFACTURING),
    ("quality", "质检 周", Role.QUALITY), ("warehouse", "成品仓管 吴", Role.WAREHOUSE),
    ("logistics", "物流 郑", Role.LOGISTICS), ("customer_service", "客服 孙", Role.CUSTOMER_SERVICE),
    ("purchasing", "采购 钱", Role.PURCHASING), ("engineering", "技术课 冯", Role.ENGINEERING),
    ("management", "总经办 赵总", Role.MANAGEMENT), ("store", "店长 何", Role.STORE),
    ("supplier", "连接器供应商", Role.SUPPLIER), ("admin", "系统管理员", Role.ADMIN),
    ("sales2", "张业务", Role.SALES), ("assembly", "装配组长 黄", Role.MANUFACTURING),
    ("test_lead", "测试组长 林", Role.MANUFACTURING),
    # 生产经理: the escalation level above the group leaders. The ladder climbs by role
    # (JIDAN_ESCALATION_LADDER: manufacturing > pmc > management), so he holds pmc's role.
    ("production_manager", "生产经理 马", Role.PMC),
]

DEPARTMENTS = [("SMT", "SMT 贴片车间"), ("ASM", "装配车间"), ("TST", "测试车间"),
               ("MCH", "机加工车间"), ("PNT", "喷涂车间"), ("PKG", "包装车间")]

#: (code prefix, name, department, how many) — 30 work centers in all.
WORK_CENTERS = [("SMT", "SMT 线", "SMT", 4), ("AOI", "AOI 检测", "SMT", 2), ("ASM", "装配线", "ASM", 6),
                ("ICT", "ICT 在线测试", "TST", 3), ("FCT", "功能测试", "TST", 3),
                ("CNC", "CNC 加工中心", "MCH", 5), ("PNT", "喷涂线", "PNT", 3),
                ("PKG", "包装线", "PKG", 4)]

CUSTOMERS = [("C001", "华东精密", "key"), ("C002", "南方电气", "normal"), ("C003", "北辰自动化", "key"),
             ("C004", "远景机电", "normal"), ("C005", "蓝海智能", "normal"), ("C006", "恒信电子", "normal"),
             ("C007", "天工重工", "key"), ("C008", "金桥医疗", "normal"), ("C009", "星河新能源", "normal"),
             ("C010", "鼎盛照明", "normal"), ("C011", "瑞丰仪表", "normal"), ("C012", "海纳通信", "normal"),
             ("C013", "启明机器人", "normal"), ("C014", "宏达汽配", "normal"), ("C015", "中科测控", "normal"),
             ("C016", "联创家电", "normal"), ("C017", "安泰安防", "normal"), ("C018", "博远光电", "normal"),
             ("C019", "德润电力", "normal"), ("C020", "万达物流设备", "normal")]

MATERIALS = [("M-CONN-40", "40P 连接器"), ("M-PCB-4L", "四层 PCB 板"), ("M-IC-MCU", "MCU 主控芯片"),
             ("M-CAP-0402", "0402 电容"), ("M-RES-0402", "0402 电阻"), ("M-HSG-AL", "铝合金外壳"),
             ("M-SCR-M3", "M3 螺丝"), ("M-BOX", "包装箱"), ("M-CABLE", "线束"), ("M-PSU", "电源模块")]

#: Where a material goes in (the work center kind of the step that consumes it); the rest goes
#: into the first step (SMT takes the boards, chips and passives).
CONSUMED_AT = {"M-CONN-40": "ASM", "M-HSG-AL": "ASM", "M-SCR-M3": "ASM", "M-CABLE": "ASM", "M-PSU": "ASM",
               "M-BOX": "PKG"}

#: Product families: (code prefix, name, routing as (work center prefix, operation, minutes/unit)).
FAMILIES = [
    ("SCB", "伺服控制板", [("SMT", "SMT 贴片", 0.6), ("AOI", "AOI 检测", 0.2), ("ASM", "插件装配", 1.2),
                         ("ICT", "ICT 在线测试", 0.5), ("FCT", "功能测试", 0.8), ("PKG", "包装", 0.2)]),
    ("PWR", "电源模块", [("SMT", "SMT 贴片", 0.5), ("ASM", "装配", 1.0), ("FCT", "老化测试", 1.5),
                       ("PKG", "包装", 0.2)]),
    ("HSG", "精密外壳", [("CNC", "CNC 加工", 2.0), ("PNT", "喷涂", 0.6), ("PKG", "包装", 0.2)]),
    ("CTL", "控制器整机", [("SMT", "SMT 贴片", 0.8), ("ASM", "整机装配", 2.5), ("ICT", "ICT 测试", 0.5),
                        ("FCT", "整机测试", 1.2), ("PNT", "外观喷涂", 0.4), ("PKG", "包装", 0.3)]),
    ("SNS", "传感器组件", [("SMT", "SMT 贴片", 0.3), ("AOI", "AOI 检测", 0.1), ("FCT", "标定测试", 0.6),
                        ("PKG", "包装", 0.1)]),
]


def has_users(ctx: Context) -> bool:
    """The demo loads into a database without users only."""
    with ctx.uow() as uow:
        return bool(uow.users.list())


def load_demo(ctx: Context, seed: int = 7, orders_count: int = 150,
              progress: Callable[[str, int, int], None] | None = None) -> dict:
    """Fills an empty database; returns what it made. Deterministic for a given seed."""
    rnd = random.Random(seed)
    tick = progress or (lambda *_: None)
    users = {}
    for i, (username, name, role) in enumerate(USERS, start=1):
        users[username] = auth.add_user(ctx, None, username, name, role, PASSWORD,
                                        f"{username}@demo.jidan.local")
        tick("users", i, len(USERS))
    _plant(ctx)
    for code, name, cls in CUSTOMERS:
        masterdata.create_customer(ctx, None, NewCustomer(code, name, cls, f"buyer@{code.lower()}.example.com",
                                                          **forms_demo.delivery_details(code)))
    tick("customers", len(CUSTOMERS), len(CUSTOMERS))
    for code, name in MATERIALS:
        masterdata.create_product(ctx, None, NewProduct(code, name, Decimal("2.50"), 5, kind="material"))
    products = _products(ctx, rnd)
    from jidan.services.demo import setups as setups_demo; setups_demo.load(ctx, products)  # demo: families and changeovers (issue 25)
    tick("products", len(products), len(products))
    from jidan.services.demo import analytics as history_demo; history = history_demo.load(ctx, users, products, _order, _advance)  # demo: analytics history (issue 22), before today's plan
    made = _orders(ctx, rnd, users, products, orders_count, tick) + history
    golden = golden_order(ctx, _actor(users["sales"]))
    # demo: materials (issue 4)
    from jidan.services.demo import materials as materials_demo
    materials_demo.load(ctx, PASSWORD)
    # demo: workflow (issue 5)
    from jidan.services.demo.workflow import demo_approvals
    demo_approvals(ctx, golden)
    from jidan.services.demo.workflow import demo_notices
    demo_notices(ctx, golden)
    # demo: execution (issue 6)
    from jidan.services.execution.leaders import demo_group_leaders
    demo_group_leaders(ctx)
    # demo: fulfilment (issue 6)
    from jidan.services.fulfilment.incidents import demo_organisation
    from jidan.services.fulfilment.drawings import demo_documents
    demo_documents(ctx, golden)
    demo_organisation(ctx)
    # demo: store urgent replenishment (issue 23)
    from jidan.services.demo import store as store_demo
    store_demo.load(ctx, PASSWORD)
    from jidan.services.demo import screens as screens_demo; screens_demo.load(ctx)  # demo: screens (issue 24)
    return {"golden_order": golden["number"], "users": len(users), "customers": len(CUSTOMERS), "products": len(products),
            "work_centers": sum(n for *_, n in WORK_CENTERS), "orders": made}


def _plant(ctx: Context) -> None:
    with ctx.uow() as uow:
        for code, name in DEPARTMENTS:
            uow.plant.add(Department(code, name))
        uow.flush()
        for prefix, name, dept, count in WORK_CENTERS:
            for n in range(1, count + 1):
                uow.plant.add(WorkCenter(f"{prefix}{n}", f"{name} {n}", dept))
        uow.commit()


def _consuming_step(material: str, steps) -> int | None:
    kind = CONSUMED_AT.get(material)
    return next((s.seq for s in steps if kind and s.work_center.startswith(kind)), None)


def _products(ctx: Context, rnd: random.Random) -> dict[str, NewProduct]:
    made = {}
    counts = {p: n for p, _, _, n in WORK_CENTERS}
    for prefix, family, routing in FAMILIES:
        for variant in range(1, 9):
            code = "SCB-200" if (prefix, variant) == ("SCB", 2) else f"{prefix}-{variant}00"
            lead = rnd.randint(5, 20)
            steps = tuple(
                NewStep((i + 1) * 10, f"{wc}{rnd.randint(1, counts[wc])}", op,
                        Decimal(str(round(minutes * rnd.uniform(0.8, 1.3), 2))), rnd.choice([15, 30, 45]),
                        inspection=wc in ("AOI", "ICT", "FCT"))
                for i, (wc, op, minutes) in enumerate(routing))
            bom = tuple((m, Decimal(rnd.choice([1, 2, 4]))) for m, _ in rnd.sample(MATERIALS, 3))
            if code == "SCB-200":
                bom = (("M-CONN-40", Decimal(2)), ("M-PCB-4L", Decimal(1)), ("M-IC-MCU", Decimal(1)))
            if code in LINE2_PRODUCTS:
                # scenario.md: its routing names SMT line 2 (the bottleneck, whose oven fails on Day 2).
                steps = tuple(replace(step, work_center="SMT2") if step.work_center.startswith("SMT") else step
                              for step in steps)
            bom = tuple(NewBomItem(m, q, _consuming_step(m, steps)) for m, q in bom)
            price, lead = LINE2_PRODUCTS.get(code, (Decimal(rnd.randrange(80, 900)), lead))
            product = NewProduct(code, f"{family} {code}", price, lead, routing=steps, bom=bom)
            masterdata.create_product(ctx, None, product)
            made[code] = product
    return made


#: Made on SMT line 2: the golden order's board (standard 12 working days), and its sibling that
#: keeps the board line busy this week (``_board_backlog``), as (price, standard lead days).
LINE2_PRODUCTS = {"SCB-200": (Decimal("450"), 12), "SCB-100": (Decimal("95"), 5)}
#: About one order in eight is urgent (issue 20), so the 急 mark still stands out.
URGENT_EVERY = 8
#: Normal SCB-100 orders due in 6–7 working days, planned ahead of the golden order on every step
#: of its routing: its five working days cannot be met without moving them (scenario steps 3, 5).
#: One per five generated orders, at most this many: a small demo (tests) keeps a light plan.
BACKLOG_ORDERS, BACKLOG_QUANTITY = 8, 800

#: Who moves an order one step further along MAIN_PATH.
STEP_ACTOR = {"review": "pmc", "approve": "management", "plan": "pmc", "release": "pmc",
              "start_production": "manufacturing", "inspect": "quality", "receive": "warehouse",
              "ship": "logistics", "confirm_delivery": "logistics", "close": "sales"}
NEXT_ACTION = dict(zip(MAIN_PATH, ["review", "approve", "plan", "release", "start_production",
                                   "inspect", "receive", "ship", "confirm_delivery", "close"]))


def _actor(view: dict) -> Actor:
    return Actor(view["id"], view["username"], Role(view["role"]))


def _orders(ctx: Context, rnd: random.Random, users: dict, products: dict[str, NewProduct], count: int,
            tick) -> int:
    """``count`` orders at random stages, every eighth urgent, and the board line's backlog (planned)."""
    # Most orders are open and early in the process; some are done, a few were held or rejected.
    targets = ([OrderState.SUBMITTED] * 25 + [OrderState.REVIEWED] * 15 + [OrderState.APPROVED] * 15
               + [OrderState.PLANNED] * 15 + [OrderState.RELEASED] * 10 + [OrderState.IN_PRODUCTION] * 10
               + [OrderState.INSPECTED] * 3 + [OrderState.RECEIVED] * 2 + [OrderState.SHIPPED] * 2
               + [OrderState.CLOSED] * 3)
    sellers = [_actor(users["sales"]), _actor(users["sales2"])]
    made = []
    for n in range(1, count + 1):
        product = products[rnd.choice(list(products))]
        seller = rnd.choice(sellers)
        view = _order(ctx, rnd, seller, product, f"{n:04d}", n % URGENT_EVERY == 0)
        target = rnd.choice(targets)
        made.append((view, seller, target))
        if MAIN_PATH.index(target) > MAIN_PATH.index(OrderState.APPROVED):
            _advance(ctx, users, view, seller, OrderState.APPROVED)
        tick("orders", n, count)
    made += _board_backlog(ctx, rnd, users, products["SCB-100"], sellers, min(BACKLOG_ORDERS, count // 5))
    # pmc plans the approved work and accepts it: those orders become planned (C3).
    pmc = _actor(users["pmc"])
    run = planning.propose_full(ctx, pmc, time_limit=2.0)
    planning.accept(ctx, pmc, run["id"])
    for view, seller, target in made:
        _advance(ctx, users, views.get_order(ctx, seller, view["id"]), seller, target)
    return len(made)


def _order(ctx: Context, rnd: random.Random, seller: Actor, product: NewProduct, number: str,
           urgent: bool) -> dict:
    """An order that is urgent (A3) only when asked: a normal one is for a normal customer, in the
    product's standard lead time or more, and under the amount threshold."""
    today, cal = ctx.now().date(), ctx.national_calendar
    quantity = rnd.choice([20, 50, 100, 200, 300, 500])
    lead = product.standard_lead_days
    if urgent:
        customer = rnd.choice(CUSTOMERS)[0]
        due = cal.add_working_days(today, rnd.randint(max(1, lead // 3), max(1, lead - 1)))
    else:
        customer = rnd.choice([c for c, _, cls in CUSTOMERS if cls != "key"])
        due = cal.add_working_days(today, lead + rnd.randint(0, 15))
        limit = ctx.policy.amount_threshold
        if limit is not None:
            quantity = max(1, min(quantity, int(limit // product.unit_price)))
    return intake.create_order(ctx, seller, NewOrder(
        customer, f"PO-{today:%y%m}-{number}", due, (NewLine(product.code, quantity),),
        rnd.choice(["phone", "online", "email"])))


def _board_backlog(ctx: Context, rnd: random.Random, users: dict, product: NewProduct,
                   sellers: list[Actor], count: int) -> list[tuple]:
    """Normal board orders due within two weeks, approved for the plan: the week's load on the
    golden order's routing."""
    today, made = ctx.now().date(), []
    for n in range(1, count + 1):
        seller = rnd.choice(sellers)
        due = ctx.national_calendar.add_working_days(today, product.standard_lead_days + 1 + n % 2)
        view = intake.create_order(ctx, seller, NewOrder(
            rnd.choice([c for c, _, cls in CUSTOMERS if cls != "key"]), f"PO-{today:%y%m}-B{n:02d}", due,
            (NewLine(product.code, BACKLOG_QUANTITY),), "email"))
        _advance(ctx, users, view, seller, OrderState.APPROVED)
        made.append((view, seller, OrderState.PLANNED))
    return made


def _advance(ctx: Context, users: dict, view: dict, seller: Actor, target: OrderState) -> None:
    state = OrderState(view["status"])
    while state != target:
        action = NEXT_ACTION[state]
        actor = seller if action == "close" else _actor(users[STEP_ACTOR[action]])
        if action == "ship":  # demo: fulfilment (issue 6): goods leave on a dispatched shipment (G3, G4)
            from jidan.services.fulfilment.shipping import demo_ship
            state = demo_ship(ctx, actor, view["id"])
            continue
        state = OrderState(lifecycle.act(ctx, actor, view["id"], action)["status"])
        if action == "review" and state == OrderState.SUBMITTED:  # a large order: finance reviews too (B3)
            state = OrderState(lifecycle.act(ctx, _actor(users["finance"]), view["id"], action)["status"])


def golden_order(ctx: Context, sales: Actor) -> dict:
    """The scenario's order: key customer 华东精密, 300 × SCB-200 in 5 working days (std 12)."""
    cal = ctx.national_calendar
    due = cal.add_working_days(ctx.now().date(), 5)
    return intake.create_order(ctx, sales, NewOrder(
        "C001", f"HD-{due:%Y}-0042", due, (NewLine("SCB-200", 300),), "phone",
        "客户来电加急：伺服控制板 300 片，5 个工作日内交货"))

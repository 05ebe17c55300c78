"""Production on the floor (D1–D3, E1–E3): tasks from the accepted plan and the urgent order
production notice (紧急订单生产通知单), operators' reports, live progress with its alert, the
work-center screens, and the progress update to the customer.

A task is one planned operation lot. Until it starts, its work center and times follow the plan
in force, so a re-plan that pmc accepts (a machine down, rework) moves it on every screen; once
started, it stays where it runs.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from jidan.domain import errors
from jidan.domain.delivery import Timer
from jidan.domain.execution import (
    OPERATORS, TASK_STEPS, Forecast, TaskState, TaskTiming, WorkingTime, crosses_due, forecast,
    next_task_state,
)
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.roles import Role
from jidan.domain.states import ON_FLOOR, TRANSITIONS, OrderState
from jidan.services import audit, hooks
from jidan.services.orders import lifecycle as orders
from jidan.services.notices import timers
from jidan.services.masterdata.calendar import effective_calendar
from jidan.services.context import Context
from jidan.services.notices.notify import notify, send_email
from jidan.services.permissions import load_order, require_order_access, require_role

#: Orders whose tasks are on the floor.
#: Who may name the leader of a work group.
FLOOR_ADMINS = frozenset({Role.PMC, Role.ADMIN})
#: Who sends the customer a progress update (E3).
CUSTOMER_CONTACTS = frozenset({Role.SALES, Role.CUSTOMER_SERVICE})
#: The re-check of a running order's forecast when nobody reports (E2).
PROGRESS_CHECK = "execution.progress_check"
PROGRESS_CHECK_MINUTES = 60
MAX_HOURS = Decimal(24 * 7)


def _settings(ctx, name: str, default):
    return getattr(getattr(ctx, "settings", None), name, default)


def _iso(value) -> str | None:
    return value.isoformat(timespec="minutes") if isinstance(value, datetime) else (
        value.isoformat() if isinstance(value, date) else None)


def due_at(order: Order) -> datetime:
    """The end of the promised (else requested) day, as the planner counts it."""
    day = order.promised_date or order.requested_date
    return datetime.combine(day + timedelta(days=1), datetime.min.time())


def working_time(uow, ctx: Context) -> WorkingTime:
    return WorkingTime(effective_calendar(uow, ctx).is_working_day, ctx.shifts)


# ---------------------------------------------------------------- the plan in force
class PlanIndex:
    """The accepted plan's operations by id, in wall-clock times."""

    def __init__(self, plan: dict | None):
        self.plan = plan
        self.ops = {a["operation"]: a for a in plan["schedule"]["assignments"]} if plan else {}

    def at(self, minute: int) -> datetime:
        return self.plan["origin"] + timedelta(minutes=minute)

    def effective(self, task: dict) -> dict:
        """The task with its plan-in-force work center and times while it has not started."""
        a = self.ops.get(task["operation"])
        if a is None or task["status"] != TaskState.PLANNED:
            return task
        return {**task, "work_center_code": a["resource"], "planned_start": self.at(a["start"]),
                "planned_end": self.at(a["end"]), "planned_minutes": a["end"] - a["start"]}


def plan_index(uow) -> PlanIndex:
    return PlanIndex(uow.planning_runs.accepted())


def task_view(task: dict, order: Order | None = None) -> dict:
    state = TaskState(task["status"])
    view = {k: task[k] for k in ("id", "order_id", "operation", "job", "line_no", "step_seq", "lot", "kind",
                                 "name", "quantity", "inspection", "urgent", "planned_minutes", "status",
                                 "worked_minutes", "good_qty", "scrap_qty", "source", "version")}
    view.update(work_center=task["work_center_code"], hours=round(task["planned_minutes"] / 60, 2),
                planned_start=_iso(task["planned_start"]), planned_end=_iso(task["planned_end"]),
                started_at=_iso(task["started_at"]), finished_at=_iso(task["finished_at"]),
                actions=[a for (s, a) in TASK_STEPS if s == state])
    if order is not None:
        view.update(order_number=order.number, order_status=str(order.status), urgent=order.urgent,
                    priority=order.priority, customer=order.customer.name)
    return view


# ---------------------------------------------------------------- release (D1, D2)
def _operation_pattern(number: str) -> re.Pattern:
    """Operation ids the planner gives an order's routing: "<order>/<line>-<seq>[.<lot>]"."""
    return re.compile(rf"^{re.escape(number)}/(\d+)-(\d+)(?:\.(\d+))?$")


def split_lots(total: int, count: int) -> list[int]:
    return [total // count + (1 if k < total % count else 0) for k in range(count)]


def create_tasks(uow, ctx: Context, actor: Actor, order: Order, reason: str | None) -> None:
    """After release: one task per planned operation lot, and a production notice to each
    work group's leader, who must acknowledge it (D1, D2). The owner hears of it too (D3)."""
    index = plan_index(uow)
    pattern = _operation_pattern(order.number)
    ops = []
    for a in index.ops.values():
        m = pattern.match(a["operation"])
        if m:
            ops.append((int(m.group(1)), int(m.group(2)), int(m.group(3) or 1), a))
    lots: dict[tuple[int, int], int] = {}
    for line_no, seq, _, _ in ops:
        lots[(line_no, seq)] = lots.get((line_no, seq), 0) + 1
    lines = {ln.line_no: ln for ln in order.lines}
    now = ctx.now()
    made = []
    for line_no, seq, lot, a in sorted(ops, key=lambda o: (o[0], o[1], o[2])):
        line = lines.get(line_no)
        step = next((s for s in line.product.routing if s.seq == seq), None) if line else None
        if step is None:
            continue
        quantity = split_lots(line.quantity, lots[(line_no, seq)])[lot - 1]
        made.append(add_task(uow, order, now, operation=a["operation"], job=a["job"], line_no=line_no,
                              step_seq=seq, lot=lot, kind="production", name=step.name,
                              work_center_code=a["resource"], quantity=quantity, inspection=step.inspection,
                              planned_start=index.at(a["start"]), planned_end=index.at(a["end"]),
                              source="release"))
    notify_groups(uow, ctx, actor, order, made, kind="release")
    if made:
        timers.schedule(uow, now, kind=PROGRESS_CHECK, ref=f"order:{order.id}",
                        due_at=now + timedelta(minutes=PROGRESS_CHECK_MINUTES))


def add_task(uow, order: Order, now: datetime, **values) -> dict:
    minutes = int((values["planned_end"] - values["planned_start"]).total_seconds() // 60)
    task_id = uow.tasks.add(order_id=order.id, urgent=order.urgent, planned_minutes=minutes,
                            status=TaskState.PLANNED.value, worked_minutes=0, created_at=now, **values)
    return uow.tasks.get(task_id)


def notify_groups(uow, ctx: Context, actor: Actor, order: Order, tasks: list[dict], kind: str) -> None:
    """One notice per work group with its tasks, to the group's leader (or, with none named, to
    every manufacturing user), acknowledgement required; audited as the notice it is."""
    centers = {w.code: w for w in uow.plant.work_centers()}
    departments = {d.code: d.name for d in uow.plant.departments()}
    leaders = uow.floor.leaders()
    groups: dict[str, list[dict]] = {}
    for task in tasks:
        groups.setdefault(centers[task["work_center_code"]].department_code, []).append(task)
    title = "紧急订单生产通知单" if order.urgent else "生产通知单"
    if kind == "rework":
        title = "返工通知" if not order.urgent else "急单返工通知"
    for dept, group in sorted(groups.items()):
        leader = leaders.get(dept)
        body = "\n".join(
            f"{t['step_seq']}{'.' + str(t['lot']) if t['lot'] > 1 else ''} {t['name']} · {t['work_center_code']} · "
            f"{t['quantity']} · {t['planned_start']:%m-%d %H:%M}–{t['planned_end']:%m-%d %H:%M} · "
            f"{t['planned_minutes'] / 60:.1f} h" for t in group)
        ref = f"production_notice:{order.id}:{dept}"
        event = notify(uow, ctx.now(), kind=kind, ctx=ctx,
                       subject=f"{'【急单】' if order.urgent else ''}{title} {order.number} · {departments.get(dept, dept)}",
                       body=body, order_id=order.id, users=[leader] if leader else (),
                       roles=() if leader else [Role.MANUFACTURING], ref=ref, needs_ack=True,
                       ack_hours=_settings(ctx, "release_ack_hours", 0.5), critical=order.urgent)
        audit.record(uow, ctx, actor, "production_notice", f"{order.id}:{dept}", "issue" if kind == "release" else kind,
                     None, {"order": order.number, "urgent": order.urgent, "event_id": event,
                            "leader_id": leader, "tasks": [t["operation"] for t in group]})


# ---------------------------------------------------------------- reports (E1)
@dataclass(frozen=True)
class Report:
    """What an operator reports on a task: the step, and on finish the quantities and hours."""

    action: str
    good_qty: int | None = None
    scrap_qty: int | None = None
    hours: Decimal | None = None
    note: str | None = None
    version: int | None = None


def _check_report(task: dict, rep: Report) -> tuple[int | None, int | None, int | None]:
    """(good, scrap, minutes) of a report, or a field-level 422."""
    fields = {}
    if rep.action != "finish":
        for name in ("good_qty", "scrap_qty", "hours"):
            if getattr(rep, name) is not None:
                fields[name] = "only_on_finish"
        if fields:
            raise errors.ValidationFailed("quantities and hours are reported on finish", fields=fields)
        return None, None, None
    scrap = rep.scrap_qty or 0
    good = rep.good_qty if rep.good_qty is not None else max(0, task["quantity"] - scrap)
    for name, value in (("good_qty", good), ("scrap_qty", scrap)):
        if value < 0:
            fields[name] = "must_not_be_negative"
    if not fields and good + scrap > task["quantity"]:
        fields["good_qty"] = "exceeds_quantity"
    if not fields and good + scrap == 0:
        fields["good_qty"] = "must_be_positive"
    minutes = None
    if rep.hours is not None:
        if not (0 < rep.hours <= MAX_HOURS):
            fields["hours"] = "out_of_range"
        else:
            minutes = int(math.ceil(rep.hours * 60))
    if fields:
        raise errors.ValidationFailed("the report is not valid", fields=fields)
    return good, scrap, minutes


def report(ctx: Context, actor: Actor, task_id: int, rep: Report) -> dict:
    """An operator reports start, pause, resume or finish of a task (E1). The order's first
    start moves it to production; every report updates the forecast (E2)."""
    require_role(actor, OPERATORS)
    with ctx.uow() as uow:
        task = uow.tasks.get(task_id)
        if task is None:
            raise errors.NotFound(f"task {task_id} not found", code="task.not_found")
        if rep.version is not None and rep.version != task["version"]:
            raise errors.StaleVersion("the task changed; reload it", current_version=task["version"])
        target = next_task_state(task["status"], rep.action)
        good, scrap, minutes = _check_report(task, rep)
        order = uow.orders.get(task["order_id"])
        allowed = ON_FLOOR[:2] if rep.action in ("start", "resume") else ON_FLOOR[1:]
        if order.status not in allowed:
            raise errors.Conflict(f"the order is {order.status}; its tasks cannot be reported now",
                                  code="task.order_not_in_production")
        now = ctx.now()
        if order.status == OrderState.RELEASED:
            _start_production(uow, ctx, actor, order, task["operation"])
        task = plan_index(uow).effective(task)
        values = _step(task, rep.action, target, now, good, scrap, minutes)
        uow.tasks.update(task_id, task["version"], **values)
        uow.tasks.add_report(task_id=task_id, action=rep.action, at=now, user_id=actor.user_id,
                             good_qty=good, scrap_qty=scrap, minutes=values.get("worked_minutes"),
                             note=rep.note)
        audit.record(uow, ctx, actor, "task", task_id, rep.action, {"status": task["status"]},
                     {"status": target.value, **{k: v for k, v in values.items() if k in
                                                 ("good_qty", "scrap_qty", "worked_minutes", "work_center_code")}},
                     rep.note)
        watch(uow, ctx, order)
        uow.commit()
        return task_view(uow.tasks.get(task_id), order)


def _step(task: dict, action: str, target: TaskState, now: datetime, good, scrap, minutes) -> dict:
    values: dict = {"status": target.value}
    if action == "start":
        # The task starts where the plan in force puts it, and stays there.
        values.update(started_at=now, resumed_at=now, work_center_code=task["work_center_code"],
                      planned_start=task["planned_start"], planned_end=task["planned_end"],
                      planned_minutes=task["planned_minutes"])
    elif action == "resume":
        values["resumed_at"] = now
    else:
        worked = TaskTiming.of(task).worked(now)
        values.update(resumed_at=None, worked_minutes=worked)
        if action == "finish":
            values.update(finished_at=now, good_qty=good, scrap_qty=scrap,
                          worked_minutes=minutes if minutes is not None else worked)
    return values


def _start_production(uow, ctx: Context, actor: Actor, order: Order, operation: str) -> None:
    """The order's first reported start fires its start_production step, as the order page would."""
    orders.transition(uow, ctx, actor, order, "start_production", f"首道工序开工：{operation}")


# ---------------------------------------------------------------- progress (E2)
def order_forecast(uow, ctx: Context, order: Order, index: PlanIndex | None = None) -> tuple[Forecast, list[dict]]:
    index = index or plan_index(uow)
    tasks = [index.effective(t) for t in uow.tasks.for_order(order.id)]
    return forecast([TaskTiming.of(t) for t in tasks], ctx.now(), working_time(uow, ctx)), tasks


def watch(uow, ctx: Context, order: Order) -> None:
    """Keeps the order's forecast; when it passes the due time, pmc and the owner are told once
    (again only after it came back in time and passed it once more)."""
    result, _ = order_forecast(uow, ctx, order)
    due = due_at(order)
    current = uow.tasks.progress(order.id)
    late, alert = crosses_due(bool(current and current["late"]), result.predicted, due)
    now = ctx.now()
    values = {"predicted_completion": result.predicted, "late": late, "checked_at": now}
    if alert:
        values["alerted_at"] = now
        over = working_time(uow, ctx).between(due, result.predicted)
        notify(uow, now, kind="progress_alert", ctx=ctx, order_id=order.id, roles=[Role.PMC],
               critical=order.urgent,
               subject=f"{'【急单】' if order.urgent else ''}{order.number} 预计完工晚于交期 {over / 60:.1f} 工时",
               body=f"预计完工 {result.predicted:%Y-%m-%d %H:%M}，交期 {due - timedelta(minutes=1):%Y-%m-%d}；"
                    f"已完成工序 {result.done}/{result.total}，剩余工作 {result.remaining_minutes} 分钟。",
               ref=f"progress:{order.id}")
        audit.record(uow, ctx, None, "order_progress", order.id, "late_alert", {"late": False},
                     {"late": True, "predicted_completion": _iso(result.predicted), "due": _iso(due)})
    if current is None or current["late"] != late or current["predicted_completion"] != result.predicted:
        uow.tasks.save_progress(order.id, current, **values)


def on_progress_check(uow, ctx: Context, timer: Timer) -> None:
    """Timer: re-checks the forecast of an order on the floor even when nobody reports, so the
    alert comes before the date is missed; re-arms itself while the order is on the floor."""
    order = uow.orders.get(int(timer.ref.split(":")[1]))
    if order is None or order.status not in ON_FLOOR:
        return
    watch(uow, ctx, order)
    timers.schedule(uow, ctx.now(), kind=PROGRESS_CHECK, ref=timer.ref,
                    due_at=ctx.now() + timedelta(minutes=PROGRESS_CHECK_MINUTES))


def progress(ctx: Context, actor: Actor, order_id: int) -> dict:
    """Live progress of an order (E2): operations done, work left, forecast against the due time."""
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        result, tasks = order_forecast(uow, ctx, order)
        due = due_at(order)
        late = result.predicted is not None and result.predicted > due
        return {
            "order_id": order.id, "number": order.number, "urgent": order.urgent, "status": str(order.status),
            "done": result.done, "total": result.total,
            "percent": round(100 * result.done / result.total) if result.total else 0,
            "remaining_minutes": result.remaining_minutes, "lateness_minutes": result.lateness_minutes,
            "predicted_completion": _iso(result.predicted), "due": _iso(due), "late": late,
            "due_date": (order.promised_date or order.requested_date).isoformat(),
            "tasks": [task_view(t, order) for t in tasks],
            "notices": _notice_status(uow, order.id),
        }


def _notice_status(uow, order_id: int) -> list[dict]:
    """Each production notice of the order: to whom, when, acknowledged or not (D2)."""
    out: dict[str, dict] = {}
    for n in uow.notices.for_order(order_id):
        if not (n.ref or "").startswith("production_notice:"):
            continue
        group = out.setdefault(n.event_id, {"department": n.ref.split(":")[2], "kind": n.kind,
                                               "sent_at": _iso(n.created_at), "recipients": []})
        user = uow.users.get(n.recipient_id)
        group["recipients"].append({"user": user.display_name or user.username, "role": str(user.role),
                                    "acknowledged_at": _iso(n.acknowledged_at),
                                    "escalation_level": n.escalation_level})
    return list(out.values())


def production_notice(ctx: Context, actor: Actor, order_id: int) -> dict:
    """紧急订单生产通知单 (D1), printable: per work group, its operations in order with times and hours."""
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        index = plan_index(uow)
        tasks = [index.effective(t) for t in uow.tasks.for_order(order.id)]
        centers = {w.code: w for w in uow.plant.work_centers()}
        departments = {d.code: d.name for d in uow.plant.departments()}
        leaders = uow.floor.leaders()
        groups: dict[str, dict] = {}
        for t in sorted(tasks, key=lambda t: (t["planned_start"], t["step_seq"], t["lot"])):
            dept = centers[t["work_center_code"]].department_code
            leader = uow.users.get(leaders[dept]) if dept in leaders else None
            group = groups.setdefault(dept, {"department": dept, "name": departments.get(dept, dept),
                                             "leader": leader.display_name if leader else None,
                                             "tasks": [], "minutes": 0})
            group["tasks"].append(task_view(t, order))
            group["minutes"] += t["planned_minutes"]
        issued = [e for e in uow.audit.for_entity("order", order.id) if e["action"] == "release"]
        owner = uow.users.get(order.owner_id) if order.owner_id else None
        return {"order_id": order.id, "number": order.number, "urgent": order.urgent,
                "customer": order.customer.name, "status": str(order.status),
                "due": (order.promised_date or order.requested_date).isoformat(),
                "lines": [{"line_no": ln.line_no, "product": ln.product.code, "product_name": ln.product.name,
                           "quantity": ln.quantity} for ln in order.lines],
                "owner": owner.display_name if owner else None,
                "issued_by": issued[-1]["actor"] if issued else None,
                "issued_at": issued[-1]["at"].isoformat(timespec="minutes") if issued else None,
                "groups": list(groups.values()), "notices": _notice_status(uow, order.id)}


# ---------------------------------------------------------------- work-center screens (E1)
def work_centers(ctx: Context, actor: Actor) -> list[dict]:
    """Every work center with today's open tasks, what runs now and whether it is down."""
    require_order_access(actor)
    with ctx.uow() as uow:
        now = ctx.now()
        board = _today(uow, now)
        down = {d["work_center_code"] for d in uow.floor.downtimes(now) if d["down_from"] <= now}
        return [{"code": w.code, "name": w.name, "department": w.department_code,
                 "open": sum(1 for t, _ in board.get(w.code, []) if t["status"] != TaskState.DONE),
                 "running": sum(1 for t, _ in board.get(w.code, []) if t["status"] == TaskState.RUNNING),
                 "urgent": sum(1 for t, o in board.get(w.code, []) if o.urgent and t["status"] != TaskState.DONE),
                 "down": w.code in down} for w in uow.plant.work_centers()]


def work_center_board(ctx: Context, actor: Actor, code: str) -> dict:
    """A work center's screen (tablet): today's tasks, urgent first, then in planned order."""
    require_order_access(actor)
    with ctx.uow() as uow:
        center = uow.plant.work_center(code)
        if center is None:
            raise errors.NotFound(f"work center {code} not found", code="work_center.not_found")
        now = ctx.now()
        tasks = _today(uow, now).get(code, [])
        tasks.sort(key=lambda to: (to[0]["status"] == TaskState.DONE, not to[1].urgent, to[0]["planned_start"],
                                   to[0]["id"]))
        return {"code": center.code, "name": center.name, "department": center.department_code,
                "day": now.date().isoformat(), "now": _iso(now),
                "down": [{"from": _iso(d["down_from"]), "until": _iso(d["down_until"]), "reason": d["reason"],
                          "exception_id": d["exception_id"], "now": d["down_from"] <= now}
                         for d in uow.floor.downtimes(now, code)],
                "tasks": [task_view(t, o) for t, o in tasks]}


def _today(uow, now: datetime) -> dict[str, list[tuple[dict, Order]]]:
    """Tasks on the floor today by work center: running or paused, due to start by tonight
    (late ones included), and those finished today."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    tonight = midnight + timedelta(days=1)
    index = plan_index(uow)
    orders: dict[int, Order] = {}
    board: dict[str, list[tuple[dict, Order]]] = {}
    for raw in uow.tasks.on_floor(midnight):
        task = index.effective(raw)
        if task["status"] == TaskState.PLANNED and task["planned_start"] >= tonight:
            continue
        order = orders.get(task["order_id"]) or uow.orders.get(task["order_id"])
        orders[order.id] = order
        if task["status"] != TaskState.DONE and order.status not in ON_FLOOR:
            continue
        board.setdefault(task["work_center_code"], []).append((task, order))
    return board


# ---------------------------------------------------------------- group leaders (D2)
def set_group_leader(ctx: Context, actor: Actor, department: str, username: str) -> dict:
    """Names the leader of a work group (生产各组组长), who receives its production notices."""
    require_role(actor, FLOOR_ADMINS)
    with ctx.uow() as uow:
        if department not in {d.code for d in uow.plant.departments()}:
            raise errors.ValidationFailed("unknown work group", fields={"department": "unknown_department"})
        user = uow.users.by_username(username)
        if user is None or not user.active:
            raise errors.ValidationFailed("unknown user", fields={"username": "unknown_user"})
        if user.role != Role.MANUFACTURING:
            raise errors.ValidationFailed("a group leader works in manufacturing",
                                          fields={"username": "not_manufacturing"})
        old = uow.floor.set_leader(department, user.id)
        audit.record(uow, ctx, actor, "group_leader", department, "set_leader", {"user_id": old},
                     {"user_id": user.id})
        uow.commit()
        return {"department": department, "username": user.username, "user_id": user.id}


def group_leaders(ctx: Context, actor: Actor) -> list[dict]:
    require_order_access(actor)
    with ctx.uow() as uow:
        leaders = uow.floor.leaders()
        out = []
        for d in uow.plant.departments():
            user = uow.users.get(leaders[d.code]) if d.code in leaders else None
            out.append({"department": d.code, "name": d.name, "username": user.username if user else None,
                        "display_name": user.display_name if user else None})
        return out


#: The demo factory's group leaders (scenario.md): SMT, assembly and test groups.
DEMO_LEADERS = {"SMT": "manufacturing", "ASM": "assembly", "TST": "test_lead"}


def demo_group_leaders(ctx: Context) -> None:
    """Names the demo plant's group leaders, so production notices reach the scenario's people."""
    with ctx.uow() as uow:
        for department, username in DEMO_LEADERS.items():
            user = uow.users.by_username(username)
            if user is not None:
                uow.floor.set_leader(department, user.id)
                audit.record(uow, ctx, None, "group_leader", department, "set_leader", None, {"user_id": user.id})
        uow.commit()


# ---------------------------------------------------------------- customer update (E3)
def send_progress_update(ctx: Context, actor: Actor, order_id: int, note: str | None = None) -> dict:
    """Sales or customer service e-mail the customer the order's stage and expected date (E3)."""
    require_role(actor, CUSTOMER_CONTACTS)
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        if not order.customer.email:
            raise errors.Conflict("the customer has no e-mail address", code="customer.no_email",
                                  fields={"email": "required"})
        sent = _progress_mail(uow, ctx, order, note, ref=f"progress:{order.id}")
        audit.record(uow, ctx, actor, "order_progress", order.id, "customer_update", None, sent, note)
        uow.commit()
        return {"order_id": order.id, **sent}


def _progress_mail(uow, ctx: Context, order: Order, note: str | None, ref: str) -> dict:
    """Queues the progress e-mail (stage, operations done, expected date) to the customer."""
    result, _ = order_forecast(uow, ctx, order)
    expected = result.predicted.date() if result.predicted else (order.promised_date or order.requested_date)
    stage = STAGE_TEXT.get(str(order.status), ("处理中", "in progress"))
    body = (f"{order.customer.name}：\n\n您的订单 {order.customer_po}（我司单号 {order.number}）目前处于"
            f"「{stage[0]}」阶段，已完成工序 {result.done}/{result.total}，预计完成日期 {expected:%Y-%m-%d}。"
            + (f"\n\n{note}" if note else "")
            + f"\n\nDear {order.customer.name}, your order {order.customer_po} ({order.number}) is {stage[1]}; "
              f"{result.done} of {result.total} operations are done and we expect to complete it on "
              f"{expected:%Y-%m-%d}.")
    subject = f"{'【急单】' if order.urgent else ''}订单进度 {order.customer_po} / Order progress"
    mail_id = send_email(uow, ctx.now(), to=[order.customer.email], subject=subject, body=body,
                         kind="progress_update", order_id=order.id, ref=ref)
    return {"to": order.customer.email, "stage": str(order.status), "expected": expected.isoformat(),
            "outbox_id": mail_id}


#: The state each milestone action leads to: how the hook knows which milestone it is at.
MILESTONE_OF_STATE = {t.target: t.action for t in TRANSITIONS.values() if t.action in hooks.PROGRESS_MILESTONES}


def milestones(ctx: Context) -> frozenset[str]:
    """The configured milestones (``JIDAN_PROGRESS_MILESTONES``); empty turns them off."""
    value = _settings(ctx, "progress_milestones", "") or ""
    return frozenset(m.strip() for m in value.split(",") if m.strip())


def progress_at_milestone(uow, ctx: Context, actor: Actor, order: Order, reason: str | None) -> None:
    """AFTER hook (E3): at a configured milestone the customer gets the progress e-mail without
    anyone asking, once per order and milestone (``progress:<order>:<milestone>``), audited.
    Customers without an e-mail address are left to sales, who phone them."""
    milestone = MILESTONE_OF_STATE.get(order.status)
    if milestone is None or milestone not in milestones(ctx) or not order.customer.email:
        return
    ref = f"progress:{order.id}:{milestone}"
    if any(e["action"] == "milestone_update" and (e["new"] or {}).get("ref") == ref
           for e in uow.audit.for_entity("order_progress", order.id)):
        return
    sent = _progress_mail(uow, ctx, order, None, ref)
    audit.record(uow, ctx, actor, "order_progress", order.id, "milestone_update", None,
                 {**sent, "milestone": milestone, "ref": ref})


#: The order's stage as the customer reads it (zh, en).
STAGE_TEXT = {
    "approved": ("已确认，待排产", "confirmed and waiting to be scheduled"),
    "planned": ("已排产", "scheduled"),
    "released": ("已下达生产", "released to production"),
    "in_production": ("生产中", "in production"),
    "on_hold": ("暂停中", "on hold"),
    "inspected": ("已完成终检", "through final inspection"),
    "received": ("已入库，待发货", "in our warehouse, ready to ship"),
    "shipped": ("已发货", "shipped"),
    "delivered": ("已交付", "delivered"),
}

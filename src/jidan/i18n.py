"""The one message catalogue for UI text: key → {"zh": 简体中文, "en": English}.

zh (zh-CN) is the default language. ``t(key, lang)`` falls back to Chinese when a key has no
text in ``lang``, and to the key itself when the catalogue does not know it, so a missing
translation shows up on screen instead of breaking the page.
"""
from __future__ import annotations

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

_STATES = {
    "draft": ("草稿", "Draft"),
    "submitted": ("已提交", "Submitted"),
    "reviewed": ("已评审", "Reviewed"),
    "approved": ("已批准", "Approved"),
    "rejected": ("已驳回", "Rejected"),
    "planned": ("已排产", "Planned"),
    "released": ("已下达", "Released"),
    "in_production": ("生产中", "In production"),
    "inspected": ("已终检", "Inspected"),
    "received": ("已入库", "Received"),
    "shipped": ("已发货", "Shipped"),
    "delivered": ("已交付", "Delivered"),
    "closed": ("已结案", "Closed"),
    "on_hold": ("已暂停", "On hold"),
    "cancelled": ("已取消", "Cancelled"),
}

_ACTIONS = {
    "create": ("创建", "Create"),
    "edit": ("修改", "Edit"),
    "set_owner": ("指定负责人", "Set owner"),
    "submit": ("提交", "Submit"),
    "review": ("审核", "Review"),
    "approve": ("批准", "Approve"),
    "reject": ("驳回", "Reject"),
    "resubmit": ("重新提交", "Resubmit"),
    "plan": ("排产", "Plan"),
    "release": ("下达生产", "Release"),
    "start_production": ("开始生产", "Start production"),
    "inspect": ("终检通过", "Pass inspection"),
    "receive": ("成品入库", "Receive"),
    "ship": ("发货", "Ship"),
    "confirm_delivery": ("确认交付", "Confirm delivery"),
    "close": ("结案", "Close"),
    "hold": ("暂停", "Hold"),
    "resume": ("恢复", "Resume"),
    "cancel": ("取消订单", "Cancel order"),
}

_PRIORITIES = {
    "key": ("关键", "Key"),
    "urgent": ("加急", "Urgent"),
    "normal": ("普通", "Normal"),
}

_URGENCY_REASONS = {
    "lead_time": ("要求交期短于标准交期", "Requested lead time is shorter than standard"),
    "amount": ("订单金额超过阈值", "Order amount is above the threshold"),
    "key_customer": ("重点客户", "Key customer"),
    "manual": ("人工标记加急", "Marked urgent by hand"),
}

_ROLES = {
    "sales": ("销售", "Sales"),
    "finance": ("财务", "Finance"),
    "pmc": ("PMC 生产物控", "PMC"),
    "manufacturing": ("制造", "Manufacturing"),
    "quality": ("质检", "Quality"),
    "warehouse": ("仓库", "Warehouse"),
    "logistics": ("物流", "Logistics"),
    "customer_service": ("客服", "Customer service"),
    "purchasing": ("采购", "Purchasing"),
    "engineering": ("技术课", "Engineering"),
    "management": ("总经办", "Management"),
    "store": ("门店", "Store"),
    "supplier": ("供应商", "Supplier"),
    "admin": ("系统管理员", "Administrator"),
    "system": ("系统", "System"),
}

_CHANNELS = {
    "phone": ("电话", "Phone"),
    "online": ("网上", "Online"),
    "email": ("邮件", "Email"),
    "fax": ("传真", "Fax"),
    "visit": ("上门", "Visit"),
    "edi": ("EDI", "EDI"),
    "import": ("导入", "Import"),
}

#: Error codes (``JidanError.code``) and field error codes (``fields`` values) share one namespace.
_ERRORS = {
    "error": ("出错了", "Something went wrong"),
    "validation_failed": ("输入有误，请检查标出的字段", "Some input is not valid; see the marked fields"),
    "auth.required": ("请先登录", "Please log in first"),
    "auth.bad_credentials": ("用户名或密码错误", "Wrong username or password"),
    "auth.session_expired": ("登录已过期，请重新登录", "Your session expired; please log in again"),
    "auth.user_disabled": ("该用户已停用", "This user is disabled"),
    "auth.csrf": ("安全校验失败（CSRF），请刷新页面后重试",
                  "Security check failed (CSRF); reload the page and try again"),
    "auth.role_not_allowed": ("您的角色无权执行此操作", "Your role may not do this"),
    "auth.self_approval": ("不能审核或批准自己录入的订单", "Nobody reviews or approves their own order"),
    "forbidden": ("无权执行此操作", "You may not do this"),
    "not_found": ("找不到该记录", "Not found"),
    "order.not_found": ("找不到该订单", "Order not found"),
    "product.not_found": ("找不到该产品", "Product not found"),
    "method_not_allowed": ("不支持该请求方式", "Method not allowed"),
    "payload_too_large": ("提交的内容过大", "The request is too large"),
    "conflict": ("与现有数据冲突", "Conflicts with existing data"),
    "integrity": ("与现有数据冲突", "Conflicts with existing data"),
    "stale_version": ("该订单已被他人修改，请刷新后重试",
                      "This order was changed by someone else; reload and try again"),
    "duplicate": ("记录已存在", "Already exists"),
    "order.invalid_transition": ("订单当前状态不允许此操作", "This action is not allowed in the order's current state"),
    "order.duplicate_customer_po": ("该客户订单号已录入过", "This customer PO was already entered"),
    "order.not_requester": ("只有录入人可以执行此操作", "Only the person who entered the order may do this"),
    "order.change_requires_request": ("已批准的订单只能通过变更申请修改",
                                      "An approved order changes only through a change request"),
    "order.not_in_accepted_plan": ("订单不在已采纳的生产计划中，请先排产",
                                   "The order is not in the accepted plan; plan it first"),
    "planning.already_planned": ("订单已在已采纳的计划中", "The order is already in the accepted plan"),
    "planning.no_plan": ("还没有已采纳的计划，请先做一次完整排产",
                         "There is no accepted plan yet; run a full plan first"),
    "planning.no_routing": ("订单的产品没有工艺路线", "The order's products have no routing"),
    "planning.not_proposed": ("该排产方案已不是待采纳状态", "This planning run is no longer a proposal"),
    "planning.plan_changed": ("计划已变化，请重新模拟", "The plan changed since this what-if; run it again"),
    "planning.run_not_found": ("找不到该排产记录", "Planning run not found"),
    "idempotency.key_reused": ("重复提交的内容与首次不同", "This submission differs from the first one"),
    "customer.duplicate": ("客户代码已存在", "Customer code exists"),
    "product.duplicate": ("产品代码已存在", "Product code exists"),
    "user.duplicate": ("用户名已存在", "Username exists"),
    "import.unreadable": ("文件无法读取", "The file cannot be read"),
    "import.empty": ("文件没有数据", "The file has no rows"),
    "import.missing_columns": ("文件缺少必需的列", "The file misses required columns"),
    "import.too_many_rows": ("文件行数过多", "The file has too many rows"),
    "import.rows_invalid": ("部分行有误，未导入任何数据", "Some rows are not valid; nothing was imported"),
    # field error codes
    "required": ("必填", "Required"),
    "in_past": ("日期不能早于今天", "The date is in the past"),
    "invalid_date": ("日期格式不正确", "Not a valid date"),
    "invalid_integer": ("请输入整数", "Enter a whole number"),
    "invalid_number": ("请输入数字", "Enter a number"),
    "must_be_positive": ("必须大于 0", "Must be greater than 0"),
    "must_not_be_negative": ("不能为负数", "Must not be negative"),
    "too_long": ("内容过长", "Too long"),
    "too_short": ("内容过短", "Too short"),
    "unknown_product": ("未知产品（须为成品）", "Unknown product (must be a finished product)"),
    "unknown_customer": ("未知客户", "Unknown customer"),
    "unknown_channel": ("未知渠道", "Unknown channel"),
    "unknown_user": ("未知用户", "Unknown user"),
    "unknown_role": ("未知角色", "Unknown role"),
    "unknown_action": ("未知操作", "Unknown action"),
    "unknown_work_center": ("未知工作中心", "Unknown work center"),
    "duplicate_seq": ("工序号重复", "Duplicate operation number"),
    "no_routing": ("没有工艺路线", "No routing"),
    "too_many_rows": ("行数过多", "Too many rows"),
    "wrong_password": ("密码错误", "Wrong password"),
    "reused": ("已被使用", "Already used"),
    "unreadable": ("无法读取", "Unreadable"),
    "empty": ("为空", "Empty"),
}

_UI = {
    "app_name": ("急单", "jidan"),
    "app_tagline": ("工厂急单管理", "Urgent orders for factories"),
    "nav.orders": ("订单", "Orders"),
    "nav.new_order": ("新建订单", "New order"),
    "nav.api_docs": ("API 文档", "API docs"),
    "logout": ("退出", "Log out"),
    "login": ("登录", "Log in"),
    "login.title": ("登录急单系统", "Log in to jidan"),
    "login.hint": ("演示账号：sales / pmc / management …，密码 demo",
                   "Demo users: sales / pmc / management …, password demo"),
    "username": ("用户名", "Username"),
    "password": ("密码", "Password"),
    "switch_language": ("English", "中文"),
    "orders.title": ("订单列表", "Orders"),
    "orders.empty": ("没有符合条件的订单", "No orders match"),
    "orders.count": ("共 {total} 条", "{total} orders"),
    "filter.status": ("状态", "Status"),
    "filter.all_states": ("全部状态", "All states"),
    "filter.urgent_only": ("只看急单", "Urgent only"),
    "filter.search": ("搜索订单号 / 客户订单号", "Search order no. / customer PO"),
    "filter.apply": ("筛选", "Filter"),
    "filter.reset": ("清除", "Reset"),
    "page.prev": ("上一页", "Previous"),
    "page.next": ("下一页", "Next"),
    "page.of": ("第 {page} / {pages} 页", "Page {page} of {pages}"),
    "col.number": ("订单号", "Order no."),
    "col.customer": ("客户", "Customer"),
    "col.customer_po": ("客户订单号", "Customer PO"),
    "col.products": ("产品", "Products"),
    "col.requested_date": ("要求交期", "Requested date"),
    "col.status": ("状态", "Status"),
    "col.priority": ("优先级", "Priority"),
    "col.line_no": ("行", "Line"),
    "col.product": ("产品", "Product"),
    "col.quantity": ("数量", "Quantity"),
    "col.unit_price": ("单价", "Unit price"),
    "col.amount": ("金额", "Amount"),
    "urgent": ("急", "URGENT"),
    "urgent.title": ("紧急订单", "Urgent order"),
    "new.title": ("新建订单", "New order"),
    "new.customer": ("客户", "Customer"),
    "new.choose": ("请选择…", "Choose…"),
    "new.customer_po": ("客户订单号 (PO)", "Customer PO"),
    "new.requested_date": ("要求交货日期", "Requested delivery date"),
    "new.channel": ("接单渠道", "Channel"),
    "new.special_requirements": ("特殊要求", "Special requirements"),
    "new.urgent_reason": ("加急原因（人工标记加急）", "Urgent reason (marks the order urgent)"),
    "new.urgent_reason_hint": ("填写后订单即标记为急单", "Filling this in marks the order urgent"),
    "new.lines": ("订单明细", "Order lines"),
    "new.lines_hint": ("空行会被忽略；单价留空则按产品标准价",
                       "Empty rows are ignored; a blank unit price takes the product's price"),
    "new.add_line": ("+ 添加一行", "+ Add a line"),
    "new.submit": ("提交订单", "Submit order"),
    "new.lead_days": ("标准交期 {days} 天", "standard lead time {days} days"),
    "order.title": ("订单 {number}", "Order {number}"),
    "order.customer": ("客户", "Customer"),
    "order.customer_po": ("客户订单号", "Customer PO"),
    "order.order_date": ("下单日期", "Order date"),
    "order.requested_date": ("要求交期", "Requested date"),
    "order.promised_date": ("承诺交期", "Promised date"),
    "order.channel": ("渠道", "Channel"),
    "order.amount": ("订单金额", "Amount"),
    "order.revision": ("版本", "Revision"),
    "order.special_requirements": ("特殊要求", "Special requirements"),
    "order.lines": ("订单明细", "Order lines"),
    "order.urgency": ("加急原因", "Why it is urgent"),
    "order.not_urgent": ("非急单", "Not urgent"),
    "order.progress": ("进度", "Progress"),
    "order.held_from": ("暂停前状态：{state}", "Held from: {state}"),
    "order.off_path": ("订单当前不在主流程上：{state}", "The order is off the main path: {state}"),
    "order.actions": ("可执行的操作", "Actions you can take"),
    "order.no_actions": ("当前没有您可执行的操作", "Nothing for you to do on this order now"),
    "order.reason_for": ("{action}原因", "Reason ({action})"),
    "order.reason_required": ("必须填写原因", "A reason is required"),
    "order.timeline": ("操作记录", "History"),
    "order.reload": ("刷新页面", "Reload the page"),
    "order.back": ("← 返回订单列表", "← Back to orders"),
    "order.done": ("操作成功：{action}", "Done: {action}"),
    "event.reason": ("原因", "Reason"),
    "event.fields": ("修改字段：{fields}", "Changed: {fields}"),
    "error.title": ("出错了", "Something went wrong"),
    "error.back": ("返回订单列表", "Back to orders"),
}

# UI text of each area, keys without the "ui." prefix; one table per area keeps edits apart.
#: Planning pages: Gantt, materials (issue 4).
_UI_PLANNING: dict[str, tuple[str, str]] = {
}
#: Inbox, approvals, review records, change requests (issue 5).
_UI_WORKFLOW: dict[str, tuple[str, str]] = {
}
#: Tasks, work-center screen, progress, exceptions, quality (issue 6).
_UI_EXECUTION: dict[str, tuple[str, str]] = {
}
#: Receipt, drawings, shipment, feedback, incidents, records (issue 6).
_UI_FULFILMENT: dict[str, tuple[str, str]] = {
}

CATALOGUE: dict[str, dict[str, str]] = {}
for _prefix, _table in (("state", _STATES), ("action", _ACTIONS), ("priority", _PRIORITIES),
                        ("urgency", _URGENCY_REASONS), ("role", _ROLES), ("channel", _CHANNELS),
                        ("error", _ERRORS), ("ui", _UI), ("ui", _UI_PLANNING),
                        ("ui", _UI_WORKFLOW), ("ui", _UI_EXECUTION), ("ui", _UI_FULFILMENT)):
    for _key, (_zh, _en) in _table.items():
        CATALOGUE[f"{_prefix}.{_key}"] = {"zh": _zh, "en": _en}


def language(value: str | None) -> str | None:
    """``value`` if it names a language we have ("zh", "en", also "zh-CN"), else None."""
    if not value:
        return None
    value = value.strip().lower().replace("_", "-")
    if value in LANGUAGES:
        return value
    base = value.split("-", 1)[0]
    return base if base in LANGUAGES else None


def t(key: str, lang: str = DEFAULT_LANGUAGE, default: str | None = None, **values) -> str:
    """The text of ``key`` in ``lang``; ``values`` fill ``{placeholders}``."""
    entry = CATALOGUE.get(key)
    if entry is None:
        text = key if default is None else default
    else:
        text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text

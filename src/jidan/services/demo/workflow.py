"""The demo factory's review state and inbox (scenario step 4): what a visitor finds waiting.

The golden order's review convened by sales with planning's answer attached, a deputy named for
next week, a pending date change, and a few notices so every inbox shows what it is for.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.domain.states import OrderState
from jidan.services.approvals import changes
from jidan.services.approvals.delegations import add_delegation
from jidan.services.approvals.review import open_review
from jidan.services.context import Context
from jidan.services.notices.notify import notify
from jidan.services.ports import OrderFilter


def _actor(ctx: Context, username: str) -> Actor:
    with ctx.uow() as uow:
        user = uow.users.by_username(username)
        return Actor(user.id, user.username, Role(user.role), user.display_name)


def demo_approvals(ctx: Context, golden: dict) -> None:
    """The golden order's review opened, a deputy for management, a date change waiting."""
    open_review(ctx, _actor(ctx, "sales"), golden["id"])
    start = datetime.combine(ctx.now().date() + timedelta(days=7), datetime.min.time()).replace(hour=8)
    add_delegation(ctx, _actor(ctx, "admin"), "production_manager", start, start + timedelta(days=5),
                   "出差期间由生产经理代为最终审批", principal="management", role_exception=True)
    sales2 = _actor(ctx, "sales2")
    with ctx.uow() as uow:
        approved = uow.orders.list(OrderFilter(status=OrderState.PLANNED.value, limit=100))[0]
        mine = next((o for o in approved if o.created_by == sales2.user_id), None)
        target = (mine.id, mine.requested_date) if mine else None
    if target:
        changes.request_change(ctx, sales2, target[0], changes.ChangeInput(
            "客户产线调整，要求推迟一周交货", "客户采购部电话确认，邮件已存档",
            requested_date=target[1] + timedelta(days=7)))


def demo_notices(ctx: Context, order: dict) -> int:
    """A few notices for the demo factory, so every inbox shows what it is for (jidan demo)."""
    now = ctx.now()
    with ctx.uow() as uow:
        notify(uow, now, kind="release", subject=f"急单生产通知 {order['number']}",
               body="SCB-200 × 300，SMT 优先排产", order_id=order["id"],
               roles=[Role.MANUFACTURING], needs_ack=True, ack_hours=2, ctx=ctx)
        notify(uow, now, kind="exception", subject=f"SMT-02 贴片机故障 {order['number']}",
               body="预计停机 3 小时", order_id=order["id"],
               roles=[Role.PMC], needs_ack=True, ack_hours=1, critical=True, ctx=ctx)
        notify(uow, now, kind="info", subject="本周产能报告已生成",
               roles=[Role.MANAGEMENT, Role.SALES], ctx=ctx)
        uow.commit()
    return 3

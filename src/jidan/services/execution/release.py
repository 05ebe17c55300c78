"""Release to the floor (D1, D2): the accepted plan's operations of the order become tasks, and
each work group's leader gets the production notice to acknowledge."""
from __future__ import annotations

import re

from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.services.context import Context
from jidan.services.execution.production_notice import notify_groups
from jidan.services.execution.progress import schedule_check
from jidan.domain.execution import split_lots
from jidan.services.execution.tasks import add_task, plan_index


def _operation_pattern(number: str) -> re.Pattern:
    """Operation ids the planner gives an order's routing: "<order>/<line>-<seq>[.<lot>]"."""
    return re.compile(rf"^{re.escape(number)}/(\d+)-(\d+)(?:\.(\d+))?$")


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
        minutes = split_lots(step.minutes(line.quantity), lots[(line_no, seq)])[lot - 1]
        made.append(add_task(uow, order, now, operation=a["operation"], job=a["job"], line_no=line_no,
                              step_seq=seq, lot=lot, kind="production", name=step.name,
                              work_center_code=a["resource"], quantity=quantity, inspection=step.inspection,
                              planned_start=index.at(a["start"]), planned_end=index.at(a["end"]),
                              minutes=minutes, source="release"))
    notify_groups(uow, ctx, actor, order, made, kind="release")
    if made:
        schedule_check(uow, now, order)

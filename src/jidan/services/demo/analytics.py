"""Demo: a few weeks of history for management's dashboard and /analytics (issue 22).

The generated orders are all entered today, so nothing has been delivered, missed or held up
yet and the figures would be empty. These few orders were entered weeks ago and walked to
delivery through the ordinary services on a clock of their own set back in time (the plant's
clock does not move): two delivered on time, one late behind a material shortage reported on
the floor (whose notice pmc never acknowledged), one urgent order pmc gave overtime. The group
leaders never acknowledged their release notices either: the league table shows it.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from jidan.domain.execution import ExceptionKind
from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.domain.states import MAIN_PATH, OrderState
from jidan.services import planning
from jidan.services.context import Context
from jidan.services.execution.exceptions import NewException, report_exception
from jidan.services.execution.reports import Report, report
from jidan.services.planning.decisions import choose_lever

#: (product, weeks ago it was entered, working days late it was delivered or None: on time,
#: urgent); the late one was entered nine weeks ago so it is delivered before today whatever its
#: lead time. Each order's review runs the feasibility check (about a second): four keep
#: `jidan demo` quick.
HISTORY = (("PWR-100", 7, None, False), ("SNS-300", 5, None, False), ("CTL-100", 9, 2, False),
           ("SNS-100", 3, None, True))
#: Hours between one step of an order and the next (review, approval, planning, … delivery).
PACE = (3, 5, 4, 6, 20, 30, 4, 6, 40)


class _Then:
    """The history's clock, set by hand as `jidan clock` sets the plant's."""

    def __init__(self, at: datetime):
        self.at = at

    def now(self) -> datetime:
        return self.at


def load(ctx: Context, users: dict, products: dict, enter: Callable, advance: Callable) -> int:
    """Enters (``enter``: the factory's ``_order``) and walks (``advance``: its ``_advance``, one
    step at a time) the history orders; returns how many. The factory hands both in, so this
    module does not import it back."""
    rnd = random.Random(22)
    sales, pmc, floor = (Actor(users[name]["id"], name, Role(users[name]["role"]))
                         for name in ("sales2", "pmc", "manufacturing"))
    today = ctx.now().date()
    for code, weeks, late_days, urgent in HISTORY:
        clock = _Then(datetime.combine(today - timedelta(weeks=weeks), time(9, 30)))
        then = replace(ctx, clock=clock)
        order = enter(then, rnd, sales, products[code], f"H{weeks}{code[:3]}", urgent)
        due = date.fromisoformat(str(order["requested_date"])[:10])
        state = OrderState(order["status"])
        for hours in PACE:
            if state == OrderState.DELIVERED:
                break
            clock.at += timedelta(hours=hours)
            if state == OrderState.SHIPPED and late_days:
                clock.at = datetime.combine(then.national_calendar.add_working_days(due, late_days), time(15))
            if state == OrderState.APPROVED:  # pmc plans it (with overtime for the urgent one) and accepts
                run = (choose_lever(then, pmc, order["id"], "overtime", work_center=products[code].routing[0].work_center,
                                    days=[clock.at.date()], hours=3)["run"] if urgent
                       else planning.propose_full(then, pmc, time_limit=1.0))
                planning.accept(then, pmc, run["id"])
                state = OrderState.PLANNED
                continue
            if state == OrderState.RELEASED:
                _work(then, clock, floor, order["id"])
                state = OrderState.IN_PRODUCTION
            else:
                target = MAIN_PATH[MAIN_PATH.index(state) + 1]
                advance(then, users, {"id": order["id"], "status": state.value}, sales, target)
                state = target
            if state == OrderState.IN_PRODUCTION and late_days:
                report_exception(then, floor, NewException(
                    order["id"], ExceptionKind.MATERIAL_SHORTAGE, "外壳来料短缺，等待补料",
                    late_days * 24 * 60, work_center=products[code].routing[1].work_center))
    return len(HISTORY)


def _work(ctx: Context, clock: _Then, floor: Actor, order_id: int) -> None:
    """The floor starts and finishes each of the order's tasks when its plan says (E1); the first
    start puts the order in production."""
    with ctx.uow() as uow:
        tasks = sorted(uow.tasks.for_order(order_id), key=lambda t: (t.planned_start, t.id))
    for task in tasks:
        clock.at = max(clock.at, task.planned_start)
        report(ctx, floor, task.id, Report("start"))
        clock.at = max(clock.at, task.planned_end)
        report(ctx, floor, task.id, Report("finish"))

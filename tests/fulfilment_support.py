"""Orders brought to the warehouse door through the real lifecycle, for the fulfilment tests."""
from __future__ import annotations

from datetime import date

from jidan.services.orders import intake, lifecycle

from jidan.services import planning
from jidan.services.orders.intake import NewLine, NewOrder


def new_order(ctx, actors, *, urgent: bool = True, po: str = "HD-2026-0042") -> int:
    """The scenario's urgent order (300 × SCB-200 for key customer C001), or a calm one."""
    if urgent:
        cmd = NewOrder("C001", po, date(2026, 12, 1), (NewLine("SCB-200", 300),))
    else:
        cmd = NewOrder("C002", po, date(2027, 3, 1), (NewLine("P002", 20), NewLine("SCB-200", 5)))
    return intake.create_order(ctx, actors["sales"], cmd)["id"]


def released(ctx, actors, **kw) -> int:
    """An order reviewed, approved, planned in an accepted run and released."""
    oid = new_order(ctx, actors, **kw)
    lifecycle.act(ctx, actors["pmc"], oid, "review")
    lifecycle.act(ctx, actors["management"], oid, "approve")
    run = planning.propose_full(ctx, actors["pmc"], time_limit=0.2)
    planning.accept(ctx, actors["pmc"], run["id"])
    lifecycle.act(ctx, actors["pmc"], oid, "release")
    return oid


def inspected(ctx, actors, **kw) -> int:
    """An order through production and its final inspection, ready for the warehouse."""
    oid = released(ctx, actors, **kw)
    lifecycle.act(ctx, actors["manufacturing"], oid, "start_production")
    lifecycle.act(ctx, actors["quality"], oid, "inspect")
    return oid



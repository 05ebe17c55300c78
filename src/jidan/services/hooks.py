"""What else happens when an order action fires, as one table read by ``orders.act``.

Each area owns its checks (``BEFORE``: may refuse the action) and its follow-ups (``AFTER``:
tasks, notices, records), written in the same unit of work as the state change. A hook is
``hook(uow, ctx, actor, order, reason)``; the modules are imported when first needed so that
the areas may import ``orders`` themselves.
"""
from __future__ import annotations

from importlib import import_module
from typing import Callable

Hook = Callable[..., None]

#: action → "module:function" of the checks that run before the transition.
BEFORE: dict[str, tuple[str, ...]] = {
    "release": ("jidan.services.planning.runs:check_release",),
    "receive": ("jidan.services.execution.quality:check_receipt",),  # execution (issue 6): F2
    "ship": ("jidan.services.fulfilment.shipping:check_ship",),  # fulfilment (issue 6): G3, G4
}
#: action → "module:function" of the work that runs after it, in the same transaction.
AFTER: dict[str, tuple[str, ...]] = {
    "release": ("jidan.services.execution.release:create_tasks",),  # execution (issue 6): D1, D2
    "inspect": ("jidan.services.execution.quality:record_final_by_action",),  # execution (issue 6): F2
    "receive": ("jidan.services.fulfilment.receipts:after_receive",),  # fulfilment (issue 6): G2, L2
    "confirm_delivery": ("jidan.services.fulfilment.shipping:after_delivery",),  # fulfilment (issue 6): I1
    "close": ("jidan.services.fulfilment.records:freeze_on_close",),  # fulfilment (issue 6): M2, M4
    "cancel": ("jidan.services.approvals.review:after_cancel",),  # approvals (issue 5): B1
}

# execution (issue 6): the customer's progress e-mail at the configured milestones (E3).
PROGRESS_MILESTONES = ("release", "start_production", "inspect", "receive")
for _action in PROGRESS_MILESTONES:
    AFTER[_action] = AFTER.get(_action, ()) + ("jidan.services.execution.customer_updates:progress_at_milestone",)

# materials (issue 4): a released order's materials leave free stock (C6).
AFTER["release"] = AFTER.get("release", ()) + ("jidan.services.materials.purchasing:issue_for_order",)


def _resolve(path: str) -> Hook:
    module, name = path.split(":")
    return getattr(import_module(module), name)


def run(table: dict[str, tuple[str, ...]], uow, ctx, actor, order, action: str,
        reason: str | None) -> None:
    for path in table.get(action, ()):
        _resolve(path)(uow, ctx, actor, order, reason)

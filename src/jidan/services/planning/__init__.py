"""Planning (B2, C1–C7): the plant as a problem (`plant`), the plan in force against it
(`in_force`), runs proposed and accepted (`runs`), what the plan shows (`views`) and an order's
promise (`promises`). The use cases the edges call are named here."""
from jidan.domain.planning_run import PLANNERS, VIEWERS
from jidan.services.planning.promises import order_plan, promise, promise_unsaved
from jidan.services.planning.runs import (
    accept, in_accepted_plan, propose_full, propose_insertion, propose_material_late, propose_order_changed,
    propose_repair,
)
from jidan.services.planning.views import chart, get_run, load, order_id_of, recent_runs

__all__ = ["PLANNERS", "VIEWERS", "accept", "chart", "get_run", "in_accepted_plan", "load", "order_id_of",
           "order_plan", "promise", "promise_unsaved", "propose_full", "propose_insertion", "propose_material_late",
           "propose_order_changed", "propose_repair", "recent_runs"]

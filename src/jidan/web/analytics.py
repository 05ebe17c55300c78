"""Management's dashboard (/dashboard, its home) and the figures page (/analytics): M3, M4.

Charts are Apache ECharts from our own static files (static/vendor/echarts); the page carries
each chart's numbers as JSON (never as script, the CSP allows none inline) and
static/analytics.js draws them. Every chart has its table, and every figure links the orders
behind it.
"""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from jidan import i18n
from jidan.domain import errors
from jidan.services.analytics import dashboard as board
from jidan.services.analytics.figures import ANALYSTS, Filters, accountability, default_period, figures
from jidan.services.permissions import may
from jidan.web.forms import whole_number
from jidan.web.pages import Page, UserPage, WebRoute, render, templates

router = APIRouter(include_in_schema=False, route_class=WebRoute)

#: Order links shown per figure; the rest are counted ("12 more") and in the exports.
SHOWN = 15
COST_ITEMS = ("expedited_freight", "compensation")
Text = Annotated[str, Query(max_length=40)]

templates.env.globals["analytics_nav"] = lambda actor: may(actor, ANALYSTS)


def _ids(data, found: set[int]) -> set[int]:
    """The first ``SHOWN`` ids of every id list in a figure (the links the page shows)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if (key.endswith("_ids") or key == "order_ids") and isinstance(value, list):
                found.update(value[:SHOWN])
            else:
                _ids(value, found)
    elif isinstance(data, list):
        for value in data:
            _ids(value, found)
    return found


class Words:
    """The page's words for the keys the figures carry: departments, causes, stages."""

    def __init__(self, page: Page, departments: dict[str, str]):
        self.page, self.departments = page, departments

    def department(self, code: str | None) -> str:
        code = code or "unattributed"
        if f"role.{code}" in i18n.CATALOGUE:
            return self.page.t(f"role.{code}")
        return self.departments.get(code) or self.page.t(f"ui.an.dept.{code}", default=code)

    def cause(self, cause: str) -> str:
        return self.page.t(f"ui.an.cause.{cause}", default=cause)


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def _dashboard_charts(page: Page, data: dict, words: Words) -> dict:
    t = page.t
    return {
        "trend": {"type": "line", "percent": True, "labels": [w["week"] for w in data["trend"]],
                  "series": [{"name": t("ui.an.trend.rate"), "values": [_percent(w["rate"]) for w in data["trend"]]}]},
        "cost": {"type": "bar", "labels": [t(f"ui.an.cost.{k}") for k in COST_ITEMS],
                 "series": [{"name": t("ui.an.cost.amount"), "values": [float(data["urgency"][k]) for k in COST_ITEMS]}]},
        "causes": _pareto(page, data["delay_causes"], words),
        "departments": {"type": "bar", "labels": [words.department(r["department"]) for r in data["accountability"]],
                        "series": [{"name": t("ui.an.league.missed"),
                                    "values": [r["missed"] for r in data["accountability"]]}]},
    }


def _pareto(page: Page, causes: list[dict], words: Words) -> dict:
    return {"type": "pareto", "labels": [words.cause(c["cause"]) for c in causes],
            "series": [{"name": page.t("ui.an.causes.count"), "values": [c["count"] for c in causes]},
                       {"name": page.t("ui.an.causes.cumulative"),
                        "values": [_percent(c["cumulative_share"]) for c in causes]}]}


@router.get("/dashboard")
def dashboard_page(page: UserPage):
    data = board.dashboard(page.ctx, page.actor)
    names = board.names(page.ctx, page.actor, _ids(data, set()))
    words = Words(page, names["departments"])
    return render(page, "analytics/dashboard.html", data=data, numbers=names["orders"], words=words,
                  shown=SHOWN, charts=_dashboard_charts(page, data, words))


def _number(value: str, field: str, fields: dict) -> int | None:
    if not value:
        return None
    number = whole_number(value)
    if not number:  # not a number, or 0: no row has that id
        fields[field] = "invalid_integer"
    return number or None


@router.get("/analytics")
def figures_page(page: UserPage, start: Annotated[date | None, Query()] = None,
                 end: Annotated[date | None, Query()] = None, customer_id: Text = "", product_id: Text = "",
                 department: Text = "", urgent: Text = ""):
    fields: dict[str, str] = {}
    filters = Filters(customer_id=_number(customer_id, "customer_id", fields),
                      product_id=_number(product_id, "product_id", fields),
                      department=department.strip() or None,
                      urgent={"true": True, "false": False}.get(urgent))
    if fields:
        raise errors.ValidationFailed("the filters are not valid", fields=fields)
    start, end = default_period(page.ctx, start, end)
    data = figures(page.ctx, page.actor, start, end, filters)
    league = accountability(page.ctx, page.actor, start, end)
    names = board.names(page.ctx, page.actor, _ids([data, league], set()))
    words = Words(page, names["departments"])
    query = page.request.url.query
    charts = {
        "capacity": {"type": "bar", "percent": True, "labels": [r["work_center"] for r in data["capacity"]["use"]],
                     "series": [{"name": page.t("ui.an.capacity.use"),
                                 "values": [_percent(r["use"]) for r in data["capacity"]["use"]]}]},
        "causes": _pareto(page, data["delay_causes"], words),
    }
    return render(page, "analytics/figures.html", data=data, league=league, numbers=names["orders"],
                  words=words, shown=SHOWN, charts=charts, query=query,
                  form={"start": start, "end": end, "customer_id": customer_id, "product_id": product_id,
                        "department": department, "urgent": urgent})

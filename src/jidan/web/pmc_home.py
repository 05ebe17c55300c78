"""pmc's home (issue 22): the orders waiting for its review or plan, and the load ahead per work
center with the bottleneck marked, as a chart and its table."""
from __future__ import annotations

from fastapi import APIRouter

from jidan.services.planning import workload
from jidan.web.pages import Page, UserPage, WebRoute, render

router = APIRouter(include_in_schema=False, route_class=WebRoute)


def load_chart(page: Page, load: dict) -> dict:
    """The load as the chart script reads it: utilisation in % per work center, a bar per week."""
    labels = [r["work_center"] + (" ★" if r["work_center"] == load["bottleneck"] else "")
              for r in load["work_centers"]]
    series = [{"name": page.t("ui.pmc.load.week_of", start=start),
               "values": [round(r["weeks"][w] * 100, 1) for r in load["work_centers"]]}
              for w, start in enumerate(load["week_starts"])]
    return {"load": {"type": "bar", "labels": labels, "series": series, "percent": True}}


@router.get("/pmc")
def pmc_home(page: UserPage):
    load = workload.load_ahead(page.ctx, page.actor)
    return render(page, "pmc/home.html", orders=workload.waiting_orders(page.ctx, page.actor), load=load,
                  charts=load_chart(page, load))

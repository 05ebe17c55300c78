"""Planning pages (C2–C7): the plan in force as a Gantt, what-if runs with their impact, accept.

The Gantt is server-drawn SVG (no chart library): one row per work center, a bar per operation
coloured by order and labelled (order, step) where the label fits, urgent orders' bars marked 急,
the focal or inserted order's chain of steps highlighted and the rest toned down, moved work
against its ghost, nights, rest days and down time shaded, a day or week window of the plan (never
all of it), filters by order or work center, and under it the load per work center and day with
the bottleneck. A click or tap on a bar opens its details (static/planning-board.js).
"""
from __future__ import annotations

import re
import zlib
from functools import lru_cache
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path as PathParam
from starlette.datastructures import FormData

from jidan.http.errors import status_of
from jidan.domain import errors
from jidan.services import planning
from jidan.services.planning import decisions
from jidan.services.materials.views import amount
from jidan.services.orders import views as order_views
from jidan.services.permissions import may
from jidan.services.ports import OrderFilter
from jidan.web.forms import FormReader
from jidan.web.pages import Form, Page, UserPage, WebRoute, check_csrf, redirect, render, templates

router = APIRouter(include_in_schema=False, route_class=WebRoute)
RowId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]

ZOOM_DAYS = {"day": 1, "week": 7}
MAX_DAYS_AWAY = 800  # a window further from today than this is a typo: show the default one
LABEL_WIDTH, CHART_WIDTH, ROW_HEIGHT, AXIS_HEIGHT = 120, 1080, 24, 34
LOAD_ROW, LOAD_AXIS = 20, 22
#: The most operations the table under the chart lists (the chart and its details show them all).
TABLE_MOST = 200
#: How many orders the what-if form's order box suggests at a time.
SUGGESTIONS = 20
#: Label widths in pixels per character at the bars' 11px font: Latin and digits, CJK.
LABEL_CHAR, LABEL_CJK = 6.2, 11.5
#: Order colours: distinct, readable with white text; red is kept for 急.
PALETTE = ("#2563eb", "#0d9488", "#7c3aed", "#ca8a04", "#0891b2", "#4f46e5", "#65a30d", "#c026d3",
           "#ea580c", "#0f766e", "#9333ea", "#1d4ed8", "#b45309", "#047857", "#6d28d9", "#0369a1")
WEEKDAYS = {"zh": "一二三四五六日", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}
RUN_KINDS = ("full", "insert", "machine_down", "material_late", "order_changed")


templates.env.globals["planning_viewers"] = planning.VIEWERS
templates.env.filters["qty"] = lambda value: f"{amount(value):,}"


def colour(order: str) -> str:
    return PALETTE[zlib.crc32(order.encode()) % len(PALETTE)]


@dataclass(frozen=True)
class View:
    """What part of the plan the page shows: the window, the filters and the focal order."""

    zoom: str
    start: date
    order: str
    work_center: str
    focus: str = ""

    @property
    def days(self) -> int:
        return ZOOM_DAYS[self.zoom]

    @property
    def last(self) -> date:
        return self.start + timedelta(days=self.days - 1)

    def query(self, **over) -> str:
        values = {"zoom": self.zoom, "start": self.start.isoformat(), "order": self.order,
                  "wc": self.work_center, "focus": self.focus, **over}
        return urlencode({k: v for k, v in values.items() if v})


def _asked(page: Page) -> tuple[str, date | None, str, str, str]:
    """Zoom, start (None: let the plan choose), order filter, work center and focal order, leniently."""
    params = page.request.query_params
    zoom = params.get("zoom") if params.get("zoom") in ZOOM_DAYS else "week"
    order = (params.get("order") or "").strip()[:30]
    wc = (params.get("wc") or "").strip()[:30]
    focus = (params.get("focus") or "").strip()[:30]
    try:
        start = date.fromisoformat(params.get("start") or "")
        if abs((start - page.ctx.now().date()).days) > MAX_DAYS_AWAY:
            raise ValueError("too far away")
    except ValueError:
        start = None
    return zoom, start, order, wc, focus


def _chart_data(page: Page, run_id: int | None = None) -> tuple[dict, View]:
    """The window of the plan the page asks for (never the whole plan), and its view."""
    zoom, start, order, wc, focus = _asked(page)
    data = planning.chart(page.ctx, page.actor, run_id, start=start, days=ZOOM_DAYS[zoom],
                          order=order or focus or None)
    return data, View(zoom, data["start"], order, wc, focus)


def label_for(width: float, *texts: str) -> str:
    """The longest of ``texts`` that fits in a bar ``width`` pixels wide ('' when none does)."""
    for text in texts:
        if text and text_width(text) + 6 <= width:
            return text
    return ""


@lru_cache(maxsize=4096)
def text_width(text: str) -> float:
    """A label's width in pixels; a week's bars repeat the same few orders and steps."""
    return sum(LABEL_CJK if ord(ch) > 0x2e80 else LABEL_CHAR for ch in text)


class Bar(dict):
    """A bar as the template reads it: ``b.x`` finds the key at once (a plain dict makes Jinja
    try an attribute and fail first, which for a week's thousand bars is most of the page)."""

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def gantt(page: Page, data: dict, view: View, what_if: bool = False) -> dict:
    """Rows, bars, shaded windows and the time axis of the chart, in SVG coordinates; the focal
    order's chain of steps; the load per work center and day with the bottleneck."""
    origin = data["origin"]
    left = datetime.combine(view.start, time())
    minutes = view.days * 1440
    scale = CHART_WIDTH / minutes
    offset = int((left - origin).total_seconds() // 60)  # plan minute at the left edge

    def x(minute: int) -> float:
        return LABEL_WIDTH + (min(max(minute - offset, 0), minutes)) * scale

    focus = data.get("focus") or {}
    focal = focus.get("number") if focus.get("planned") else None
    ops = [op for op in data["operations"] if not view.order or op["order"] == view.order]
    centers = [w for w in data["work_centers"]
               if not view.work_center or w["code"] == view.work_center
               or re.match(r"[A-Za-z]+", w["code"]).group(0) == view.work_center]
    if view.order:
        used = {op["resource"] for op in ops}
        centers = [w for w in centers if w["code"] in used]
    row_of = {w["code"]: i for i, w in enumerate(centers)}
    height = AXIS_HEIGHT + len(centers) * ROW_HEIGHT
    bars, ghosts = [], []
    for op in ops:
        if op["resource"] not in row_of or op["end"] <= offset or op["start"] >= offset + minutes:
            continue
        x0, x1 = x(op["start"]), x(op["end"])
        y = AXIS_HEIGHT + row_of[op["resource"]] * ROW_HEIGHT + 3
        moved = op["moved"] if what_if else None
        w = round(max(x1 - x0, 1.5), 1)
        tagged = op["urgent"] and w >= 16
        short = op["order"].rsplit("-", 1)[-1]
        bars.append(Bar({**op, "x": round(x0, 1), "y": y, "w": w, "h": ROW_HEIGHT - 6,
                     "colour": colour(op["order"]), "moved": moved, "tagged": tagged,
                     "focal": bool(focal) and op["order"] == focal, "dim": bool(focal) and op["order"] != focal,
                     "label": label_for(w - (15 if tagged else 0), f"{op['order']} · {op['name']}",
                                        f"{short} · {op['name']}", op["order"], short),
                     "title": page.t("ui.planning.bar_title", urgent=page.t("ui.urgent") + " " if op["urgent"] else "",
                                     order=op["order"], name=op["name"] or op["operation"],
                                     operation=op["operation"], resource=op["resource"],
                                     start=op["start_at"].replace("T", " "), end=op["end_at"].replace("T", " "))}))
        if moved and moved["old_resource"] in row_of:
            old = int((datetime.fromisoformat(moved["old_start"]) - origin).total_seconds() // 60)
            g0, g1 = x(old), x(old + op["end"] - op["start"])
            if g1 > g0:
                gy = AXIS_HEIGHT + row_of[moved["old_resource"]] * ROW_HEIGHT + 3
                ghosts.append({"x": round(g0, 1), "w": round(g1 - g0, 1), "operation": op["operation"], "y": gy,
                               "to_x": round(x0, 1), "to_y": y, "was": moved["old_start"].replace("T", " ")})
    chain = [b for b in sorted(bars, key=lambda b: b["start"]) if b["focal"]]
    links = [{"x1": round(a["x"] + a["w"], 1), "y1": a["y"] + a["h"] / 2, "x2": b["x"], "y2": b["y"] + b["h"] / 2}
             for a, b in zip(chain, chain[1:])]
    shaded = [{"x": round(x(s), 1), "w": round(x(e) - x(s), 1)} for s, e in data["closed"]
              if e > offset and s < offset + minutes and x(e) > x(s)]
    down = [{"x": round(x(s), 1), "w": round(x(e) - x(s), 1),
             "y": AXIS_HEIGHT + row_of[wc] * ROW_HEIGHT, "work_center": wc}
            for wc, windows in data["downtime"].items() if wc in row_of for s, e in windows if x(e) > x(s)]
    ticks = _ticks(page, view, left, scale)
    now = int((data["now"] - origin).total_seconds() // 60)
    return {"width": LABEL_WIDTH + CHART_WIDTH, "height": height, "label_width": LABEL_WIDTH,
            "axis": AXIS_HEIGHT, "row_height": ROW_HEIGHT, "focal": focal, "links": links,
            "rows": [{**w, "y": AXIS_HEIGHT + i * ROW_HEIGHT} for i, w in enumerate(centers)],
            "bars": bars, "ghosts": ghosts, "shaded": shaded, "down": down, "ticks": ticks,
            "load": load_chart(data, view, centers, offset),
            "now_x": round(x(now), 1) if offset <= now <= offset + minutes else None}


def load_chart(data: dict, view: View, centers: list[dict], offset: int) -> dict:
    """Booked minutes against open minutes per work center and day of the window; the
    bottleneck is the work center most booked over the window."""
    days = view.days
    open_minutes = [1440 - sum(max(0, min(e, offset + (d + 1) * 1440) - max(s, offset + d * 1440))
                               for s, e in data["closed"]) for d in range(days)]
    booked = {w["code"]: [0] * days for w in centers}
    for op in data["operations"]:
        if op["resource"] not in booked:
            continue
        for d in range(days):
            lo, hi = offset + d * 1440, offset + (d + 1) * 1440
            booked[op["resource"]][d] += max(0, min(op["end"], hi) - max(op["start"], lo))
    total = sum(open_minutes) or 1
    width = (CHART_WIDTH - 60) / days
    rows = []
    for i, w in enumerate(centers):
        cells = [{"day": (view.start + timedelta(days=d)).isoformat(), "x": round(LABEL_WIDTH + d * width, 1),
                  "w": round(width - 4, 1), "booked": booked[w["code"]][d], "open": open_minutes[d],
                  "share": round(booked[w["code"]][d] / open_minutes[d], 2) if open_minutes[d] else 0.0}
                 for d in range(days)]
        rows.append({"code": w["code"], "name": w["name"], "y": LOAD_AXIS + i * LOAD_ROW, "cells": cells,
                     "share": round(sum(booked[w["code"]]) / total, 2)})
    busiest = max(rows, key=lambda r: r["share"], default=None)
    bottleneck = busiest["code"] if busiest and busiest["share"] > 0 else None
    for r in rows:
        r["bottleneck"] = r["code"] == bottleneck
    return {"rows": rows, "bottleneck": bottleneck, "width": LABEL_WIDTH + CHART_WIDTH, "row": LOAD_ROW,
            "height": LOAD_AXIS + len(rows) * LOAD_ROW, "axis": LOAD_AXIS, "total_x": LABEL_WIDTH + CHART_WIDTH - 52,
            "days": [{"x": c["x"], "day": c["day"][5:]} for c in (rows[0]["cells"] if rows else [])]}


def _ticks(page: Page, view: View, left: datetime, scale: float) -> list[dict]:
    """Hours in the day view; days (with weekday) and six-hour marks in the week view."""
    ticks = []
    step = 60 if view.zoom == "day" else 360
    for m in range(0, view.days * 1440 + 1, step):
        moment = left + timedelta(minutes=m)
        major = view.zoom == "day" or moment.hour == 0
        if view.zoom == "day":
            text = moment.strftime("%H")
        elif major and m < view.days * 1440:
            text = f"{moment:%m-%d} {WEEKDAYS[page.lang][moment.weekday()]}"
        else:
            text = ""
        ticks.append({"x": round(LABEL_WIDTH + m * scale, 1), "major": major, "text": text})
    return ticks


def _chart_page(page: Page, template: str, chart_data: tuple[dict, View], base: str, status: int = 200,
                what_if: bool = False, **extra):
    """A page with the Gantt; ``base`` is its own address, which the window links keep."""
    data, view = chart_data
    step = timedelta(days=view.days)
    nav = {"prev": view.query(start=(view.start - step).isoformat()),
           "next": view.query(start=(view.start + step).isoformat()),
           "today": view.query(start=data["now"].date().isoformat()),
           "day": view.query(zoom="day"), "week": view.query(zoom="week")}
    groups = sorted({re.match(r"[A-Za-z]+", w["code"]).group(0) for w in data["work_centers"]})
    chart = gantt(page, data, view, what_if)
    in_view = sorted(chart["bars"], key=lambda b: (b["start"], b["resource"]))
    return render(page, template, status, data=data, view=view, chart=chart, base=base,
                  nav=nav, groups=groups, in_view=in_view, table_most=TABLE_MOST, what_if=what_if, run_kinds=RUN_KINDS,
                  can_plan=may(page.actor, planning.PLANNERS), **extra)


@router.get("/planning")
def plan_page(page: UserPage):
    runs = planning.recent_runs(page.ctx, page.actor)
    return _chart_page(page, "planning/gantt.html", _chart_data(page), "/planning", runs=runs, form={}, fields={}, error=None,
                       done=page.query_choice("done", ("accepted",)))


@router.get("/planning/runs/{run_id}")
def run_page(page: UserPage, run_id: RowId):
    return _run_page(page, run_id)


def _run_page(page: Page, run_id: int, status: int = 200, error: errors.JidanError | None = None):
    data = _chart_data(page, run_id)
    return _chart_page(page, "planning/run.html", data, f"/planning/runs/{run_id}", status,
                       what_if=bool((data[0]["run"]["impact"] or {}).get("moved")), error=error)


@router.post("/planning/runs/{run_id}/accept")
def accept_run(page: UserPage, form: Form, run_id: RowId):
    check_csrf(page, form)
    try:
        planning.accept(page.ctx, page.actor, run_id, FormReader(form).version())
    except errors.JidanError as exc:
        return _run_page(page, run_id, status_of(exc), exc)
    return redirect("/planning?done=accepted")


def _parse_run(page: Page, form: FormData) -> tuple[dict, dict]:
    """The what-if form: which kind and its fields, each checked; (arguments, field errors)."""
    read = FormReader(form)
    kind = read.choice("kind", RUN_KINDS, required=True, code="unknown_action")
    limit = read.decimal("time_limit", low=0, below=61)
    if limit is not None and limit > 60:
        read.fail("time_limit", "invalid_number")
    args: dict = {"time_limit": float(limit) if limit is not None else 2.0}
    needs = {"insert": ("order",), "machine_down": ("work_center", "down_from", "down_until"),
             "material_late": ("available_from",), "order_changed": ("order",)}.get(kind, ())
    order, work_center = read.text("order", 30, required="order" in needs), read.text("work_center", 30,
                                                                                   required="work_center" in needs)
    material = read.text("material", 30)
    for name in ("down_from", "down_until", "available_from"):
        if name in needs:
            args[name] = read.datetime(name, required=True, code="invalid_date")
    if kind == "material_late" and not order and not material:
        read.fail("material", "order_or_material")
    if order and kind in ("insert", "material_late", "order_changed"):
        found = planning.order_id_of(page.ctx, page.actor, order)
        if found is None:
            read.fail("order", "unknown_order")
        args["order_id"] = found
    args.update(kind=kind, work_center=work_center, material=material or None)
    return args, read.fields


@router.post("/planning/runs")
def new_run(page: UserPage, form: Form):
    """pmc asks for a what-if: a full plan, an insertion or a repair; it opens as a proposal."""
    check_csrf(page, form)
    args, fields = _parse_run(page, form)
    try:
        if fields:
            raise errors.ValidationFailed("the what-if is not valid", fields=fields)
        run = _propose(page, args)
    except errors.JidanError as exc:
        response = _chart_page(page, "planning/gantt.html", _chart_data(page), "/planning", status_of(exc),
                               runs=planning.recent_runs(page.ctx, page.actor), error=exc, fields=exc.fields,
                               form={k: str(v) for k, v in form.items() if k != "csrf_token"}, done=None)
        if isinstance(exc, errors.Busy):  # planning is full: the browser may try again after this
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    return redirect(f"/planning/runs/{run['id']}")


def _propose(page: Page, args: dict) -> dict:
    ctx, actor, limit = page.ctx, page.actor, args["time_limit"]
    kind = args["kind"]
    if kind == "full":
        return planning.propose_full(ctx, actor, limit)
    if kind == "insert":
        return planning.propose_insertion(ctx, actor, args["order_id"], limit)
    if kind == "machine_down":
        return planning.propose_repair(ctx, actor, args["work_center"], args["down_from"], args["down_until"], limit)
    if kind == "material_late":
        return planning.propose_material_late(ctx, actor, args["available_from"], args.get("order_id"),
                                              args["material"] if not args.get("order_id") else None, limit)
    return planning.propose_order_changed(ctx, actor, args["order_id"], limit)


@router.get("/planning/order-suggestions")
def order_suggestions(page: UserPage):
    """The what-if form's order box as one types: the first orders whose number or customer PO
    holds the text, most pressing first, as the datalist's options (paged in the database)."""
    text = (page.request.query_params.get("order") or "").strip()[:30]
    found = order_views.list_orders(page.ctx, page.actor, OrderFilter(text=text or None, limit=SUGGESTIONS))
    return render(page, "planning/_order_options.html", orders=found["items"])


@router.get("/planning/orders/{order_id}/panel")
def order_panel(page: UserPage, order_id: RowId):
    """The order page's planning panel (htmx), or the same as a page of its own without script."""
    plan = planning.order_plan(page.ctx, page.actor, order_id)
    fragment = bool(page.request.headers.get("hx-request"))
    return render(page, "planning/_order_panel.html" if fragment else "planning/order_plan.html", plan=plan,
                  can_choose=may(page.actor, planning.PLANNERS))


@router.post("/planning/orders/{order_id}/levers")
def choose_lever(page: UserPage, form: Form, order_id: RowId):
    """pmc takes a lever on the what-if panel: its capacity is recorded and the run that uses it
    opens for acceptance (C5)."""
    check_csrf(page, form)
    lever = FormReader(form).choice("lever", ("overtime", "outside_processing", "partial_delivery"),
                                    required=True, code="lever_not_offered")
    try:
        if lever is None:
            raise errors.ValidationFailed("choose a lever", fields={"lever": "lever_not_offered"})
        chosen = decisions.choose_lever(page.ctx, page.actor, order_id, lever)
    except errors.JidanError as exc:
        if isinstance(exc, errors.NotFound):
            raise
        plan = planning.order_plan(page.ctx, page.actor, order_id)
        return render(page, "planning/order_plan.html", status_of(exc), plan=plan, can_choose=True,
                      lever_error=(exc.fields or {}).get("lever") or exc)
    return redirect(f"/planning/runs/{chosen['run']['id']}" if chosen["run"] else f"/orders/{order_id}")

"""The analytics reads (M3, M4): plain rows in bulk, one query per figure, for a period.

Each query selects only the columns its figure needs; the indexes of migration 0016 keep the
ones over the audit trail, the tasks and the notices fast on years of orders (docs/analytics.md).
"""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from sqlalchemy import String, Text, and_, case, cast, exists, func, null, or_, select
from sqlalchemy.orm import Session

from jidan.adapters.db import tables as t

#: The order actions whose first time marks a stage of the lead time.
MILESTONES = ("approve", "plan", "release", "start_production", "inspect", "receive", "ship",
              "confirm_delivery")


def _day_after(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), datetime.min.time())


def _rows(session: Session, query) -> list[dict]:
    """The rows as dicts, read in one fetch (a row's ``_mapping`` per row costs tens of µs)."""
    result = session.execute(query)
    keys = list(result.keys())
    return [dict(zip(keys, row)) for row in result.all()]


class AnalyticsStore:
    def __init__(self, session: Session):
        self.session = session

    def _ids(self, start: date, end: date, filters):
        """The ids of the orders entered in [start, end] that the filters keep (a subquery)."""
        o = t.orders.c
        query = select(o.id).where(o.order_date >= start, o.order_date <= end)
        if filters.customer_id is not None:
            query = query.where(o.customer_id == filters.customer_id)
        if filters.urgent is not None:
            query = query.where(o.urgent == filters.urgent)
        if filters.product_id is not None:
            ln = t.order_lines.c
            query = query.where(exists().where(ln.order_id == o.id, ln.product_id == filters.product_id))
        if filters.department is not None:
            tk, wc = t.production_tasks.c, t.work_centers.c
            query = query.where(exists().where(tk.order_id == o.id, tk.work_center_code == wc.code,
                                               wc.department_code == filters.department))
        return query

    def orders(self, start: date, end: date, filters) -> list[dict]:
        """Orders of the period with their dates, shipment and freight."""
        o, s = t.orders.c, t.shipments.c
        query = (select(o.id, o.number, o.urgent, o.customer_id, o.order_date, o.requested_date,
                        o.promised_date, o.created_at, o.status, s.delivered_at, s.dispatched_at,
                        s.transport_mode, s.freight_cost)
                 .select_from(t.orders.outerjoin(t.shipments, s.order_id == o.id))
                 .where(o.id.in_(self._ids(start, end, filters))).order_by(o.id))
        return _rows(self.session, query)

    def milestones(self, start: date, end: date, filters) -> list[dict]:
        """One row per order: the first time it took each milestone action (None if never)."""
        a = t.audit_events.c
        ids = self._ids(start, end, filters).with_only_columns(cast(t.orders.c.id, String))
        firsts = [func.min(case((a.action == action, a.at))).label(action) for action in MILESTONES]
        query = (select(a.entity_id, *firsts)
                 .where(a.entity == "order", a.entity_id.in_(ids), a.action.in_(MILESTONES))
                 .group_by(a.entity_id))
        rows = _rows(self.session, query)
        for row in rows:
            row["order_id"] = int(row.pop("entity_id"))
            for action in MILESTONES:  # SQLite answers an aggregate of times as text
                if isinstance(row[action], str):
                    row[action] = datetime.fromisoformat(row[action])
        return rows

    def floor(self, start: date, end: date, filters) -> list[dict]:
        """Per order of the period: when its production tasks were all finished (None while one
        runs), the quantity scrapped on the floor and the rework tasks it needed."""
        tk = t.production_tasks.c
        production = tk.kind == "production"
        all_done = func.count(case((production, 1))) == func.count(case((production, tk.finished_at)))
        query = (select(tk.order_id,
                        case((all_done, func.max(case((production, tk.finished_at))))).label("produced_at"),
                        func.coalesce(func.sum(tk.scrap_qty), 0).label("scrap"),
                        func.count(case((tk.kind == "rework", 1))).label("rework_tasks"))
                 .where(tk.order_id.in_(self._ids(start, end, filters))).group_by(tk.order_id))
        rows = _rows(self.session, query)
        for row in rows:
            if isinstance(row["produced_at"], str):
                row["produced_at"] = datetime.fromisoformat(row["produced_at"])
        return rows

    def load(self, start: date, end: date) -> list[dict]:
        """Planned and worked minutes per work center and day, of tasks planned to start in
        [start, end] (capacity use, the bottleneck per week)."""
        tk = t.production_tasks.c
        day = func.date(tk.planned_start).label("day")
        query = (select(tk.work_center_code, day, func.sum(tk.planned_minutes).label("planned"),
                        func.sum(tk.worked_minutes).label("worked"))
                 .where(tk.planned_start >= datetime.combine(start, datetime.min.time()),
                        tk.planned_start < _day_after(end))
                 .group_by(tk.work_center_code, day))
        rows = _rows(self.session, query)
        for row in rows:  # SQLite answers the day as text
            if isinstance(row["day"], str):
                row["day"] = date.fromisoformat(row["day"])
        return rows

    def _of_orders(self, table, columns: tuple[str, ...], start: date, end: date, filters) -> list[dict]:
        """``columns`` of ``table``'s rows about the period's orders, in the order they were written."""
        c = table.c
        query = (select(*(c[name] for name in columns))
                 .where(c.order_id.in_(self._ids(start, end, filters))).order_by(c.id))
        return _rows(self.session, query)

    def exceptions(self, start: date, end: date, filters) -> list[dict]:
        return self._of_orders(t.process_exceptions, ("id", "order_id", "kind", "work_center_code",
                                                      "estimated_delay_minutes", "reported_at"), start, end, filters)

    def inspections(self, start: date, end: date, filters) -> list[dict]:
        return self._of_orders(t.inspections, ("order_id", "stage", "result", "passed_qty", "failed_qty",
                                               "disposition"), start, end, filters)

    def capacity_changes(self, start: date, end: date, filters) -> list[dict]:
        return self._of_orders(t.capacity_changes, ("order_id", "kind", "work_center_code", "starts_at", "ends_at",
                                                    "lead_minutes"), start, end, filters)

    def incidents(self, start: date, end: date, filters) -> list[dict]:
        return self._of_orders(t.incidents, ("order_id", "type", "cause", "compensation_status",
                                             "compensation_amount"), start, end, filters)

    def material_delays(self, start: date, end: date, filters) -> list[dict]:
        """Approved material delivery delays (材料交期延迟) with the numbers of the orders they moved."""
        d = t.material_delay_requests.c
        query = (select(d.material_code, d.old_date, d.new_date, d.affected_orders)
                 .where(d.status == "approved", d.decided_at >= datetime.combine(start, datetime.min.time()))
                 .order_by(d.id))
        rows = _rows(self.session, query)
        numbers = {n for r in rows for n in (r["affected_orders"] or [])}
        if not numbers:
            return []
        o = t.orders.c
        kept = dict(self.session.execute(select(o.number, o.id).where(
            o.number.in_(numbers), o.id.in_(self._ids(start, end, filters)))).all())
        return [{**r, "order_ids": [kept[n] for n in r["affected_orders"] or [] if n in kept]} for r in rows]

    def insertions(self, start: date, end: date) -> list[dict]:
        """Accepted urgent insertions in the period, with the orders each made slip."""
        p = t.planning_runs.c
        query = (select(p.id, p.urgent_order_id, p.impact)
                 .where(p.kind == "insert", p.accepted_at.is_not(None),
                        p.accepted_at >= datetime.combine(start, datetime.min.time()),
                        p.accepted_at < _day_after(end)).order_by(p.id))
        return _rows(self.session, query)

    def signatures(self, start: date, end: date, filters) -> list[dict]:
        """Each review of the period's orders with its steps, deadlines and signatures (B1–B5)."""
        return self._signed(t.order_reviews.c.order_id.in_(self._ids(start, end, filters)), due=False)

    def reviews_started(self, since: datetime, until: datetime, open_at: datetime) -> list[dict]:
        """The same for the reviews started in [since, until) and still open at ``open_at`` (their
        step deadlines, M4: one closed before cannot miss a deadline after)."""
        r = t.order_reviews.c
        return self._signed(and_(r.started_at >= since, r.started_at < until,
                                 or_(r.closed_at.is_(None), r.closed_at >= open_at)), due=True)

    def _signed(self, where, due: bool) -> list[dict]:
        """A row per signature (or per review without one); the steps are read as text and parsed
        once per distinct list (a chain's steps repeat on every review it ran); the step
        deadlines only when asked (``due`` is None otherwise)."""
        r, g = t.order_reviews.c, t.approval_signatures.c
        query = (select(r.id.label("review_id"), r.order_id, cast(r.steps, Text).label("steps"),
                        (cast(r.due, Text) if due else null()).label("due"), r.started_at, r.closed_at, r.status, g.step_key, g.role,
                        g.signed_at)
                 .select_from(t.order_reviews.outerjoin(
                     t.approval_signatures, g.subject == "review:" + cast(r.id, String)))
                 .where(where).order_by(r.id, g.signed_at))
        rows = _rows(self.session, query)
        parsed: dict[str, object] = {}
        for row in rows:
            for key in ("steps", "due"):
                text_ = row[key]
                if text_ not in parsed:
                    parsed[text_] = json.loads(text_) if text_ else None
                row[key] = parsed[text_]
        return rows

    def acknowledgements(self, start: date, end: date) -> list[dict]:
        """Notices that had to be acknowledged, created in [start, end], with the recipient's role."""
        n, u = t.notices.c, t.users.c
        query = (select(n.id, n.order_id, n.kind, n.created_at, n.ack_due_at, n.acknowledged_at,
                        n.escalation_level, n.escalated_from, u.role)
                 .select_from(t.notices.join(t.users, u.id == n.recipient_id))
                 .where(n.needs_ack.is_(True), n.created_at >= datetime.combine(start, datetime.min.time()),
                        n.created_at < _day_after(end)).order_by(n.id))
        return _rows(self.session, query)

    def late_acknowledgements(self, start: date, end: date) -> list[dict]:
        """The notices of ``acknowledgements`` that were acknowledged after their deadline or not
        at all (the league table needs only those)."""
        n, u = t.notices.c, t.users.c
        query = (select(n.order_id, n.ack_due_at, n.acknowledged_at, u.role)
                 .select_from(t.notices.join(t.users, u.id == n.recipient_id))
                 .where(n.needs_ack.is_(True), n.created_at >= datetime.combine(start, datetime.min.time()),
                        n.created_at < _day_after(end), n.ack_due_at.is_not(None),
                        or_(n.acknowledged_at.is_(None), n.acknowledged_at > n.ack_due_at)))
        return _rows(self.session, query)

    def drawings(self, start: date, end: date) -> list[dict]:
        """Drawings and engineering data due back in [start, end] (L2)."""
        d = t.engineering_documents.c
        query = (select(d.order_id, d.doc_no, d.due_at, d.returned_at, d.holder_department,
                        d.overdue_department)
                 .where(d.due_at >= datetime.combine(start, datetime.min.time()), d.due_at < _day_after(end))
                 .order_by(d.id))
        return _rows(self.session, query)

    def due_orders(self, start: date, end: date) -> list[dict]:
        """Orders due (promised, else requested date) in [start, end], with their delivery."""
        o, s = t.orders.c, t.shipments.c
        due = func.coalesce(o.promised_date, o.requested_date)
        query = (select(o.id, o.number, o.requested_date, o.promised_date, o.created_at, o.status,
                        s.delivered_at, s.dispatched_at, s.expected_arrival)
                 .select_from(t.orders.outerjoin(t.shipments, s.order_id == o.id))
                 .where(due >= start, due <= end, o.status != "cancelled").order_by(o.id))
        return _rows(self.session, query)

    def order_history(self, order_ids: list[int]) -> list[dict]:
        """(order_id, at, status): every status an order took, oldest first. The events' ``new``
        is read as text and parsed once per distinct text (most repeat: {"status": …})."""
        a = t.audit_events.c
        found, parsed = [], {}
        for k in range(0, len(order_ids), 500):
            chunk = [str(i) for i in order_ids[k:k + 500]]
            query = (select(a.entity_id, a.at, cast(a.new, Text).label("new"))
                     .where(a.entity == "order", a.entity_id.in_(chunk)).order_by(a.seq))
            for r in _rows(self.session, query):
                if r["new"] not in parsed:
                    parsed[r["new"]] = json.loads(r["new"]) if r["new"] else None
                new = parsed[r["new"]]
                if isinstance(new, dict) and "status" in new:
                    found.append({"order_id": int(r["entity_id"]), "at": r["at"], "status": new["status"]})
        return found

    def step_tasks(self, start: date, end: date) -> list[dict]:
        """Production tasks of every order with a step planned to end in [start, end], in routing
        order, with their work center's department (lateness charged to its cause, M4)."""
        tk, wc = t.production_tasks.c, t.work_centers.c
        touched = (select(tk.order_id).where(tk.kind == "production",
                                             tk.planned_end >= datetime.combine(start, datetime.min.time()),
                                             tk.planned_end < _day_after(end)))
        query = (select(tk.order_id, tk.line_no, tk.step_seq, tk.work_center_code,
                        wc.department_code.label("department"), tk.planned_start, tk.planned_end,
                        tk.finished_at, tk.source)
                 .select_from(t.production_tasks.join(t.work_centers, wc.code == tk.work_center_code))
                 .where(tk.kind == "production", tk.order_id.in_(touched))
                 .order_by(tk.order_id, tk.line_no, tk.step_seq, tk.id))
        return _rows(self.session, query)

    def downtimes(self, start: date, end: date) -> list[dict]:
        d = t.work_center_downtimes.c
        query = (select(d.work_center_code, d.down_from, d.down_until)
                 .where(d.down_until >= datetime.combine(start, datetime.min.time()) - timedelta(days=60),
                        d.down_from < _day_after(end) + timedelta(days=60)))
        return _rows(self.session, query)

    def urgent_open(self, due_by: date) -> list[dict]:
        """Urgent orders not yet delivered, due (promised, else requested) by ``due_by``, with
        their customer and last forecast (E2): the ones this week that may be missed."""
        o, c, p = t.orders.c, t.customers.c, t.order_progress.c
        due = func.coalesce(o.promised_date, o.requested_date)
        query = (select(o.id, o.number, o.status, o.requested_date, o.promised_date, c.name.label("customer"),
                        p.predicted_completion, p.late)
                 .select_from(t.orders.join(t.customers, c.id == o.customer_id)
                              .outerjoin(t.order_progress, p.order_id == o.id))
                 .where(o.urgent.is_(True), due <= due_by,
                        o.status.not_in(("delivered", "closed", "cancelled", "draft", "rejected")))
                 .order_by(due, o.id))
        return _rows(self.session, query)

    def numbers(self, order_ids: list[int]) -> dict[int, str]:
        """Order numbers by id (what the pages show for the ids behind a figure)."""
        o = t.orders.c
        found: dict[int, str] = {}
        ids = list(order_ids)
        for k in range(0, len(ids), 500):
            found.update(self.session.execute(select(o.id, o.number).where(o.id.in_(ids[k:k + 500]))).all())
        return found

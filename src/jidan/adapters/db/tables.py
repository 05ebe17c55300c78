"""Table definitions: the one place that knows the database schema."""
from __future__ import annotations

from sqlalchemy import (
    JSON, Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, MetaData, Numeric, String, Table,
    Text, UniqueConstraint,
)

metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

MONEY = Numeric(14, 2)

departments = Table(
    "departments", metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(20), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
)

work_centers = Table(
    "work_centers", metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(20), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("department_code", ForeignKey("departments.code"), nullable=False),
    Column("capacity", Integer, nullable=False, default=1),
    Column("setups_version", Integer, nullable=False, default=0),  # its changeover matrix (issue 25)
)

customers = Table(
    "customers", metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(20), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("priority_class", String(10), nullable=False, default="normal"),
    Column("email", String(200)),
    Column("contact", String(100)),
    Column("version", Integer, nullable=False),
    # where the goods go and who takes them (the shipping notice, 发货通知单)
    Column("address", String(300)),
    Column("phone", String(40)),
)

products = Table(
    "products", metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(30), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(10), nullable=False, default="finished"),
    Column("unit", String(10), nullable=False, default="pcs"),
    Column("unit_price", MONEY, nullable=False),
    Column("standard_lead_days", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("family", String(30)),  # 产品族 (issue 25); none: no changeovers
)

routing_steps = Table(
    "routing_steps", metadata,
    Column("id", Integer, primary_key=True),
    Column("product_id", ForeignKey("products.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("work_center_code", ForeignKey("work_centers.code"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("setup_minutes", Integer, nullable=False, default=0),
    Column("minutes_per_unit", Numeric(10, 3), nullable=False),
    Column("inspection", Boolean, nullable=False, default=False),
    UniqueConstraint("product_id", "seq"),
)

bom_items = Table(
    "bom_items", metadata,
    Column("id", Integer, primary_key=True),
    Column("product_id", ForeignKey("products.id", ondelete="CASCADE"), nullable=False),
    Column("component_code", ForeignKey("products.code"), nullable=False),
    Column("quantity_per", Numeric(12, 4), nullable=False),
    Column("step_seq", Integer),  # the routing step that consumes it; none: the first step
    UniqueConstraint("product_id", "component_code"),
)

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(50), nullable=False, unique=True),
    Column("display_name", String(100), nullable=False),
    Column("role", String(30), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("email", String(200)),
    Column("active", Boolean, nullable=False, default=True),
    Column("version", Integer, nullable=False),
)

orders = Table(
    "orders", metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(30), nullable=False, unique=True),
    Column("customer_id", ForeignKey("customers.id"), nullable=False, index=True),
    Column("customer_po", String(60), nullable=False),
    Column("order_date", Date, nullable=False),
    Column("requested_date", Date, nullable=False),
    Column("promised_date", Date),
    Column("channel", String(20), nullable=False),
    Column("special_requirements", Text),
    Column("status", String(20), nullable=False, index=True),
    Column("held_from", String(20)),
    Column("urgent", Boolean, nullable=False, default=False, index=True),
    Column("urgent_reasons", String(100), nullable=False, default=""),
    Column("urgent_reason", Text),
    Column("priority", String(10), nullable=False, default="normal"),
    Column("revision", Integer, nullable=False, default=1),
    Column("owner_id", ForeignKey("users.id")),
    Column("created_by", ForeignKey("users.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("version", Integer, nullable=False),
    UniqueConstraint("customer_id", "customer_po"),
)

order_lines = Table(
    "order_lines", metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("line_no", Integer, nullable=False),
    Column("product_id", ForeignKey("products.id"), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price", MONEY, nullable=False),
    UniqueConstraint("order_id", "line_no"),
)

#: Frozen copies of an order at each approved revision (B7, H3): the old stays readable.
order_versions = Table(
    "order_versions", metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("snapshot", JSON, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", ForeignKey("users.id"), nullable=False),
    UniqueConstraint("order_id", "revision"),
)

#: Append-only, hash-chained (M1). Nothing updates or deletes these rows.
audit_events = Table(
    "audit_events", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", DateTime, nullable=False),
    Column("actor_id", Integer),
    Column("actor", String(50), nullable=False),
    Column("role", String(30), nullable=False),
    Column("entity", String(30), nullable=False),
    Column("entity_id", String(40), nullable=False),
    Column("action", String(40), nullable=False),
    Column("old", JSON),
    Column("new", JSON),
    Column("reason", Text),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

#: One row: the end of the chain. Writers lock it, so events are appended one at a time.
audit_head = Table(
    "audit_head", metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
    #: HMAC of (seq, hash) with the audit key, which the database never holds (issue 21).
    Column("mac", String(64)),
)

idempotency_keys = Table(
    "idempotency_keys", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id"), nullable=False),
    Column("key", String(100), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("response", JSON, nullable=False),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("user_id", "key"),
)

auth_sessions = Table(
    "auth_sessions", metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", ForeignKey("users.id"), nullable=False),
    Column("kind", String(10), nullable=False),  # api | web
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
)

#: Failed logins, by the username tried and the address it came from: what login throttling
#: counts (issue 21). No password is kept.
login_failures = Table(
    "login_failures", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(200), nullable=False, index=True),
    Column("address", String(64), nullable=False, index=True),
    Column("failed_at", DateTime, nullable=False),
)

#: Site edits of the working calendar (N1): a day made working (调休) or closed.
calendar_days = Table(
    "calendar_days", metadata,
    Column("id", Integer, primary_key=True),
    Column("day", Date, nullable=False, unique=True),
    Column("working", Boolean, nullable=False),
    Column("note", String(200)),
)

#: What-if planning runs (C4, C7): proposed, then accepted by pmc; the accepted one is the plan.
planning_runs = Table(
    "planning_runs", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),  # full | insert
    Column("status", String(20), nullable=False),  # proposed | accepted | superseded
    Column("origin", DateTime, nullable=False),  # minute 0 of the plan
    Column("objective", String(30), nullable=False),
    Column("urgent_order_id", ForeignKey("orders.id")),
    Column("order_ids", JSON, nullable=False),
    Column("schedule", JSON, nullable=False),
    Column("impact", JSON),
    Column("summary", JSON, nullable=False),
    Column("created_by", ForeignKey("users.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("accepted_by", ForeignKey("users.id")),
    Column("accepted_at", DateTime),
    Column("version", Integer, nullable=False, default=1),
)


# --- notifications (issue 5): notices per recipient; services/notify.py writes them ---------
#: One notice to one user (in-app inbox); ``needs_ack`` ones escalate when not acknowledged.
notices = Table(
    "notices", metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", String(36), nullable=False),  # one business event, shared by its notices
    Column("recipient_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("body", Text, nullable=False, default=""),
    Column("order_id", ForeignKey("orders.id"), index=True),
    Column("ref", String(80)),  # what it is about besides the order, e.g. "exception:12"
    Column("critical", Boolean, nullable=False, default=False),
    Column("needs_ack", Boolean, nullable=False, default=False),
    Column("ack_due_at", DateTime),
    Column("acknowledged_at", DateTime),
    Column("read_at", DateTime),
    Column("escalation_level", Integer, nullable=False, default=0),
    Column("created_at", DateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
    # What answers it (services/notices/answers.py): the acts, space-separated; when, by whom
    # (none: the system), and the event an escalation was raised for.
    Column("answered_by_act", String(80)),
    Column("answered_at", DateTime),
    Column("answered_by", ForeignKey("users.id")),
    Column("escalated_from", String(36)),
    UniqueConstraint("event_id", "recipient_id", name="uq_notices_event_recipient"),
)

#: The outbox (D2): one delivery of one event over one external channel, written in the same
#: transaction as the change; ``jidan worker`` claims, sends and retries it (at least once).
outbox = Table(
    "outbox", metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", String(36), nullable=False, index=True),  # receivers de-duplicate on it
    Column("channel", String(20), nullable=False),  # email | webhook | wecom | dingtalk
    Column("target", String(500), nullable=False),  # e-mail addresses, or the channel's name
    Column("kind", String(40), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("body", Text, nullable=False, default=""),
    Column("order_id", ForeignKey("orders.id")),
    Column("notice_id", ForeignKey("notices.id")),
    Column("ref", String(80)),
    Column("critical", Boolean, nullable=False, default=False),
    Column("status", String(10), nullable=False),  # pending | sent | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime, nullable=False, index=True),  # held / backed off until
    Column("claimed_by", String(80)),  # the worker delivering it, until lease_until
    Column("lease_until", DateTime),
    Column("last_error", Text),
    Column("created_at", DateTime, nullable=False),
    Column("sent_at", DateTime),
    Column("version", Integer, nullable=False, default=1),
)

#: SLA timers (issue 5 §4): one table of deadlines; the worker fires each once, when due.
timers = Table(
    "timers", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(40), nullable=False),  # a key of services.timers.HANDLERS
    Column("ref", String(80), nullable=False, index=True),  # what it watches, e.g. "notice:12"
    Column("due_at", DateTime, nullable=False, index=True),
    Column("payload", JSON),
    Column("status", String(10), nullable=False),  # pending | fired | cancelled | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("fired_at", DateTime),
    Column("created_at", DateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
)

# --- materials (issue 4: stock and purchase orders for MRP) --------------------------------
#: Free stock on hand per material (库存): what MRP nets demand against (C6).
material_stock = Table(
    "material_stock", metadata,
    Column("id", Integer, primary_key=True),
    Column("material_code", ForeignKey("products.code"), nullable=False, unique=True),
    Column("on_hand", Numeric(16, 3), nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
)

#: Material a released order is still owed (欠料): issued short at release, issued to it as it
#: comes in; ``quantity`` is what is still owed.
material_shortages = Table(
    "material_shortages", metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id"), nullable=False, index=True),
    Column("line_no", Integer, nullable=False),
    Column("material_code", ForeignKey("products.code"), nullable=False, index=True),
    Column("quantity", Numeric(16, 3), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
)

#: Open purchases (在途采购) of a material from a supplier: open | received | cancelled.
purchase_orders = Table(
    "purchase_orders", metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(30), nullable=False, unique=True),
    Column("material_code", ForeignKey("products.code"), nullable=False, index=True),
    Column("quantity", Numeric(16, 3), nullable=False),
    Column("due_date", Date, nullable=False),
    Column("supplier_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("note", Text),
    Column("created_by", ForeignKey("users.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("closed_at", DateTime),
    Column("version", Integer, nullable=False, default=1),
)

#: 材料交期延迟申请单: a purchase order's date moved later, decided by pmc (C6).
material_delay_requests = Table(
    "material_delay_requests", metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(30), nullable=False, unique=True),
    Column("purchase_order_id", ForeignKey("purchase_orders.id"), nullable=False, index=True),
    Column("material_code", ForeignKey("products.code"), nullable=False),
    Column("old_date", Date, nullable=False),
    Column("new_date", Date, nullable=False),
    Column("reason", Text, nullable=False),
    Column("status", String(20), nullable=False),  # pending | approved | rejected
    Column("requested_by", ForeignKey("users.id"), nullable=False, index=True),
    Column("requested_at", DateTime, nullable=False),
    Column("decided_by", ForeignKey("users.id")),
    Column("decided_at", DateTime),
    Column("decision_note", Text),
    Column("affected_orders", JSON),  # order numbers whose material date moved
    Column("repair_run_id", ForeignKey("planning_runs.id")),
    Column("version", Integer, nullable=False, default=1),
)

#: 请购: a shortage of an accepted plan, one per material and need-by date, until purchasing
#: orders it (it becomes a purchase order) or cancels it: open | ordered | cancelled (C6).
purchase_requests = Table(
    "purchase_requests", metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(30), nullable=False, unique=True),
    Column("material_code", ForeignKey("products.code"), nullable=False, index=True),
    Column("quantity", Numeric(16, 3), nullable=False),
    Column("need_by", Date, nullable=False),
    Column("order_ids", JSON, nullable=False),  # the orders it serves
    Column("urgent", Boolean, nullable=False, default=False),  # an urgent order needs it
    Column("status", String(20), nullable=False),
    Column("planning_run_id", ForeignKey("planning_runs.id")),  # the accepted plan that last set it
    Column("created_by", ForeignKey("users.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("closed_by", ForeignKey("users.id")),
    Column("closed_at", DateTime),
    Column("cancel_reason", Text),
    Column("purchase_order_id", ForeignKey("purchase_orders.id")),
    Column("version", Integer, nullable=False, default=1),
)

# --- approvals and order changes (issue 5) --------------------------------------------------
#: Review and approval chains (B3–B5), edited by admin; the first active one by rank that
#: applies to an order is used.
approval_chains = Table(
    "approval_chains", metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(30), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("rank", Integer, nullable=False),
    Column("min_amount", MONEY),
    Column("urgent_only", Boolean, nullable=False, default=False),
    Column("key_customer_only", Boolean, nullable=False, default=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("updated_at", DateTime),
    Column("updated_by", ForeignKey("users.id")),
    Column("version", Integer, nullable=False, default=1),
)

#: The steps of a chain: stages in order, steps of one stage in parallel, N of M each.
approval_steps = Table(
    "approval_steps", metadata,
    Column("id", Integer, primary_key=True),
    Column("chain_id", ForeignKey("approval_chains.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("stage", Integer, nullable=False),
    Column("role", String(30), nullable=False),
    Column("name", String(100), nullable=False),
    Column("phase", String(10), nullable=False),  # review | approve
    Column("required", Integer, nullable=False, default=1),
    Column("min_amount", MONEY),
    Column("urgent_only", Boolean, nullable=False, default=False),
    Column("key_customer_only", Boolean, nullable=False, default=False),
    Column("deadline_hours", Numeric(6, 1)),
)

#: An approver's deputy for a period; the deputy signs on the approver's behalf.
approval_delegations = Table(
    "approval_delegations", metadata,
    Column("id", Integer, primary_key=True),
    Column("principal_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("deputy_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("starts_at", DateTime, nullable=False),
    Column("ends_at", DateTime, nullable=False),
    Column("reason", Text),
    Column("created_by", ForeignKey("users.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
    Column("version", Integer, nullable=False, default=1),
    #: The admin who let a deputy of another role stand in (segregation of duties, issue 21).
    Column("role_exception_by", ForeignKey("users.id")),
)

#: 紧急订单评审记录表 (B1): one review round of one order revision, the chain's steps frozen in.
order_reviews = Table(
    "order_reviews", metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id"), nullable=False, index=True),
    Column("revision", Integer, nullable=False),
    Column("chain_code", String(30), nullable=False),
    Column("chain_name", String(100), nullable=False),
    Column("steps", JSON, nullable=False),
    Column("due", JSON, nullable=False),  # step key → deadline, set when its stage opens
    Column("status", String(20), nullable=False),  # open | approved | rejected | superseded | cancelled
    Column("feasibility", JSON),  # planning's answer when the review started (B2)
    Column("decision", String(20)),  # approved | rejected | pushed_through
    Column("decision_note", Text),
    Column("instruction", JSON),  # management's resources when pushing through (B6)
    Column("committed_date", Date),
    Column("started_by", ForeignKey("users.id"), nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("closed_at", DateTime),
    Column("version", Integer, nullable=False, default=1),
)

#: Signed acts (B7): who, for whom, when, what it means, on which revision. Append-only.
approval_signatures = Table(
    "approval_signatures", metadata,
    Column("id", Integer, primary_key=True),
    Column("subject", String(30), nullable=False, index=True),  # "review:12" | "change:3"
    Column("order_id", ForeignKey("orders.id"), nullable=False, index=True),
    Column("revision", Integer, nullable=False),
    Column("step_key", String(40), nullable=False),
    Column("role", String(30), nullable=False),
    Column("user_id", ForeignKey("users.id"), nullable=False),
    Column("on_behalf_of", ForeignKey("users.id")),
    Column("counted_user_id", ForeignKey("users.id"), nullable=False),
    Column("meaning", String(10), nullable=False),  # reviewed | approved | rejected
    Column("opinion", String(30), nullable=False),
    Column("comment", Text),
    Column("suggested_date", Date),
    Column("method", String(20), nullable=False),  # password | fresh_login | console
    Column("signed_at", DateTime, nullable=False),
    UniqueConstraint("subject", "step_key", "counted_user_id",
                     name="uq_approval_signatures_subject_step_user"),
)

#: 变更申请表 (H1–H3): what sales asks to change after confirming with the customer.
change_requests = Table(
    "change_requests", metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id"), nullable=False, index=True),
    Column("base_revision", Integer, nullable=False),
    Column("new_revision", Integer),
    Column("kinds", JSON, nullable=False),  # date | quantity | price | lines | specs
    Column("roles", JSON, nullable=False),  # the departments that review it
    Column("previous", JSON, nullable=False),
    Column("proposed", JSON, nullable=False),
    Column("reason", Text, nullable=False),
    Column("customer_confirmation", Text, nullable=False),
    Column("status", String(20), nullable=False),  # pending | approved | rejected | withdrawn
    Column("due", JSON, nullable=False),
    Column("replan_required", Boolean, nullable=False, default=False),
    Column("requested_by", ForeignKey("users.id"), nullable=False),
    Column("requested_at", DateTime, nullable=False),
    Column("decided_at", DateTime),
    Column("version", Integer, nullable=False, default=1),
)

#: 确认函 (A6): the letter to the customer, generated from an approved revision, and its sending.
confirmation_letters = Table(
    "confirmation_letters", metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id"), nullable=False, index=True),
    Column("revision", Integer, nullable=False),
    Column("committed_date", Date, nullable=False),
    Column("recipient", String(200)),
    Column("subject", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_by", ForeignKey("users.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("sent_to", String(500)),
    Column("sent_by", ForeignKey("users.id")),
    Column("sent_at", DateTime),
    Column("outbox_id", Integer),
    Column("version", Integer, nullable=False, default=1),
)

# --- execution: tasks, reports, exceptions, quality (issue 6) ------------------------------
#: Who leads each work group (department) on the floor: production notices go to them (D1, D2).
group_leaders = Table(
    "group_leaders", metadata,
    Column("id", Integer, primary_key=True),
    Column("department_code", ForeignKey("departments.code"), nullable=False, unique=True),
    Column("user_id", ForeignKey("users.id"), nullable=False),
    Column("version", Integer, nullable=False, default=1),
)

#: One planned operation (lot) of a released order on a work center: the lines of the
#: urgent order production notice (紧急订单生产通知单, D1) and what the floor reports (E1).
production_tasks = Table(
    "production_tasks", metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id"), nullable=False, index=True),
    Column("operation", String(80), nullable=False, unique=True),  # the plan's operation id
    Column("job", String(60), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("step_seq", Integer, nullable=False),
    Column("lot", Integer, nullable=False, default=1),
    Column("kind", String(12), nullable=False),  # production | rework | replacement
    Column("name", String(100), nullable=False),
    Column("work_center_code", ForeignKey("work_centers.code"), nullable=False, index=True),
    Column("quantity", Integer, nullable=False),
    Column("inspection", Boolean, nullable=False, default=False),
    Column("urgent", Boolean, nullable=False, default=False),
    Column("planned_start", DateTime, nullable=False),
    Column("planned_end", DateTime, nullable=False),
    Column("planned_minutes", Integer, nullable=False),
    Column("status", String(12), nullable=False),
    Column("started_at", DateTime),
    Column("resumed_at", DateTime),  # start of the running stretch
    Column("finished_at", DateTime),
    Column("worked_minutes", Integer, nullable=False, default=0),
    Column("good_qty", Integer),
    Column("scrap_qty", Integer),
    Column("source", String(40), nullable=False),  # "release" | "inspection:<id>"
    Column("created_at", DateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
)

#: Every report an operator makes on a task, in order (append-only).
task_reports = Table(
    "task_reports", metadata,
    Column("id", Integer, primary_key=True),
    Column("task_id", ForeignKey("production_tasks.id"), nullable=False, index=True),
    Column("action", String(12), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("user_id", ForeignKey("users.id"), nullable=False),
    Column("good_qty", Integer),
    Column("scrap_qty", Integer),
    Column("minutes", Integer),
    Column("note", String(500)),
)

#: 紧急订单制程异常申报单 (E4): reported to pmc, re-planned, applied to management, decided.
process_exceptions = Table(
    "process_exceptions", metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id"), nullable=False, index=True),
    Column("task_id", ForeignKey("production_tasks.id")),
    Column("work_center_code", ForeignKey("work_centers.code")),
    Column("kind", String(30), nullable=False),
    Column("description", Text, nullable=False),
    Column("estimated_delay_minutes", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("reported_by", ForeignKey("users.id"), nullable=False),
    Column("reported_at", DateTime, nullable=False),
    Column("down_from", DateTime),
    Column("down_until", DateTime),
    Column("planning_run_id", ForeignKey("planning_runs.id")),
    Column("impact", JSON),
    Column("application", Text),
    Column("requested_measure", String(30)),
    Column("applied_by", ForeignKey("users.id")),
    Column("applied_at", DateTime),
    Column("measure", String(30)),
    Column("new_date", Date),
    Column("decision_note", Text),
    Column("decided_by", ForeignKey("users.id")),
    Column("decided_at", DateTime),
    Column("customer_message", Text),
    Column("customer_informed_by", ForeignKey("users.id")),
    Column("customer_informed_at", DateTime),
    Column("closed_at", DateTime),
    Column("version", Integer, nullable=False, default=1),
)

#: A work center out of service over a window (设备故障), from an exception report (E4, E5).
work_center_downtimes = Table(
    "work_center_downtimes", metadata,
    Column("id", Integer, primary_key=True),
    Column("work_center_code", ForeignKey("work_centers.code"), nullable=False, index=True),
    Column("down_from", DateTime, nullable=False),
    Column("down_until", DateTime, nullable=False),
    Column("reason", String(200), nullable=False),
    Column("exception_id", ForeignKey("process_exceptions.id")),
    Column("created_by", ForeignKey("users.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
)

#: Inspection results (F1, F2): at an inspection step or final, with what failed and where it went.
inspections = Table(
    "inspections", metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id"), nullable=False, index=True),
    Column("task_id", ForeignKey("production_tasks.id")),
    Column("stage", String(12), nullable=False),  # in_process | final
    Column("line_no", Integer, nullable=False),
    Column("step_seq", Integer),
    Column("result", String(6), nullable=False),  # pass | fail
    Column("passed_qty", Integer, nullable=False),
    Column("failed_qty", Integer, nullable=False),
    Column("defects", JSON, nullable=False),
    Column("note", Text),
    Column("disposition", String(10)),  # rework | scrap, for the failed quantity
    Column("rework_from_seq", Integer),
    Column("planning_run_id", ForeignKey("planning_runs.id")),
    Column("inspector_id", ForeignKey("users.id"), nullable=False),
    Column("inspected_at", DateTime, nullable=False),
)

#: The last forecast of each order in production, so an alert goes out once per crossing (E2).
order_progress = Table(
    "order_progress", metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id"), nullable=False, unique=True),
    Column("predicted_completion", DateTime),
    Column("late", Boolean, nullable=False, default=False),
    Column("alerted_at", DateTime),
    Column("checked_at", DateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
)

# --- fulfilment: receipt, drawings, shipment, feedback, incidents (issue 6) -----------------
#: 成品入库单 (G1): the finished goods of one order taken into the warehouse, one per order.
goods_receipts = Table(
    "goods_receipts", metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(30), nullable=False, unique=True),
    Column("order_id", ForeignKey("orders.id"), nullable=False, unique=True),
    Column("lines", JSON, nullable=False),  # [{line_no, product, product_name, ordered, received}]
    Column("location", String(60), nullable=False),  # 仓位
    Column("handed_over_by", String(100)),  # 交库人 (the group that delivered the goods)
    Column("note", Text),
    Column("received_by", ForeignKey("users.id"), nullable=False),
    Column("received_at", DateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
)

#: 临时图纸 / 工程资料 (L1, L2): lent out by engineering with an order, due back 24 h after receipt.
engineering_documents = Table(
    "engineering_documents", metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id"), nullable=False, index=True),
    Column("doc_no", String(40), nullable=False),
    Column("title", String(200), nullable=False),
    Column("kind", String(20), nullable=False),  # drawing | engineering_data
    Column("status", String(10), nullable=False),  # out | collected | returned
    Column("holder_department", String(30), nullable=False),  # department code or role
    Column("holder_id", ForeignKey("users.id")),
    Column("issued_by", ForeignKey("users.id"), nullable=False),
    Column("issued_at", DateTime, nullable=False),
    Column("collected_by", ForeignKey("users.id")),
    Column("collected_at", DateTime),
    Column("due_at", DateTime),
    Column("returned_to", ForeignKey("users.id")),
    Column("returned_at", DateTime),
    Column("overdue_department", String(30)),  # who held it when it fell due (M4)
    Column("escalated_at", DateTime),
    Column("version", Integer, nullable=False, default=1),
    UniqueConstraint("order_id", "doc_no", name="uq_engineering_documents_order_doc"),
)

#: Packing and shipment of one order (G3–G5): the customer is told before it leaves.
shipments = Table(
    "shipments", metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(30), nullable=False, unique=True),
    Column("order_id", ForeignKey("orders.id"), nullable=False, unique=True),
    Column("status", String(12), nullable=False),  # booked | dispatched | delivered
    Column("packages", Integer, nullable=False),
    Column("weight_kg", Numeric(12, 2), nullable=False),
    Column("transport_mode", String(10), nullable=False),  # air | express | truck
    Column("mode_reason", Text),  # why an urgent order goes slower than suggested
    Column("carrier", String(100), nullable=False),
    Column("tracking_no", String(60), nullable=False),
    Column("expected_arrival", DateTime, nullable=False),
    Column("freight_cost", MONEY),
    Column("note", Text),
    Column("booked_by", ForeignKey("users.id"), nullable=False),
    Column("booked_at", DateTime, nullable=False),
    Column("customer_told_at", DateTime),
    Column("customer_told_how", String(10)),  # email | phone
    Column("customer_told_note", Text),
    Column("dispatched_by", ForeignKey("users.id")),
    Column("dispatched_at", DateTime),
    Column("delivered_at", DateTime),
    Column("delivered_confirmed_by", ForeignKey("users.id")),
    Column("signed_by", String(100)),  # who signed for it at the customer
    Column("version", Integer, nullable=False, default=1),
)

#: Feedback asked of the customer after delivery (I1): a single-use, expiring signed link.
feedback_requests = Table(
    "feedback_requests", metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id"), nullable=False, index=True),
    Column("nonce", String(64), nullable=False, unique=True),
    Column("sent_to", String(200)),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("used_at", DateTime),
    Column("rating", Integer),
    Column("comment", Text),
    Column("version", Integer, nullable=False, default=1),
)

#: 订单应急预案 / 延误应急预案 (I2–I4): one incident, its solution, customer contact, compensation.
incidents = Table(
    "incidents", metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(30), nullable=False, unique=True),
    Column("type", String(30), nullable=False),
    Column("status", String(10), nullable=False, index=True),  # open | closed
    Column("order_id", ForeignKey("orders.id"), nullable=False, index=True),
    Column("customer_id", ForeignKey("customers.id"), nullable=False),
    Column("product_id", ForeignKey("products.id")),
    Column("carrier", String(100)),
    Column("cause", String(30)),
    Column("description", Text, nullable=False),
    Column("lead_role", String(30), nullable=False),
    Column("support_role", String(30), nullable=False),
    Column("solution", Text),
    Column("solution_owner_id", ForeignKey("users.id")),
    Column("solution_due_at", DateTime),
    Column("customer_informed_at", DateTime),
    Column("customer_informed_by", ForeignKey("users.id")),
    Column("customer_informed_how", String(10)),
    Column("compensation_status", String(10), nullable=False),  # none | proposed | approved | rejected
    Column("compensation_kind", String(10)),  # refund | gift | coupon
    Column("compensation_amount", MONEY),
    Column("compensation_note", Text),
    Column("compensation_proposed_by", ForeignKey("users.id")),
    Column("compensation_decided_by", ForeignKey("users.id")),
    Column("compensation_decided_at", DateTime),
    Column("opened_by", ForeignKey("users.id"), nullable=False),
    Column("opened_at", DateTime, nullable=False),
    Column("closed_by", ForeignKey("users.id")),
    Column("closed_at", DateTime),
    Column("version", Integer, nullable=False, default=1),
)

#: Follow-up entries of an incident until it is closed (跟进解决进展): append-only.
incident_followups = Table(
    "incident_followups", metadata,
    Column("id", Integer, primary_key=True),
    Column("incident_id", ForeignKey("incidents.id"), nullable=False, index=True),
    Column("note", Text, nullable=False),
    Column("by_id", ForeignKey("users.id"), nullable=False),
    Column("at", DateTime, nullable=False),
)

#: 应急组织机构 (I5): the leadership group and the emergency team, told of every incident.
emergency_members = Table(
    "emergency_members", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id"), nullable=False, unique=True),
    Column("group_name", String(12), nullable=False),  # leadership | team
    Column("duty", String(100), nullable=False),  # 组长, 客服部负责人 …
    Column("added_by", ForeignKey("users.id"), nullable=False),
    Column("added_at", DateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
)

#: The record of a completed order (M2, M4), frozen when it closes.
order_records = Table(
    "order_records", metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id"), nullable=False, unique=True),
    Column("record", JSON, nullable=False),
    Column("created_at", DateTime, nullable=False),
)

#: Capacity a decision added for an order (B6, C5, E4): overtime on a work center, a step done
#: outside, or a split delivery; planning reads the first two as capacity.
capacity_changes = Table(
    "capacity_changes", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(30), nullable=False),  # overtime | outside_processing | partial_delivery
    Column("order_id", ForeignKey("orders.id"), nullable=False, index=True),
    Column("source", String(20), nullable=False),  # approval | exception | what_if
    Column("source_id", Integer),  # the review record, exception or run it comes from
    Column("reason", String(500), nullable=False),
    Column("work_center_code", ForeignKey("work_centers.code"), index=True),
    Column("starts_at", DateTime),
    Column("ends_at", DateTime),
    Column("step", String(80)),  # the routing step key ("SO-1/1-10")
    Column("lead_minutes", Integer),
    Column("line_no", Integer),
    Column("first_quantity", Integer),
    Column("first_date", Date),
    Column("rest_date", Date),
    Column("planning_run_id", ForeignKey("planning_runs.id")),
    Column("created_by", ForeignKey("users.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
)

# --- analytics (issue 22): indexes the figures and the league table read by (docs/analytics.md) --

#: An order's milestones and history: the order actions by order (also every for_entity read).
Index("ix_audit_events_entity_entity_id_action", audit_events.c.entity, audit_events.c.entity_id,
      audit_events.c.action, audit_events.c.at)
#: The orders of a period, by the day they were entered.
Index("ix_orders_order_date", orders.c.order_date)
#: Capacity use by the day work was planned to start; lateness by the day a step was due.
Index("ix_production_tasks_planned_start", production_tasks.c.planned_start, production_tasks.c.work_center_code,
      production_tasks.c.planned_minutes, production_tasks.c.worked_minutes)
Index("ix_production_tasks_planned_end", production_tasks.c.planned_end)
#: Acknowledgements by when the notice went out; drawings by when they were due back.
Index("ix_notices_created_at", notices.c.created_at)
Index("ix_engineering_documents_due_at", engineering_documents.c.due_at)
#: Review steps' deadlines by when the review started.
Index("ix_order_reviews_started_at", order_reviews.c.started_at)

#: 紧急状态 (J1–J4): declared → in force → lifted, with its re-plan, who was told, and the review.
#: A drill's copy of the database holds its own row with ``drill`` set; the real one never does.
emergency_states = Table(
    "emergency_states", metadata,
    Column("id", Integer, primary_key=True),
    Column("status", String(12), nullable=False, index=True),  # declared | in_force | lifted
    Column("cause", String(20), nullable=False),
    Column("scope", String(20), nullable=False),  # company | work_centers | product_groups | customers
    Column("targets", JSON, nullable=False),  # work-centre codes, product-code prefixes, customer codes
    Column("description", Text, nullable=False),
    Column("starts_at", DateTime, nullable=False),
    Column("expected_end_at", DateTime, nullable=False),
    Column("priority_rule", JSON, nullable=False),  # the emergency rule it was declared under
    Column("declared_by", ForeignKey("users.id"), nullable=False),
    Column("declared_at", DateTime, nullable=False),
    Column("declare_method", String(20), nullable=False),  # password | fresh_login | console
    Column("in_force_at", DateTime),
    Column("planning_run_id", ForeignKey("planning_runs.id")),
    Column("affected", JSON, nullable=False),  # orders moved, ship dates to change, who was told
    Column("lifted_by", ForeignKey("users.id")),
    Column("lifted_at", DateTime),
    Column("lift_method", String(20)),
    Column("review", JSON),  # the review report's own words (J4), frozen when lifted
    Column("drill", JSON),  # a drill's participants and clock offset (only in a drill's copy)
    Column("version", Integer, nullable=False, default=1),
)

#: Tracked improvement actions (改善措施, M4) from the quarterly review or an emergency, each with
#: an owner and a deadline reminded and escalated like every deadline.
improvement_actions = Table(
    "improvement_actions", metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(20), nullable=False),  # quarterly_review | emergency
    Column("source_id", Integer, nullable=False, index=True),  # the quarter (year × 10 + n) or the incident
    Column("department", String(40), nullable=False),
    Column("text", Text, nullable=False),
    Column("owner_id", ForeignKey("users.id"), nullable=False, index=True),
    Column("due", Date, nullable=False),
    Column("due_at", DateTime, nullable=False),
    Column("status", String(10), nullable=False),  # open | done
    Column("created_by", ForeignKey("users.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("completed_by", ForeignKey("users.id")),
    Column("completed_at", DateTime),
    Column("completion_note", Text),
    Column("missed_at", DateTime),
    Column("version", Integer, nullable=False, default=1),
)

# --- store urgent replenishment (卖场紧急订货, K1–K7) ---------------------------------------------

#: A store (分店): its manager approves requisitions, its receiving supervisor raises and signs.
stores = Table(
    "stores", metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(20), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("manager_id", ForeignKey("users.id"), nullable=False),
    Column("supervisor_id", ForeignKey("users.id"), nullable=False),
    Column("version", Integer, nullable=False),
)

#: 紧急请配单 with the 送货单, 签收单, 调出单 and 调入单 each step adds to it.
store_requisitions = Table(
    "store_requisitions", metadata,
    Column("id", Integer, primary_key=True),
    Column("number", String(30), nullable=False, unique=True),
    Column("store_id", ForeignKey("stores.id"), nullable=False, index=True),
    Column("status", String(20), nullable=False, index=True),
    Column("lines", JSON, nullable=False),
    Column("note", Text),
    Column("raised_by", ForeignKey("users.id"), nullable=False),
    Column("raised_at", DateTime, nullable=False),
    Column("approved_by", ForeignKey("users.id")),
    Column("approved_at", DateTime),
    Column("answered_by", ForeignKey("users.id")),
    Column("answered_at", DateTime),
    Column("supplier_id", ForeignKey("users.id"), index=True),
    Column("arrive_on", Date),
    Column("answer_note", String(500)),
    Column("delivery_no", String(30)),
    Column("delivered_by", ForeignKey("users.id")),
    Column("delivered_at", DateTime),
    Column("receipt_no", String(30)),
    Column("signed_by", ForeignKey("users.id")),
    Column("signed_at", DateTime),
    Column("handed_in_at", DateTime),
    Column("receiving_code", String(40)),
    Column("transfer_out_no", String(30)),
    Column("transfer_out_by", ForeignKey("users.id")),
    Column("transfer_out_at", DateTime),
    Column("transfer_in_no", String(30)),
    Column("transfer_in_by", ForeignKey("users.id")),
    Column("transfer_in_at", DateTime),
    Column("due_at", DateTime),
    Column("overdue_at", DateTime),
    Column("version", Integer, nullable=False),
)

# --- lists that grow with the factory (issue 24): the order page reads an order's audit events,
# the order list sorts and filters by due date and owner.
Index("ix_audit_events_entity", audit_events.c.entity, audit_events.c.entity_id, audit_events.c.seq)
Index("ix_orders_requested_date", orders.c.requested_date)
Index("ix_orders_owner_id", orders.c.owner_id)

#: The defect-code catalogue (缺陷代码, issue 24): admin keeps it, quality's forms pick from it.
defect_codes = Table(
    "defect_codes", metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(40), nullable=False),
    Column("name_zh", String(100), nullable=False),
    Column("name_en", String(100), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
    UniqueConstraint("code", name="uq_defect_codes_code"),
)

#: Changeover minutes (换线时间) by product family pair, per work center (issue 25); the work
#: center's ``setups_version`` counts its whole-matrix replacements.
work_center_setups = Table(
    "work_center_setups", metadata,
    Column("id", Integer, primary_key=True),
    Column("work_center_code", ForeignKey("work_centers.code"), nullable=False, index=True),
    Column("from_family", String(30), nullable=False),
    Column("to_family", String(30), nullable=False),
    Column("minutes", Integer, nullable=False),
    UniqueConstraint("work_center_code", "from_family", "to_family", name="uq_work_center_setups_pair"),
)

"""Table definitions: the one place that knows the database schema."""
from __future__ import annotations

from sqlalchemy import (
    JSON, Boolean, Column, Date, DateTime, ForeignKey, Integer, MetaData, Numeric, String, Table,
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
    UniqueConstraint("event_id", "recipient_id", name="uq_notices_event_recipient"),
)

# --- materials (issue 4: stock and purchase orders for MRP) --------------------------------

# --- approvals and order changes (issue 5) --------------------------------------------------

# --- execution: tasks, reports, exceptions, quality (issue 6) ------------------------------

# --- fulfilment: receipt, drawings, shipment, feedback, incidents (issue 6) -----------------

"""analytics: indexes for the figures and the accountability table (issue 22)

Revision ID: 0016_analytics
Revises: 0015
"""
from alembic import op


revision = '0016_analytics'
down_revision = '0015'
branch_labels = None
depends_on = None

INDEXES = (
    ('ix_audit_events_entity_entity_id_action', 'audit_events', ['entity', 'entity_id', 'action', 'at']),
    ('ix_orders_order_date', 'orders', ['order_date']),
    ('ix_production_tasks_planned_start', 'production_tasks',
     ['planned_start', 'work_center_code', 'planned_minutes', 'worked_minutes']),
    ('ix_production_tasks_planned_end', 'production_tasks', ['planned_end']),
    ('ix_notices_created_at', 'notices', ['created_at']),
    ('ix_engineering_documents_due_at', 'engineering_documents', ['due_at']),
    ('ix_order_reviews_started_at', 'order_reviews', ['started_at']),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)

"""lists that grow with the factory (issue 24): an order's audit events and the order list's
sort and filters read by index

Revision ID: 0021_lists
Revises: 0015
"""
from alembic import op


revision = '0021_lists'
down_revision = '0022_forms'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_audit_events_entity', 'audit_events', ['entity', 'entity_id', 'seq'], unique=False)
    op.create_index('ix_orders_requested_date', 'orders', ['requested_date'], unique=False)
    op.create_index('ix_orders_owner_id', 'orders', ['owner_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_orders_owner_id', table_name='orders')
    op.drop_index('ix_orders_requested_date', table_name='orders')
    op.drop_index('ix_audit_events_entity', table_name='audit_events')

"""fulfilment: issue 6: receipt, drawings, shipment, feedback, incidents

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=14, scale=2)


def _id():
    return sa.Column('id', sa.Integer(), nullable=False)


def _version():
    return sa.Column('version', sa.Integer(), nullable=False)


def _fk(table, column, referred):
    return sa.ForeignKeyConstraint([column], [f'{referred}.id'], name=op.f(f'fk_{table}_{column}_{referred}'))


def _pk(table):
    return sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}'))


def _index(table, column):
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{table}_{column}'), [column], unique=False)


def upgrade() -> None:
    op.create_table(
        'goods_receipts', _id(),
        sa.Column('number', sa.String(length=30), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('lines', sa.JSON(), nullable=False),
        sa.Column('location', sa.String(length=60), nullable=False),
        sa.Column('handed_over_by', sa.String(length=100), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('received_by', sa.Integer(), nullable=False),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        _version(),
        _fk('goods_receipts', 'order_id', 'orders'),
        _fk('goods_receipts', 'received_by', 'users'),
        _pk('goods_receipts'),
        sa.UniqueConstraint('number', name=op.f('uq_goods_receipts_number')),
        sa.UniqueConstraint('order_id', name=op.f('uq_goods_receipts_order_id')),
    )
    op.create_table(
        'engineering_documents', _id(),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('doc_no', sa.String(length=40), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('holder_department', sa.String(length=30), nullable=False),
        sa.Column('holder_id', sa.Integer(), nullable=True),
        sa.Column('issued_by', sa.Integer(), nullable=False),
        sa.Column('issued_at', sa.DateTime(), nullable=False),
        sa.Column('collected_by', sa.Integer(), nullable=True),
        sa.Column('collected_at', sa.DateTime(), nullable=True),
        sa.Column('due_at', sa.DateTime(), nullable=True),
        sa.Column('returned_to', sa.Integer(), nullable=True),
        sa.Column('returned_at', sa.DateTime(), nullable=True),
        sa.Column('overdue_department', sa.String(length=30), nullable=True),
        sa.Column('escalated_at', sa.DateTime(), nullable=True),
        _version(),
        _fk('engineering_documents', 'order_id', 'orders'),
        _fk('engineering_documents', 'holder_id', 'users'),
        _fk('engineering_documents', 'issued_by', 'users'),
        _fk('engineering_documents', 'collected_by', 'users'),
        _fk('engineering_documents', 'returned_to', 'users'),
        _pk('engineering_documents'),
        sa.UniqueConstraint('order_id', 'doc_no', name='uq_engineering_documents_order_doc'),
    )
    _index('engineering_documents', 'order_id')
    op.create_table(
        'shipments', _id(),
        sa.Column('number', sa.String(length=30), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('packages', sa.Integer(), nullable=False),
        sa.Column('weight_kg', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('transport_mode', sa.String(length=10), nullable=False),
        sa.Column('mode_reason', sa.Text(), nullable=True),
        sa.Column('carrier', sa.String(length=100), nullable=False),
        sa.Column('tracking_no', sa.String(length=60), nullable=False),
        sa.Column('expected_arrival', sa.DateTime(), nullable=False),
        sa.Column('freight_cost', MONEY, nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('booked_by', sa.Integer(), nullable=False),
        sa.Column('booked_at', sa.DateTime(), nullable=False),
        sa.Column('customer_told_at', sa.DateTime(), nullable=True),
        sa.Column('customer_told_how', sa.String(length=10), nullable=True),
        sa.Column('customer_told_note', sa.Text(), nullable=True),
        sa.Column('dispatched_by', sa.Integer(), nullable=True),
        sa.Column('dispatched_at', sa.DateTime(), nullable=True),
        sa.Column('delivered_at', sa.DateTime(), nullable=True),
        sa.Column('delivered_confirmed_by', sa.Integer(), nullable=True),
        sa.Column('signed_by', sa.String(length=100), nullable=True),
        _version(),
        _fk('shipments', 'order_id', 'orders'),
        _fk('shipments', 'booked_by', 'users'),
        _fk('shipments', 'dispatched_by', 'users'),
        _fk('shipments', 'delivered_confirmed_by', 'users'),
        _pk('shipments'),
        sa.UniqueConstraint('number', name=op.f('uq_shipments_number')),
        sa.UniqueConstraint('order_id', name=op.f('uq_shipments_order_id')),
    )
    op.create_table(
        'feedback_requests', _id(),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('nonce', sa.String(length=64), nullable=False),
        sa.Column('sent_to', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.Column('rating', sa.Integer(), nullable=True),
        sa.Column('comment', sa.Text(), nullable=True),
        _version(),
        _fk('feedback_requests', 'order_id', 'orders'),
        _pk('feedback_requests'),
        sa.UniqueConstraint('nonce', name=op.f('uq_feedback_requests_nonce')),
    )
    _index('feedback_requests', 'order_id')
    op.create_table(
        'incidents', _id(),
        sa.Column('number', sa.String(length=30), nullable=False),
        sa.Column('type', sa.String(length=30), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=True),
        sa.Column('carrier', sa.String(length=100), nullable=True),
        sa.Column('cause', sa.String(length=30), nullable=True),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('lead_role', sa.String(length=30), nullable=False),
        sa.Column('support_role', sa.String(length=30), nullable=False),
        sa.Column('solution', sa.Text(), nullable=True),
        sa.Column('solution_owner_id', sa.Integer(), nullable=True),
        sa.Column('solution_due_at', sa.DateTime(), nullable=True),
        sa.Column('customer_informed_at', sa.DateTime(), nullable=True),
        sa.Column('customer_informed_by', sa.Integer(), nullable=True),
        sa.Column('customer_informed_how', sa.String(length=10), nullable=True),
        sa.Column('compensation_status', sa.String(length=10), nullable=False),
        sa.Column('compensation_kind', sa.String(length=10), nullable=True),
        sa.Column('compensation_amount', MONEY, nullable=True),
        sa.Column('compensation_note', sa.Text(), nullable=True),
        sa.Column('compensation_proposed_by', sa.Integer(), nullable=True),
        sa.Column('compensation_decided_by', sa.Integer(), nullable=True),
        sa.Column('compensation_decided_at', sa.DateTime(), nullable=True),
        sa.Column('opened_by', sa.Integer(), nullable=False),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.Column('closed_by', sa.Integer(), nullable=True),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        _version(),
        _fk('incidents', 'order_id', 'orders'),
        _fk('incidents', 'customer_id', 'customers'),
        _fk('incidents', 'product_id', 'products'),
        _fk('incidents', 'solution_owner_id', 'users'),
        _fk('incidents', 'customer_informed_by', 'users'),
        _fk('incidents', 'compensation_proposed_by', 'users'),
        _fk('incidents', 'compensation_decided_by', 'users'),
        _fk('incidents', 'opened_by', 'users'),
        _fk('incidents', 'closed_by', 'users'),
        _pk('incidents'),
        sa.UniqueConstraint('number', name=op.f('uq_incidents_number')),
    )
    _index('incidents', 'status')
    _index('incidents', 'order_id')
    op.create_table(
        'incident_followups', _id(),
        sa.Column('incident_id', sa.Integer(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('by_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        _fk('incident_followups', 'incident_id', 'incidents'),
        _fk('incident_followups', 'by_id', 'users'),
        _pk('incident_followups'),
    )
    _index('incident_followups', 'incident_id')
    op.create_table(
        'emergency_members', _id(),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('group_name', sa.String(length=12), nullable=False),
        sa.Column('duty', sa.String(length=100), nullable=False),
        sa.Column('added_by', sa.Integer(), nullable=False),
        sa.Column('added_at', sa.DateTime(), nullable=False),
        _version(),
        _fk('emergency_members', 'user_id', 'users'),
        _fk('emergency_members', 'added_by', 'users'),
        _pk('emergency_members'),
        sa.UniqueConstraint('user_id', name=op.f('uq_emergency_members_user_id')),
    )
    op.create_table(
        'order_records', _id(),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('record', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        _fk('order_records', 'order_id', 'orders'),
        _pk('order_records'),
        sa.UniqueConstraint('order_id', name=op.f('uq_order_records_order_id')),
    )


def downgrade() -> None:
    for table in ('order_records', 'emergency_members', 'incident_followups', 'incidents',
                  'feedback_requests', 'shipments', 'engineering_documents', 'goods_receipts'):
        op.drop_table(table)

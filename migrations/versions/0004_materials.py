"""materials: issue 4 (planning helper): stock and purchase orders

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

QUANTITY = sa.Numeric(precision=16, scale=3)


def _fk(table, column, referred, key='id'):
    return sa.ForeignKeyConstraint([column], [f'{referred}.{key}'], name=op.f(f'fk_{table}_{column}_{referred}'))


def _index(table, column):
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{table}_{column}'), [column], unique=False)


def upgrade() -> None:
    op.create_table(
        'material_stock',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('material_code', sa.String(length=30), nullable=False),
        sa.Column('on_hand', QUANTITY, nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        _fk('material_stock', 'material_code', 'products', 'code'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_material_stock')),
        sa.UniqueConstraint('material_code', name=op.f('uq_material_stock_material_code')),
    )
    op.create_table(
        'purchase_orders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=30), nullable=False),
        sa.Column('material_code', sa.String(length=30), nullable=False),
        sa.Column('quantity', QUANTITY, nullable=False),
        sa.Column('due_date', sa.Date(), nullable=False),
        sa.Column('supplier_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('created_by', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        _fk('purchase_orders', 'material_code', 'products', 'code'),
        _fk('purchase_orders', 'supplier_id', 'users'),
        _fk('purchase_orders', 'created_by', 'users'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_orders')),
        sa.UniqueConstraint('number', name=op.f('uq_purchase_orders_number')),
    )
    _index('purchase_orders', 'material_code')
    _index('purchase_orders', 'supplier_id')
    op.create_table(
        'material_delay_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=30), nullable=False),
        sa.Column('purchase_order_id', sa.Integer(), nullable=False),
        sa.Column('material_code', sa.String(length=30), nullable=False),
        sa.Column('old_date', sa.Date(), nullable=False),
        sa.Column('new_date', sa.Date(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('requested_by', sa.Integer(), nullable=False),
        sa.Column('requested_at', sa.DateTime(), nullable=False),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decision_note', sa.Text(), nullable=True),
        sa.Column('affected_orders', sa.JSON(), nullable=True),
        sa.Column('repair_run_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        _fk('material_delay_requests', 'purchase_order_id', 'purchase_orders'),
        _fk('material_delay_requests', 'material_code', 'products', 'code'),
        _fk('material_delay_requests', 'requested_by', 'users'),
        _fk('material_delay_requests', 'decided_by', 'users'),
        _fk('material_delay_requests', 'repair_run_id', 'planning_runs'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_material_delay_requests')),
        sa.UniqueConstraint('number', name=op.f('uq_material_delay_requests_number')),
    )
    _index('material_delay_requests', 'purchase_order_id')
    _index('material_delay_requests', 'requested_by')


def downgrade() -> None:
    op.drop_table('material_delay_requests')
    op.drop_table('purchase_orders')
    op.drop_table('material_stock')

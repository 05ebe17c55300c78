"""materials: issue 4: purchase requests raised from shortages

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

TABLE = 'purchase_requests'


def _fk(column, referred, key='id'):
    return sa.ForeignKeyConstraint([column], [f'{referred}.{key}'], name=op.f(f'fk_{TABLE}_{column}_{referred}'))


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=30), nullable=False),
        sa.Column('material_code', sa.String(length=30), nullable=False),
        sa.Column('quantity', sa.Numeric(precision=16, scale=3), nullable=False),
        sa.Column('need_by', sa.Date(), nullable=False),
        sa.Column('order_ids', sa.JSON(), nullable=False),
        sa.Column('urgent', sa.Boolean(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('planning_run_id', sa.Integer(), nullable=True),
        sa.Column('created_by', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('closed_by', sa.Integer(), nullable=True),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('cancel_reason', sa.Text(), nullable=True),
        sa.Column('purchase_order_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        _fk('material_code', 'products', 'code'),
        _fk('planning_run_id', 'planning_runs'),
        _fk('created_by', 'users'),
        _fk('closed_by', 'users'),
        _fk('purchase_order_id', 'purchase_orders'),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{TABLE}')),
        sa.UniqueConstraint('number', name=op.f(f'uq_{TABLE}_number')),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{TABLE}_material_code'), ['material_code'], unique=False)


def downgrade() -> None:
    op.drop_table(TABLE)

"""capacity: overtime, outside processing and split deliveries that decisions add (B6, C5, E4)

Revision ID: 0012
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0010'
branch_labels = None
depends_on = None

TABLE = 'capacity_changes'


def _fk(column, referred, key='id'):
    return sa.ForeignKeyConstraint([column], [f'{referred}.{key}'], name=op.f(f'fk_{TABLE}_{column}_{referred}'))


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('work_center_code', sa.String(length=20), nullable=True),
        sa.Column('starts_at', sa.DateTime(), nullable=True),
        sa.Column('ends_at', sa.DateTime(), nullable=True),
        sa.Column('step', sa.String(length=80), nullable=True),
        sa.Column('lead_minutes', sa.Integer(), nullable=True),
        sa.Column('line_no', sa.Integer(), nullable=True),
        sa.Column('first_quantity', sa.Integer(), nullable=True),
        sa.Column('first_date', sa.Date(), nullable=True),
        sa.Column('rest_date', sa.Date(), nullable=True),
        sa.Column('planning_run_id', sa.Integer(), nullable=True),
        sa.Column('created_by', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        _fk('order_id', 'orders'),
        _fk('work_center_code', 'work_centers', 'code'),
        _fk('planning_run_id', 'planning_runs'),
        _fk('created_by', 'users'),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{TABLE}')),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{TABLE}_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f(f'ix_{TABLE}_work_center_code'), ['work_center_code'], unique=False)


def downgrade() -> None:
    op.drop_table(TABLE)

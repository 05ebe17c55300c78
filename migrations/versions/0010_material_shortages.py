"""materials: what released orders are still owed, and which routing step consumes a component

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

TABLE = 'material_shortages'


def _fk(column, referred, key='id'):
    return sa.ForeignKeyConstraint([column], [f'{referred}.{key}'], name=op.f(f'fk_{TABLE}_{column}_{referred}'))


def upgrade() -> None:
    with op.batch_alter_table('bom_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('step_seq', sa.Integer(), nullable=True))
    op.create_table(
        TABLE,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('line_no', sa.Integer(), nullable=False),
        sa.Column('material_code', sa.String(length=30), nullable=False),
        sa.Column('quantity', sa.Numeric(precision=16, scale=3), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        _fk('order_id', 'orders'),
        _fk('material_code', 'products', 'code'),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{TABLE}')),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{TABLE}_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f(f'ix_{TABLE}_material_code'), ['material_code'], unique=False)


def downgrade() -> None:
    op.drop_table(TABLE)
    with op.batch_alter_table('bom_items', schema=None) as batch_op:
        batch_op.drop_column('step_seq')

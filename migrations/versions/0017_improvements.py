"""improvements: tracked improvement actions from the quarterly review and emergencies (issue 22)

Revision ID: 0017
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0015'
branch_labels = None
depends_on = None

TABLE = 'improvement_actions'


def _fk(column, referred='users'):
    return sa.ForeignKeyConstraint([column], [f'{referred}.id'], name=op.f(f'fk_{TABLE}_{column}_{referred}'))


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.Column('department', sa.String(length=40), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('due', sa.Date(), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('completed_by', sa.Integer(), nullable=True),
        sa.Column('completed_at', sa.DateTime(), nullable=True),
        sa.Column('completion_note', sa.Text(), nullable=True),
        sa.Column('missed_at', sa.DateTime(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        _fk('owner_id'),
        _fk('created_by'),
        _fk('completed_by'),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{TABLE}')),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{TABLE}_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f(f'ix_{TABLE}_source_id'), ['source_id'], unique=False)


def downgrade() -> None:
    op.drop_table(TABLE)

"""notices: what answers each notice, when and by whom, and the event an escalation was raised for

Revision ID: 0013
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answered_by_act', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('answered_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('answered_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('escalated_from', sa.String(length=36), nullable=True))
        batch_op.create_foreign_key(op.f('fk_notices_answered_by_users'), 'users', ['answered_by'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_notices_answered_by_users'), type_='foreignkey')
        for column in ('escalated_from', 'answered_by', 'answered_at', 'answered_by_act'):
            batch_op.drop_column(column)

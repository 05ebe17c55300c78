"""customers: the delivery address and telephone the shipping notice prints (issue 24)

Revision ID: 0022_forms
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa


revision = '0022_forms'
down_revision = '0019_store'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('phone', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_column('phone')
        batch_op.drop_column('address')

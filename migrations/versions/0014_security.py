"""security: failed logins (throttling, issue 21) and a deputy's role exception approved by admin

Revision ID: 0014_security
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

TABLE = 'login_failures'


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('username', sa.String(length=200), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('failed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{TABLE}')),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{TABLE}_username'), ['username'], unique=False)
        batch_op.create_index(batch_op.f(f'ix_{TABLE}_address'), ['address'], unique=False)
    with op.batch_alter_table('approval_delegations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role_exception_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_approval_delegations_role_exception_by_users'),
                                    'users', ['role_exception_by'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('approval_delegations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_approval_delegations_role_exception_by_users'),
                                 type_='foreignkey')
        batch_op.drop_column('role_exception_by')
    op.drop_table(TABLE)

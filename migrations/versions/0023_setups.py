"""setups: product families and each work center's changeover minutes by family pair (issue 25)

Revision ID: 0023_setups
Revises: 0020_screens
"""
from alembic import op
import sqlalchemy as sa


revision = '0023_setups'
down_revision = '0020_screens'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('family', sa.String(length=30), nullable=True))
    with op.batch_alter_table('work_centers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('setups_version', sa.Integer(), nullable=False, server_default='0'))
    op.create_table(
        'work_center_setups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('work_center_code', sa.String(length=20), nullable=False),
        sa.Column('from_family', sa.String(length=30), nullable=False),
        sa.Column('to_family', sa.String(length=30), nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['work_center_code'], ['work_centers.code'],
                                name='fk_work_center_setups_work_center_code_work_centers'),
        sa.PrimaryKeyConstraint('id', name='pk_work_center_setups'),
        sa.UniqueConstraint('work_center_code', 'from_family', 'to_family', name='uq_work_center_setups_pair'),
    )
    op.create_index('ix_work_center_setups_work_center_code', 'work_center_setups', ['work_center_code'])


def downgrade() -> None:
    op.drop_index('ix_work_center_setups_work_center_code', table_name='work_center_setups')
    op.drop_table('work_center_setups')
    with op.batch_alter_table('work_centers', schema=None) as batch_op:
        batch_op.drop_column('setups_version')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_column('family')

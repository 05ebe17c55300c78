"""emergency: the emergency state (紧急状态) with its re-plan, notices and review (issue 23, J1–J4)

Revision ID: 0018
Revises: 0017
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'  # chained after wt-22q's 0017, merged here; the lead re-chains
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'emergency_states',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('cause', sa.String(length=20), nullable=False),
        sa.Column('scope', sa.String(length=20), nullable=False),
        sa.Column('targets', sa.JSON(), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('starts_at', sa.DateTime(), nullable=False),
        sa.Column('expected_end_at', sa.DateTime(), nullable=False),
        sa.Column('priority_rule', sa.JSON(), nullable=False),
        sa.Column('declared_by', sa.Integer(), nullable=False),
        sa.Column('declared_at', sa.DateTime(), nullable=False),
        sa.Column('declare_method', sa.String(length=20), nullable=False),
        sa.Column('in_force_at', sa.DateTime(), nullable=True),
        sa.Column('planning_run_id', sa.Integer(), nullable=True),
        sa.Column('affected', sa.JSON(), nullable=False),
        sa.Column('lifted_by', sa.Integer(), nullable=True),
        sa.Column('lifted_at', sa.DateTime(), nullable=True),
        sa.Column('lift_method', sa.String(length=20), nullable=True),
        sa.Column('review', sa.JSON(), nullable=True),
        sa.Column('drill', sa.JSON(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['declared_by'], ['users.id'], name=op.f('fk_emergency_states_declared_by_users')),
        sa.ForeignKeyConstraint(['lifted_by'], ['users.id'], name=op.f('fk_emergency_states_lifted_by_users')),
        sa.ForeignKeyConstraint(['planning_run_id'], ['planning_runs.id'],
                                name=op.f('fk_emergency_states_planning_run_id_planning_runs')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_emergency_states')),
    )
    op.create_index(op.f('ix_emergency_states_status'), 'emergency_states', ['status'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_emergency_states_status'), table_name='emergency_states')
    op.drop_table('emergency_states')

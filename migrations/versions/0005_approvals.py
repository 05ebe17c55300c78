"""approvals: issue 5: approval chains, signed approvals, review records, change requests

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=14, scale=2)

#: The default chains from the documents (订单审批流程 2.1–2.3, 紧急订单处理规范 3.1.2): production
#: feasibility (pmc) and budget review (finance, large orders only) in parallel, then management's
#: final approval. Urgent orders get short deadlines. Admin edits them afterwards.
CHAINS = [
    # code, name, rank, urgent_only, [(stage, role, name, phase, min_amount, deadline_hours)]
    ("urgent", "紧急订单评审", 10, True, [
        (1, "pmc", "生产可行性分析", "review", None, 2),
        (1, "finance", "预算审核", "review", 200000, 4),
        (2, "management", "最终审批", "approve", None, 4),
    ]),
    ("standard", "订单评审", 100, False, [
        (1, "pmc", "生产可行性分析", "review", None, 8),
        (1, "finance", "预算审核", "review", 200000, 8),
        (2, "management", "最终审批", "approve", None, 8),
    ]),
]


def upgrade() -> None:
    chains = op.create_table(
        'approval_chains',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=30), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('rank', sa.Integer(), nullable=False),
        sa.Column('min_amount', MONEY, nullable=True),
        sa.Column('urgent_only', sa.Boolean(), nullable=False),
        sa.Column('key_customer_only', sa.Boolean(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.Column('updated_by', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['updated_by'], ['users.id'], name=op.f('fk_approval_chains_updated_by_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_chains')),
        sa.UniqueConstraint('code', name=op.f('uq_approval_chains_code')),
    )
    steps = op.create_table(
        'approval_steps',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('chain_id', sa.Integer(), nullable=False),
        sa.Column('stage', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=30), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('phase', sa.String(length=10), nullable=False),
        sa.Column('required', sa.Integer(), nullable=False),
        sa.Column('min_amount', MONEY, nullable=True),
        sa.Column('urgent_only', sa.Boolean(), nullable=False),
        sa.Column('key_customer_only', sa.Boolean(), nullable=False),
        sa.Column('deadline_hours', sa.Numeric(precision=6, scale=1), nullable=True),
        sa.ForeignKeyConstraint(['chain_id'], ['approval_chains.id'], ondelete='CASCADE',
                                name=op.f('fk_approval_steps_chain_id_approval_chains')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_steps')),
    )
    with op.batch_alter_table('approval_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_approval_steps_chain_id'), ['chain_id'], unique=False)

    op.create_table(
        'approval_delegations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('principal_id', sa.Integer(), nullable=False),
        sa.Column('deputy_id', sa.Integer(), nullable=False),
        sa.Column('starts_at', sa.DateTime(), nullable=False),
        sa.Column('ends_at', sa.DateTime(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('created_by', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['principal_id'], ['users.id'], name=op.f('fk_approval_delegations_principal_id_users')),
        sa.ForeignKeyConstraint(['deputy_id'], ['users.id'], name=op.f('fk_approval_delegations_deputy_id_users')),
        sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_approval_delegations_created_by_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_delegations')),
    )
    with op.batch_alter_table('approval_delegations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_approval_delegations_principal_id'), ['principal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_approval_delegations_deputy_id'), ['deputy_id'], unique=False)

    op.create_table(
        'order_reviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('chain_code', sa.String(length=30), nullable=False),
        sa.Column('chain_name', sa.String(length=100), nullable=False),
        sa.Column('steps', sa.JSON(), nullable=False),
        sa.Column('due', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('feasibility', sa.JSON(), nullable=True),
        sa.Column('decision', sa.String(length=20), nullable=True),
        sa.Column('decision_note', sa.Text(), nullable=True),
        sa.Column('instruction', sa.JSON(), nullable=True),
        sa.Column('committed_date', sa.Date(), nullable=True),
        sa.Column('started_by', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_reviews_order_id_orders')),
        sa.ForeignKeyConstraint(['started_by'], ['users.id'], name=op.f('fk_order_reviews_started_by_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_order_reviews')),
    )
    with op.batch_alter_table('order_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_reviews_order_id'), ['order_id'], unique=False)

    op.create_table(
        'approval_signatures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=30), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('step_key', sa.String(length=40), nullable=False),
        sa.Column('role', sa.String(length=30), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('on_behalf_of', sa.Integer(), nullable=True),
        sa.Column('counted_user_id', sa.Integer(), nullable=False),
        sa.Column('meaning', sa.String(length=10), nullable=False),
        sa.Column('opinion', sa.String(length=30), nullable=False),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('suggested_date', sa.Date(), nullable=True),
        sa.Column('method', sa.String(length=20), nullable=False),
        sa.Column('signed_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_approval_signatures_order_id_orders')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_approval_signatures_user_id_users')),
        sa.ForeignKeyConstraint(['on_behalf_of'], ['users.id'], name=op.f('fk_approval_signatures_on_behalf_of_users')),
        sa.ForeignKeyConstraint(['counted_user_id'], ['users.id'],
                                name=op.f('fk_approval_signatures_counted_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_signatures')),
        sa.UniqueConstraint('subject', 'step_key', 'counted_user_id',
                            name='uq_approval_signatures_subject_step_user'),
    )
    with op.batch_alter_table('approval_signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_approval_signatures_subject'), ['subject'], unique=False)
        batch_op.create_index(batch_op.f('ix_approval_signatures_order_id'), ['order_id'], unique=False)

    op.create_table(
        'change_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('base_revision', sa.Integer(), nullable=False),
        sa.Column('new_revision', sa.Integer(), nullable=True),
        sa.Column('kinds', sa.JSON(), nullable=False),
        sa.Column('roles', sa.JSON(), nullable=False),
        sa.Column('previous', sa.JSON(), nullable=False),
        sa.Column('proposed', sa.JSON(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('customer_confirmation', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('due', sa.JSON(), nullable=False),
        sa.Column('replan_required', sa.Boolean(), nullable=False),
        sa.Column('requested_by', sa.Integer(), nullable=False),
        sa.Column('requested_at', sa.DateTime(), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_change_requests_order_id_orders')),
        sa.ForeignKeyConstraint(['requested_by'], ['users.id'], name=op.f('fk_change_requests_requested_by_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_change_requests')),
    )
    with op.batch_alter_table('change_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_requests_order_id'), ['order_id'], unique=False)

    op.create_table(
        'confirmation_letters',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('committed_date', sa.Date(), nullable=False),
        sa.Column('recipient', sa.String(length=200), nullable=True),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('sent_to', sa.String(length=500), nullable=True),
        sa.Column('sent_by', sa.Integer(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('outbox_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_confirmation_letters_order_id_orders')),
        sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_confirmation_letters_created_by_users')),
        sa.ForeignKeyConstraint(['sent_by'], ['users.id'], name=op.f('fk_confirmation_letters_sent_by_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_confirmation_letters')),
    )
    with op.batch_alter_table('confirmation_letters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_confirmation_letters_order_id'), ['order_id'], unique=False)

    _seed_chains(chains, steps)


def _seed_chains(chains, steps) -> None:
    for chain_id, (code, name, rank, urgent_only, chain_steps) in enumerate(CHAINS, start=1):
        op.bulk_insert(chains, [{"id": chain_id, "code": code, "name": name, "rank": rank,
                                 "min_amount": None, "urgent_only": urgent_only,
                                 "key_customer_only": False, "active": True, "version": 1}])
        op.bulk_insert(steps, [{"chain_id": chain_id, "stage": stage, "role": role, "name": step,
                                "phase": phase, "required": 1, "min_amount": amount,
                                "urgent_only": False, "key_customer_only": False,
                                "deadline_hours": hours}
                               for stage, role, step, phase, amount, hours in chain_steps])
    # PostgreSQL's sequence does not know about the ids given above.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('approval_chains', 'id'), "
                   "(SELECT MAX(id) FROM approval_chains))")


def downgrade() -> None:
    for table, indexes in (
        ('confirmation_letters', ['order_id']), ('change_requests', ['order_id']),
        ('approval_signatures', ['order_id', 'subject']), ('order_reviews', ['order_id']),
        ('approval_delegations', ['deputy_id', 'principal_id']), ('approval_steps', ['chain_id']),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in indexes:
                batch_op.drop_index(batch_op.f(f'ix_{table}_{column}'))
        op.drop_table(table)
    op.drop_table('approval_chains')

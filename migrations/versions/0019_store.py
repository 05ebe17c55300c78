"""store urgent replenishment: stores and their urgent requisitions (issue 23, K1–K7)

Revision ID: 0019_store
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa


revision = '0019_store'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'stores',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=20), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('manager_id', sa.Integer(), nullable=False),
        sa.Column('supervisor_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['manager_id'], ['users.id'], name=op.f('fk_stores_manager_id_users')),
        sa.ForeignKeyConstraint(['supervisor_id'], ['users.id'], name=op.f('fk_stores_supervisor_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stores')),
        sa.UniqueConstraint('code', name=op.f('uq_stores_code')),
    )
    users = ['raised_by', 'approved_by', 'answered_by', 'supplier_id', 'delivered_by', 'signed_by',
             'transfer_out_by', 'transfer_in_by']
    op.create_table(
        'store_requisitions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=30), nullable=False),
        sa.Column('store_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('lines', sa.JSON(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('raised_by', sa.Integer(), nullable=False),
        sa.Column('raised_at', sa.DateTime(), nullable=False),
        sa.Column('approved_by', sa.Integer(), nullable=True),
        sa.Column('approved_at', sa.DateTime(), nullable=True),
        sa.Column('answered_by', sa.Integer(), nullable=True),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.Column('supplier_id', sa.Integer(), nullable=True),
        sa.Column('arrive_on', sa.Date(), nullable=True),
        sa.Column('answer_note', sa.String(length=500), nullable=True),
        sa.Column('delivery_no', sa.String(length=30), nullable=True),
        sa.Column('delivered_by', sa.Integer(), nullable=True),
        sa.Column('delivered_at', sa.DateTime(), nullable=True),
        sa.Column('receipt_no', sa.String(length=30), nullable=True),
        sa.Column('signed_by', sa.Integer(), nullable=True),
        sa.Column('signed_at', sa.DateTime(), nullable=True),
        sa.Column('handed_in_at', sa.DateTime(), nullable=True),
        sa.Column('receiving_code', sa.String(length=40), nullable=True),
        sa.Column('transfer_out_no', sa.String(length=30), nullable=True),
        sa.Column('transfer_out_by', sa.Integer(), nullable=True),
        sa.Column('transfer_out_at', sa.DateTime(), nullable=True),
        sa.Column('transfer_in_no', sa.String(length=30), nullable=True),
        sa.Column('transfer_in_by', sa.Integer(), nullable=True),
        sa.Column('transfer_in_at', sa.DateTime(), nullable=True),
        sa.Column('due_at', sa.DateTime(), nullable=True),
        sa.Column('overdue_at', sa.DateTime(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_store_requisitions_store_id_stores')),
        *[sa.ForeignKeyConstraint([c], ['users.id'], name=op.f(f'fk_store_requisitions_{c}_users')) for c in users],
        sa.PrimaryKeyConstraint('id', name=op.f('pk_store_requisitions')),
        sa.UniqueConstraint('number', name=op.f('uq_store_requisitions_number')),
    )
    op.create_index(op.f('ix_store_requisitions_store_id'), 'store_requisitions', ['store_id'])
    op.create_index(op.f('ix_store_requisitions_status'), 'store_requisitions', ['status'])
    op.create_index(op.f('ix_store_requisitions_supplier_id'), 'store_requisitions', ['supplier_id'])


def downgrade() -> None:
    op.drop_table('store_requisitions')
    op.drop_table('stores')

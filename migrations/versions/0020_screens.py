"""screens: the defect-code catalogue quality picks from (issue 24)

Revision ID: 0020_screens
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa


revision = '0020_screens'
down_revision = '0021_lists'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'defect_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('name_zh', sa.String(length=100), nullable=False),
        sa.Column('name_en', sa.String(length=100), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code', name='uq_defect_codes_code'),
    )


def downgrade() -> None:
    op.drop_table('defect_codes')

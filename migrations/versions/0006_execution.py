"""execution: issue 6: tasks, reports, exceptions, quality

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def _col(name, type_, nullable=True):
    return sa.Column(name, type_, nullable=nullable)


def _fk(table, column, referred, referred_column='id'):
    return sa.ForeignKeyConstraint([column], [f'{referred}.{referred_column}'],
                                   name=op.f(f'fk_{table}_{column}_{referred}'))


def _pk(table):
    return sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}'))


def _index(table, column):
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{table}_{column}'), [column], unique=False)


def upgrade() -> None:
    i, s, dt = sa.Integer(), sa.String, sa.DateTime()
    op.create_table(
        'group_leaders', _col('id', i, False),
        _col('department_code', s(length=20), False), _col('user_id', i, False), _col('version', i, False),
        _fk('group_leaders', 'department_code', 'departments', 'code'),
        _fk('group_leaders', 'user_id', 'users'), _pk('group_leaders'),
        sa.UniqueConstraint('department_code', name=op.f('uq_group_leaders_department_code')),
    )
    op.create_table(
        'production_tasks', _col('id', i, False),
        _col('order_id', i, False), _col('operation', s(length=80), False), _col('job', s(length=60), False),
        _col('line_no', i, False), _col('step_seq', i, False), _col('lot', i, False),
        _col('kind', s(length=12), False), _col('name', s(length=100), False),
        _col('work_center_code', s(length=20), False), _col('quantity', i, False),
        _col('inspection', sa.Boolean(), False), _col('urgent', sa.Boolean(), False),
        _col('planned_start', dt, False), _col('planned_end', dt, False), _col('planned_minutes', i, False),
        _col('status', s(length=12), False), _col('started_at', dt), _col('resumed_at', dt),
        _col('finished_at', dt), _col('worked_minutes', i, False), _col('good_qty', i), _col('scrap_qty', i),
        _col('source', s(length=40), False), _col('created_at', dt, False), _col('version', i, False),
        _fk('production_tasks', 'order_id', 'orders'),
        _fk('production_tasks', 'work_center_code', 'work_centers', 'code'), _pk('production_tasks'),
        sa.UniqueConstraint('operation', name=op.f('uq_production_tasks_operation')),
    )
    _index('production_tasks', 'order_id')
    _index('production_tasks', 'work_center_code')
    op.create_table(
        'task_reports', _col('id', i, False),
        _col('task_id', i, False), _col('action', s(length=12), False), _col('at', dt, False),
        _col('user_id', i, False), _col('good_qty', i), _col('scrap_qty', i), _col('minutes', i),
        _col('note', s(length=500)),
        _fk('task_reports', 'task_id', 'production_tasks'), _fk('task_reports', 'user_id', 'users'),
        _pk('task_reports'),
    )
    _index('task_reports', 'task_id')
    op.create_table(
        'process_exceptions', _col('id', i, False),
        _col('order_id', i, False), _col('task_id', i), _col('work_center_code', s(length=20)),
        _col('kind', s(length=30), False), _col('description', sa.Text(), False),
        _col('estimated_delay_minutes', i, False), _col('status', s(length=20), False),
        _col('reported_by', i, False), _col('reported_at', dt, False), _col('down_from', dt),
        _col('down_until', dt), _col('planning_run_id', i), _col('impact', sa.JSON()),
        _col('application', sa.Text()), _col('requested_measure', s(length=30)), _col('applied_by', i),
        _col('applied_at', dt), _col('measure', s(length=30)), _col('new_date', sa.Date()),
        _col('decision_note', sa.Text()), _col('decided_by', i), _col('decided_at', dt),
        _col('customer_message', sa.Text()), _col('customer_informed_by', i),
        _col('customer_informed_at', dt), _col('closed_at', dt), _col('version', i, False),
        _fk('process_exceptions', 'order_id', 'orders'), _fk('process_exceptions', 'task_id', 'production_tasks'),
        _fk('process_exceptions', 'work_center_code', 'work_centers', 'code'),
        _fk('process_exceptions', 'reported_by', 'users'),
        _fk('process_exceptions', 'planning_run_id', 'planning_runs'),
        _fk('process_exceptions', 'applied_by', 'users'), _fk('process_exceptions', 'decided_by', 'users'),
        _fk('process_exceptions', 'customer_informed_by', 'users'), _pk('process_exceptions'),
    )
    _index('process_exceptions', 'order_id')
    op.create_table(
        'work_center_downtimes', _col('id', i, False),
        _col('work_center_code', s(length=20), False), _col('down_from', dt, False),
        _col('down_until', dt, False), _col('reason', s(length=200), False), _col('exception_id', i),
        _col('created_by', i, False), _col('created_at', dt, False),
        _fk('work_center_downtimes', 'work_center_code', 'work_centers', 'code'),
        _fk('work_center_downtimes', 'exception_id', 'process_exceptions'),
        _fk('work_center_downtimes', 'created_by', 'users'), _pk('work_center_downtimes'),
    )
    _index('work_center_downtimes', 'work_center_code')
    op.create_table(
        'inspections', _col('id', i, False),
        _col('order_id', i, False), _col('task_id', i), _col('stage', s(length=12), False),
        _col('line_no', i, False), _col('step_seq', i), _col('result', s(length=6), False),
        _col('passed_qty', i, False), _col('failed_qty', i, False), _col('defects', sa.JSON(), False),
        _col('note', sa.Text()), _col('disposition', s(length=10)), _col('rework_from_seq', i),
        _col('planning_run_id', i), _col('inspector_id', i, False), _col('inspected_at', dt, False),
        _fk('inspections', 'order_id', 'orders'), _fk('inspections', 'task_id', 'production_tasks'),
        _fk('inspections', 'planning_run_id', 'planning_runs'), _fk('inspections', 'inspector_id', 'users'),
        _pk('inspections'),
    )
    _index('inspections', 'order_id')
    op.create_table(
        'order_progress', _col('id', i, False),
        _col('order_id', i, False), _col('predicted_completion', dt), _col('late', sa.Boolean(), False),
        _col('alerted_at', dt), _col('checked_at', dt, False), _col('version', i, False),
        _fk('order_progress', 'order_id', 'orders'), _pk('order_progress'),
        sa.UniqueConstraint('order_id', name=op.f('uq_order_progress_order_id')),
    )


def downgrade() -> None:
    for table in ('order_progress', 'inspections', 'work_center_downtimes', 'process_exceptions',
                  'task_reports', 'production_tasks', 'group_leaders'):
        op.drop_table(table)

"""Indexes for the reports, the board and the lists at scale: an indicator's figures summed per
year from one covering index; a board column read in waiting order; the lists' default order
(names) read from an index, deep pages included.

Revision ID: 0008_report_indexes
Revises: 0007_stage_left_at
Create Date: 2026-11-30 01:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_report_indexes'
down_revision = '0007_stage_left_at'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('measurements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measurements_indicator_id'))
        batch_op.create_index('ix_measurements_indicator_totals', ['indicator_id', 'period_start', 'project_id', 'value', 'source'], unique=False)

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projects_stage_id'))
        batch_op.create_index('ix_projects_stage_waiting', ['stage_id', 'stage_entered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_name'), ['name'], unique=False)

    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organizations_name'), ['name'], unique=False)

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_last_name'), ['last_name'], unique=False)



def downgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_last_name'))

    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organizations_name'))

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projects_name'))

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index('ix_projects_stage_waiting')
        batch_op.create_index(batch_op.f('ix_projects_stage_id'), ['stage_id'], unique=False)

    with op.batch_alter_table('measurements', schema=None) as batch_op:
        batch_op.drop_index('ix_measurements_indicator_totals')
        batch_op.create_index(batch_op.f('ix_measurements_indicator_id'), ['indicator_id'], unique=False)


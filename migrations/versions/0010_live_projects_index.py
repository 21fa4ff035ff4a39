"""Partial indexes on the live (not archived) projects, read without the table: per officer
and stage (officer workload report, officer home), and per stage by waiting time, which now
leaves the archived projects out (the board, its counts, the projects list's count).

Revision ID: 0010_live_projects_index
Revises: 0009_forum_outcome_indexes
Create Date: 2026-12-04 18:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_live_projects_index'
down_revision = '0009_forum_outcome_indexes'
branch_labels = None
depends_on = None

LIVE = sa.text('archived_at IS NULL')


def upgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index('ix_projects_live', ['officer_id', 'stage_id'],
                              unique=False, sqlite_where=LIVE, postgresql_where=LIVE)
        batch_op.drop_index('ix_projects_stage_waiting')
        batch_op.create_index('ix_projects_stage_waiting', ['stage_id', 'stage_entered_at'],
                              unique=False, sqlite_where=LIVE, postgresql_where=LIVE)


def downgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index('ix_projects_stage_waiting')
        batch_op.create_index('ix_projects_stage_waiting', ['stage_id', 'stage_entered_at'],
                              unique=False)
        batch_op.drop_index('ix_projects_live')

"""Live projects per officer and stage, read from the index alone: a partial index on
(officer_id, stage_id, organization_id) where the project is not archived (officer workload
report, officer home; the projects list counts its rows from it, joined to the stages and
organizations).

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
        batch_op.create_index('ix_projects_live', ['officer_id', 'stage_id', 'organization_id'],
                              unique=False, sqlite_where=LIVE, postgresql_where=LIVE)


def downgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index('ix_projects_live')

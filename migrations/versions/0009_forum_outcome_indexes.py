"""Indexes for "what became of the people met at a forum": a person's follow-ups by creation
date, a person's interactions by date, an organization's projects by creation date (each
replaces the single-column index it starts with).

Revision ID: 0009_forum_outcome_indexes
Revises: 0008_report_indexes
Create Date: 2026-11-30 01:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_forum_outcome_indexes'
down_revision = '0008_report_indexes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_ups_person_id'))
        batch_op.create_index('ix_follow_ups_person_created', ['person_id', 'created_at', 'status'], unique=False)

    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interactions_person_id'))
        batch_op.create_index('ix_interactions_person_occurred', ['person_id', 'occurred_on'], unique=False)

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projects_organization_id'))
        batch_op.create_index('ix_projects_organization_created', ['organization_id', 'created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index('ix_projects_organization_created')
        batch_op.create_index(batch_op.f('ix_projects_organization_id'), ['organization_id'], unique=False)

    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.drop_index('ix_interactions_person_occurred')
        batch_op.create_index(batch_op.f('ix_interactions_person_id'), ['person_id'], unique=False)

    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_ups_person_created')
        batch_op.create_index(batch_op.f('ix_follow_ups_person_id'), ['person_id'], unique=False)


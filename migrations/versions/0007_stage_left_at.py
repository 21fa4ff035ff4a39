"""When a project left each stage: `stage_transitions.left_at`, filled from the next transition
of the same project for the history already recorded.

Revision ID: 0007_stage_left_at
Revises: 0006_impact_targets
Create Date: 2026-11-30 00:02:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_stage_left_at'
down_revision = '0006_impact_targets'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stage_transitions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('left_at', sa.DateTime(), nullable=True))
    # One pass with a window over each project's history (UPDATE ... FROM: PostgreSQL, and
    # SQLite since 3.33); a correlated subquery per row takes minutes on a large history.
    op.execute(
        "UPDATE stage_transitions SET left_at = following.next_at"
        " FROM (SELECT id, LEAD(at) OVER (PARTITION BY project_id ORDER BY at, id) AS next_at"
        "       FROM stage_transitions) AS following"
        " WHERE following.id = stage_transitions.id AND following.next_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table('stage_transitions', schema=None) as batch_op:
        batch_op.drop_column('left_at')

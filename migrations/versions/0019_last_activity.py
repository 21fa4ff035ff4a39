"""A project's last activity (its last move or interaction; a follow-up done logs one), kept
by the services, so that the projects left without activity for longer than their stage allows
are read from one index. Filled from each project's stage entry and latest interaction.

Revision ID: 0019_last_activity
Revises: 0018_stale_after
Create Date: 2026-12-05 20:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_last_activity'
down_revision = '0018_stale_after'
branch_labels = None
depends_on = None

projects = sa.table('projects', sa.column('id', sa.Integer),
                    sa.column('stage_entered_at', sa.DateTime),
                    sa.column('last_activity_at', sa.DateTime))
interactions = sa.table('interactions', sa.column('project_id', sa.Integer),
                        sa.column('occurred_on', sa.Date))


def _fill() -> None:
    latest = (sa.select(sa.func.max(interactions.c.occurred_on))
              .where(interactions.c.project_id == projects.c.id).scalar_subquery())
    if op.get_bind().dialect.name == 'sqlite':
        latest = sa.func.datetime(latest)  # a date read as the start of its day
    else:
        latest = sa.cast(latest, sa.DateTime)
    op.execute(projects.update().values(last_activity_at=projects.c.stage_entered_at))
    op.execute(projects.update().where(latest > projects.c.last_activity_at)
               .values(last_activity_at=latest))


def upgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_activity_at', sa.DateTime(), nullable=True))
    _fill()
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.alter_column('last_activity_at', existing_type=sa.DateTime(), nullable=False)
        batch_op.create_index('ix_projects_stage_activity', ['stage_id', 'last_activity_at'],
                              unique=False, sqlite_where=sa.text('archived_at IS NULL'),
                              postgresql_where=sa.text('archived_at IS NULL'))


def downgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index('ix_projects_stage_activity', sqlite_where=sa.text('archived_at IS NULL'),
                            postgresql_where=sa.text('archived_at IS NULL'))
        batch_op.drop_column('last_activity_at')

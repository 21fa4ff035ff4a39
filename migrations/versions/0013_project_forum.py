"""A project's cohort is a forum edition: `projects.forum_id` (RESTRICT: an edition projects
came through is not deleted), the free-text `cohort` kept only for cohorts that are not
editions.

The backfill links the projects whose cohort text names one edition, and empties their text
(the edition is the cohort now). A text names an edition when, ignoring case and the spaces
around it, it is the edition's name ("WeXchange 2024"), or the year of the only edition held
that year ("2024"), or the number of the only edition with that number ("3"). A text that
could be two editions, or none, stays as it is.

Downgrading puts each linked project's edition name (cut to the column's 40 characters) back
into its cohort text.

Revision ID: 0013_project_forum
Revises: 0012_invariants
Create Date: 2026-12-05 08:50:00

"""
from collections import defaultdict

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_project_forum'
down_revision = '0012_invariants'
branch_labels = None
depends_on = None


def _editions_by_text(conn) -> dict[str, int]:
    """Each text that names exactly one edition -> that edition's id."""
    candidates = defaultdict(set)
    for forum_id, name, number, held_on in conn.execute(sa.text(
            'SELECT id, name, number, held_on FROM forums')):
        year = str(held_on)[:4]  # a date (PostgreSQL) or its ISO text (SQLite)
        for text in (name, year, None if number is None else str(number)):
            if text and text.strip():
                candidates[text.strip().casefold()].add(forum_id)
    return {text: ids.pop() for text, ids in candidates.items() if len(ids) == 1}


def _backfill(conn) -> None:
    editions = _editions_by_text(conn)
    texts = conn.execute(sa.text(
        "SELECT DISTINCT cohort FROM projects WHERE cohort <> '' AND forum_id IS NULL"))
    for (text,) in texts.all():
        forum_id = editions.get(text.strip().casefold())
        if forum_id is not None:
            conn.execute(sa.text(
                "UPDATE projects SET forum_id = :forum, cohort = '' WHERE cohort = :text"
                " AND forum_id IS NULL"), {"forum": forum_id, "text": text})


def upgrade():
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('forum_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_projects_forum_id'), ['forum_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_projects_forum_id_forums'), 'forums',
                                    ['forum_id'], ['id'], ondelete='RESTRICT')
    _backfill(op.get_bind())


def downgrade():
    op.execute(
        'UPDATE projects SET cohort = (SELECT SUBSTR(forums.name, 1, 40) FROM forums'
        ' WHERE forums.id = projects.forum_id) WHERE forum_id IS NOT NULL')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_projects_forum_id_forums'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_projects_forum_id'))
        batch_op.drop_column('forum_id')

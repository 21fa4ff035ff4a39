"""A stage's own threshold of inactivity: a project with no move, interaction or follow-up
done for `stale_after_days` is flagged (90 days for the stages in the pipeline, as before;
never for exit stages and alumni).

Revision ID: 0018_stale_after
Revises: 0017_reviews
Create Date: 2026-12-05 20:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_stale_after'
down_revision = '0017_reviews'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('stages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stale_after_days', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            'stale_after_1_to_3650_days',
            'stale_after_days IS NULL OR stale_after_days BETWEEN 1 AND 3650')
    stages = sa.table('stages', sa.column('stale_after_days', sa.Integer),
                      sa.column('is_exit', sa.Boolean), sa.column('code', sa.String))
    op.execute(stages.update().where(stages.c.is_exit.is_(sa.false()),
                                     stages.c.code != 'alumni')
               .values(stale_after_days=90))


def downgrade():
    with op.batch_alter_table('stages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_stages_stale_after_1_to_3650_days'),
                                 type_='check')
        batch_op.drop_column('stale_after_days')

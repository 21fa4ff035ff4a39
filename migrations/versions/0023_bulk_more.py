"""Bulk actions beyond projects, and their undo: a job says which list its records come from
(the jobs so far were all on projects), keeps what it changed record by record (NULL for the
jobs before: they kept nothing, so they cannot be undone), and an undo job names the job it
undoes (once: unique).

Revision ID: 0023_bulk_more
Revises: 0022_bulk_jobs
Create Date: 2026-12-06 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023_bulk_more'
down_revision = '0022_bulk_jobs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bulk_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entity', sa.String(length=20),
                                      server_default='projects', nullable=False))
        batch_op.add_column(sa.Column('changes', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('undoes_id', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            'known_entity', "entity IN ('projects', 'people', 'organizations')")
        batch_op.create_check_constraint(
            'only_undo_undoes', "undoes_id IS NULL OR action = 'undo'")
        batch_op.create_foreign_key(batch_op.f('fk_bulk_jobs_undoes_id_bulk_jobs'),
                                    'bulk_jobs', ['undoes_id'], ['id'], ondelete='SET NULL')
        batch_op.create_unique_constraint(batch_op.f('uq_bulk_jobs_undoes_id'), ['undoes_id'])


def downgrade():
    with op.batch_alter_table('bulk_jobs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_bulk_jobs_undoes_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_bulk_jobs_undoes_id_bulk_jobs'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('ck_bulk_jobs_only_undo_undoes'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_bulk_jobs_known_entity'), type_='check')
        batch_op.drop_column('undoes_id')
        batch_op.drop_column('changes')
        batch_op.drop_column('entity')

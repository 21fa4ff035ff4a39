"""Bulk actions on projects: what was asked, on which projects, and how far it went (done,
skipped and why), so its page can be reloaded while it runs in the background.

Revision ID: 0022_bulk_jobs
Revises: 0021_segments
Create Date: 2026-12-05 20:09:08.672759

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_bulk_jobs'
down_revision = '0021_segments'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bulk_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action', sa.Enum('move', 'assign', 'tag', 'untag', 'follow-up', name='bulkaction', native_enum=False, length=30), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('project_ids', sa.JSON(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'running', 'done', 'failed', name='bulkstatus', native_enum=False, length=30), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('done + skipped <= total', name=op.f('ck_bulk_jobs_progress_within_total')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_bulk_jobs_created_by_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulk_jobs'))
    )
    with op.batch_alter_table('bulk_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulk_jobs_created_by_id'), ['created_by_id'], unique=False)



def downgrade():
    with op.batch_alter_table('bulk_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulk_jobs_created_by_id'))

    op.drop_table('bulk_jobs')

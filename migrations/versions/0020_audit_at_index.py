"""An index on the time of audit entries: the team's activity feed reads today's.

Revision ID: 0020_audit_at_index
Revises: 0019_last_activity
Create Date: 2026-12-05 20:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020_audit_at_index'
down_revision = '0019_last_activity'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entries_at', ['at'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_at')

"""Forum editions get a version column: edits (pages and API) are checked against the
version read, as other records' are.

Revision ID: 0028_forum_version
Revises: 0027_webhooks
Create Date: 2026-12-06 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0028_forum_version'
down_revision = '0027_webhooks'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('forums', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False,
                                      server_default='1'))


def downgrade():
    with op.batch_alter_table('forums', schema=None) as batch_op:
        batch_op.drop_column('version')

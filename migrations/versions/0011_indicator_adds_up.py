"""Indicators say whether their figures add up over time (jobs created) or whether the latest
figure is the number (volunteers): `indicators.adds_up`, false for the catalog's volunteers.

Revision ID: 0011_indicator_adds_up
Revises: 0010_live_projects_index
Create Date: 2026-12-04 18:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_indicator_adds_up'
down_revision = '0010_live_projects_index'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.add_column(sa.Column('adds_up', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))
    op.execute(sa.text("UPDATE indicators SET adds_up = false WHERE code = 'volunteers'"))


def downgrade():
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.drop_column('adds_up')

"""Saved segments: a filtered list of projects, people or organizations kept under a name by
its owner (unique per owner and list), private or shared with the team.

Revision ID: 0021_segments
Revises: 0020_audit_at_index
Create Date: 2026-12-05 20:05:02.683413

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_segments'
down_revision = '0020_audit_at_index'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('segments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('entity', sa.String(length=20), nullable=False),
    sa.Column('query', sa.String(length=2000), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('shared', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("entity IN ('projects', 'people', 'organizations')", name=op.f('ck_segments_known_entity')),
    sa.CheckConstraint("name <> ''", name=op.f('ck_segments_named')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_segments_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_segments')),
    sa.UniqueConstraint('owner_id', 'entity', 'name', name=op.f('uq_segments_owner_id_entity_name'))
    )
    with op.batch_alter_table('segments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_segments_owner_id'), ['owner_id'], unique=False)



def downgrade():
    with op.batch_alter_table('segments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_segments_owner_id'))

    op.drop_table('segments')

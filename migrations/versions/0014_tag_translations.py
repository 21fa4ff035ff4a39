"""A tag's name in Arabic, French and English (empty: the tag is shown as it was typed).

Revision ID: 0014_tag_translations
Revises: 0013_project_forum
Create Date: 2026-12-05 12:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_tag_translations'
down_revision = '0013_project_forum'
branch_labels = None
depends_on = None

LANGUAGES = ("ar", "fr", "en")


def upgrade():
    with op.batch_alter_table('tags') as batch_op:
        for lang in LANGUAGES:
            batch_op.add_column(sa.Column(f'name_{lang}', sa.String(length=60),
                                          server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('tags') as batch_op:
        for lang in LANGUAGES:
            batch_op.drop_column(f'name_{lang}')

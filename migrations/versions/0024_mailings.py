"""Mailings to people lists, each recipient's delivery (with the Message-ID a returned
email's report quotes) and unsubscribe link; a person's
language for emails and their "do not contact" mark.

Revision ID: 0024_mailings
Revises: 0023_bulk_more
Create Date: 2026-12-05 21:06:36.290132

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024_mailings'
down_revision = '0023_bulk_more'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mailings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('support', 'communications', 'media', 'sharing', name='consentpurpose', native_enum=False, length=30), nullable=False),
    sa.Column('subject_ar', sa.String(length=200), nullable=False),
    sa.Column('subject_fr', sa.String(length=200), nullable=False),
    sa.Column('subject_en', sa.String(length=200), nullable=False),
    sa.Column('body_ar', sa.Text(), nullable=False),
    sa.Column('body_fr', sa.Text(), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('query', sa.String(length=2000), nullable=False),
    sa.Column('segment_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'sending', 'sent', 'failed', name='mailingstatus', native_enum=False, length=30), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('sent', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.Column('excluded', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("subject_ar <> '' OR subject_fr <> '' OR subject_en <> ''", name=op.f('ck_mailings_has_subject')),
    sa.CheckConstraint('sent + failed <= total', name=op.f('ck_mailings_progress_within_total')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_mailings_created_by_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], name=op.f('fk_mailings_segment_id_segments'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mailings'))
    )
    with op.batch_alter_table('mailings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mailings_created_by_id'), ['created_by_id'], unique=False)

    op.create_table('mailing_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mailing_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sent', 'failed', 'bounced', name='deliverystatus', native_enum=False, length=30), nullable=False),
    sa.Column('error', sa.String(length=300), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('message_id', sa.String(length=250), nullable=True),
    sa.Column('unsubscribe_hash', sa.String(length=64), nullable=True),
    sa.Column('unsubscribed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("language IN ('ar', 'fr', 'en')", name=op.f('ck_mailing_recipients_known_language')),
    sa.ForeignKeyConstraint(['mailing_id'], ['mailings.id'], name=op.f('fk_mailing_recipients_mailing_id_mailings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_mailing_recipients_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mailing_recipients')),
    sa.UniqueConstraint('mailing_id', 'person_id', name=op.f('uq_mailing_recipients_mailing_id_person_id')),
    sa.UniqueConstraint('unsubscribe_hash', name=op.f('uq_mailing_recipients_unsubscribe_hash'))
    )
    with op.batch_alter_table('mailing_recipients', schema=None) as batch_op:
        batch_op.create_index('ix_mailing_recipients_pending', ['mailing_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_mailing_recipients_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mailing_recipients_message_id'), ['message_id'], unique=False)

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('do_not_contact', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.create_check_constraint('known_language', "language IN ('ar', 'fr', 'en')")



def downgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_people_known_language'), type_='check')
        batch_op.drop_column('do_not_contact')
        batch_op.drop_column('language')

    with op.batch_alter_table('mailing_recipients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mailing_recipients_message_id'))
        batch_op.drop_index(batch_op.f('ix_mailing_recipients_person_id'))
        batch_op.drop_index('ix_mailing_recipients_pending')

    op.drop_table('mailing_recipients')
    with op.batch_alter_table('mailings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mailings_created_by_id'))

    op.drop_table('mailings')

"""Calls for applications: the call (texts in three languages, dates, cohort), its questions,
the applications filed on its public form and their answers. An application keeps the hash of
its private link, the privacy notice accepted (purpose, date, version), and cannot be deleted
with its call; a question that has answers cannot be removed.

Revision ID: 0015_calls
Revises: 0014_tag_translations
Create Date: 2026-12-05 19:00:52.619308

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_calls'
down_revision = '0014_tag_translations'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title_fr', sa.String(length=200), nullable=False),
    sa.Column('title_ar', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('text_fr', sa.Text(), nullable=False),
    sa.Column('text_ar', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.Column('eligibility_fr', sa.Text(), nullable=False),
    sa.Column('eligibility_ar', sa.Text(), nullable=False),
    sa.Column('eligibility_en', sa.Text(), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('forum_id', sa.Integer(), nullable=True),
    sa.Column('cohort', sa.String(length=40), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("title_fr <> '' OR title_ar <> '' OR title_en <> ''", name=op.f('ck_calls_titled')),
    sa.CheckConstraint('closes_on >= opens_on', name=op.f('ck_calls_closes_after_opening')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_calls_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['forum_id'], ['forums.id'], name=op.f('fk_calls_forum_id_forums'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calls')),
    sa.UniqueConstraint('slug', name=op.f('uq_calls_slug'))
    )
    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'accepted', 'waitlisted', 'rejected', name='applicationstatus', native_enum=False, length=30), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('name_arabic', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('organization_name', sa.String(length=200), nullable=False),
    sa.Column('organization_name_arabic', sa.String(length=200), nullable=False),
    sa.Column('organization_kind', sa.Enum('association', 'cooperative', 'mutual', 'amicale', 'foundation', 'social-enterprise', 'company', 'public-body', 'other', name='organizationkind', native_enum=False, length=30), nullable=False),
    sa.Column('region', sa.Enum('tanger-tetouan-al-hoceima', 'oriental', 'fes-meknes', 'rabat-sale-kenitra', 'beni-mellal-khenifra', 'casablanca-settat', 'marrakech-safi', 'draa-tafilalet', 'souss-massa', 'guelmim-oued-noun', 'laayoune-sakia-el-hamra', 'dakhla-oued-ed-dahab', name='region', native_enum=False, length=40), nullable=True),
    sa.Column('legal_identifier', sa.String(length=60), nullable=False),
    sa.Column('project_name', sa.String(length=200), nullable=False),
    sa.Column('consent_purpose', sa.String(length=30), nullable=False),
    sa.Column('consent_given_at', sa.DateTime(), nullable=True),
    sa.Column('notice_version', sa.String(length=20), nullable=False),
    sa.Column('access_digest', sa.String(length=64), nullable=False),
    sa.Column('submitted_from', sa.String(length=45), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("email <> ''", name=op.f('ck_applications_email_given')),
    sa.CheckConstraint("status IN ('submitted', 'accepted', 'waitlisted', 'rejected')", name=op.f('ck_applications_known_status')),
    sa.CheckConstraint('consent_given_at IS NOT NULL', name=op.f('ck_applications_consent_given')),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_applications_call_id_calls'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_applications_organization_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_applications_person_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_applications_project_id_projects'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('access_digest', name=op.f('uq_applications_access_digest'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_call_id'), ['call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_status'), ['status'], unique=False)

    op.create_table('call_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('short-text', 'long-text', 'choice', 'number', 'date', 'file', name='questionkind', native_enum=False, length=30), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('label_fr', sa.String(length=300), nullable=False),
    sa.Column('label_ar', sa.String(length=300), nullable=False),
    sa.Column('label_en', sa.String(length=300), nullable=False),
    sa.Column('choices_fr', sa.Text(), nullable=False),
    sa.Column('choices_ar', sa.Text(), nullable=False),
    sa.Column('choices_en', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_call_questions_call_id_calls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_questions'))
    )
    with op.batch_alter_table('call_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_questions_call_id'), ['call_id'], unique=False)

    op.create_table('application_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_answers_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['call_questions.id'], name=op.f('fk_application_answers_question_id_call_questions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_answers')),
    sa.UniqueConstraint('application_id', 'question_id', name=op.f('uq_application_answers_application_id_question_id'))
    )
    with op.batch_alter_table('application_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_answers_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_answers_question_id'), ['question_id'], unique=False)



def downgrade():
    with op.batch_alter_table('application_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_answers_question_id'))
        batch_op.drop_index(batch_op.f('ix_application_answers_application_id'))

    op.drop_table('application_answers')
    with op.batch_alter_table('call_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_questions_call_id'))

    op.drop_table('call_questions')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_status'))
        batch_op.drop_index(batch_op.f('ix_applications_call_id'))

    op.drop_table('applications')
    op.drop_table('calls')

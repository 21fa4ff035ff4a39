"""The demo innovator: Nadia El Amrani, founder of an incubated organization followed by the
Arabic-speaking demo officer, with consents and a meeting shared with her."""

from datetime import date, timedelta

from crm.auth.models import User
from crm.extensions import db
from crm.followups import services as followups
from crm.followups.models import FollowUpKind
from crm.organizations import services as organizations
from crm.organizations.models import MembershipRole
from crm.people import services as people
from crm.people.models import Gender
from crm.pipeline.models import Stage
from crm.privacy import services as privacy
from crm.privacy.models import ConsentPurpose, ConsentSource
from crm.projects.models import Project

INNOVATOR_EMAIL = "innovator@demo.crm"
OFFICER_EMAIL = "officer@demo.crm"


def _incubated_project_of(officer: User) -> Project | None:
    query = (db.select(Project).join(Project.stage)
             .where(Project.officer_id == officer.id, Stage.code.in_(("incubated", "accelerated")),
                    Project.archived_at.is_(None)).order_by(Project.id))
    return db.session.scalars(query).first()


def seed_portal() -> None:
    """Link the demo innovator's account to her record (once)."""
    def user(email):
        return db.session.scalar(db.select(User).where(User.email == email))

    innovator, officer = user(INNOVATOR_EMAIL), user(OFFICER_EMAIL)
    if innovator is None or officer is None or innovator.person_id is not None:
        return
    project = _incubated_project_of(officer)
    if project is None:
        return
    person = people.create_person(
        officer, first_name="Nadia", last_name="El Amrani", name_arabic="نادية العمراني",
        email=INNOVATOR_EMAIL, phone="0661234567", gender=Gender.WOMAN,
        city=project.organization.city, region=project.organization.region)
    organizations.add_member(officer, project.organization, person, MembershipRole.FOUNDER)
    innovator.person_id = person.id
    forum_day = date(2024, 10, 17)
    for purpose in (ConsentPurpose.SUPPORT, ConsentPurpose.COMMUNICATIONS):
        privacy.record_consent(officer, person, purpose, ConsentSource.FORUM, forum_day,
                               source_detail="WeXchange 2024")
    followups.create_followup(officer, officer, FollowUpKind.VISIT,
                              "Visite de l'atelier", date.today() + timedelta(days=10),
                              project=project, shared=True)
    db.session.commit()

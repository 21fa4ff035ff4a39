"""Plain builder functions for test data; each commits what it builds."""

import itertools
import re
import time
from datetime import timedelta

import pyotp
from werkzeug.security import generate_password_hash

from config import TestingConfig
from crm.auth import two_factor
from crm.auth.models import Role, User
from crm.extensions import db

PASSWORD = "correct-horse-battery"
# Hashed as the test app hashes (its cheap scrypt cost), once for every user the tests make.
_PASSWORD_HASH = generate_password_hash(PASSWORD, method=TestingConfig.PASSWORD_HASH_METHOD)
# The authenticator key of the test accounts that have two-factor sign-in on.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_counter = itertools.count(1)


def make_user(role=Role.OFFICER, email=None, language="en", active=True, full_name=None,
              two_factor_on=None) -> User:
    """A user; administrators have two-factor sign-in on with TOTP_SECRET (as they must),
    unless `two_factor_on` says otherwise."""
    n = next(_counter)
    role = Role(role)
    user = User(
        email=email or f"{role.value}{n}@example.org",
        full_name=full_name if full_name is not None else f"{role.value.title()} {n}",
        password_hash=_PASSWORD_HASH,
        role=role,
        language=language,
        active=active,
    )
    db.session.add(user)
    db.session.commit()
    on = two_factor.is_required(user) if two_factor_on is None else two_factor_on
    if on:
        two_factor.enable_with_secret(None, user, TOTP_SECRET)
    return user


def totp_code(user, secret=TOTP_SECRET) -> str:
    """A code of the user's app that the CRM has not taken yet: the current time step, or the
    next one (accepted too) when the current one was already used, as when a test signs the
    same user in twice within 30 seconds; beyond that, it waits for a new step."""
    totp = pyotp.TOTP(secret)
    while True:
        last = db.session.scalar(db.select(User.two_factor_last_step).where(User.id == user.id))
        now = totp.timecode(int(time.time()))
        step = now if last is None or last < now else last + 1
        if step <= now + 1:
            return totp.generate_otp(step)
        time.sleep(1)


def _csrf_token(client, path: str) -> dict:
    page = client.get(path).get_data(as_text=True)
    return {"csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                                    page).group(1)}


def sign_in(client, user, password=PASSWORD, secret=TOTP_SECRET, csrf=False):
    """Log `client` in as `user` through the real pages: the password, then the code of the
    app when two-factor sign-in is on (each form with its CSRF token when `csrf`, for an app
    that checks them). The last response."""
    token = _csrf_token(client, "/login") if csrf else {}
    response = client.post("/login", data={"email": user.email, "password": password, **token})
    if response.status_code == 302 and response.headers["Location"].endswith("/login/code"):
        token = _csrf_token(client, "/login/code") if csrf else {}
        response = client.post("/login/code", data={"code": totp_code(user, secret), **token})
    return response


def make_organization(actor=None, name=None, **data):
    from crm.organizations import services
    from crm.organizations.models import OrganizationKind

    n = next(_counter)
    data.setdefault("kind", OrganizationKind.ASSOCIATION)
    return services.create_organization(actor, name=name or f"Association Test {n}", **data)


def make_person(actor=None, first_name=None, last_name=None, **data):
    from crm.people import services

    n = next(_counter)
    return services.create_person(actor, first_name=first_name or f"Prénom{n}",
                                  last_name=last_name or f"Nom{n}", **data)


def make_project(actor=None, organization=None, stage=None, officer=None, name=None, **data):
    from crm.pipeline import services as pipeline
    from crm.projects import services

    n = next(_counter)
    organization = organization or make_organization(actor)
    stage_obj = pipeline.get_stage(stage) if isinstance(stage, str) else stage
    return services.create_project(actor, organization, stage=stage_obj,
                                   name=name or f"Projet {n}",
                                   officer_id=officer.id if officer else None, **data)


def make_membership(organization, person, role="member", actor=None):
    from crm.organizations import services
    from crm.organizations.models import MembershipRole

    return services.add_member(actor, organization, person, MembershipRole(role))


def make_forum(actor=None, name=None, held_on=None, sessions=("Atelier A",), **data):
    """A forum with a plenary and one workshop per name in `sessions`."""
    from datetime import date

    from crm.forums import services
    from crm.forums.models import SessionKind

    n = next(_counter)
    forum = services.create_forum(actor, name or f"Forum {n}", held_on or date(2024, 10, 17),
                                  **data)
    services.add_session(actor, forum, SessionKind.PLENARY, "Plénière")
    for session_name in sessions:
        services.add_session(actor, forum, SessionKind.WORKSHOP, session_name)
    return forum


def make_participation(session, person, role="participant", attended=True, actor=None):
    from crm.forums import services
    from crm.forums.models import ParticipationRole

    return services.add_participation(actor, session, person, ParticipationRole(role), attended)


def make_followup(assignee, due_on=None, title=None, kind="call", actor=None, **target):
    """A follow-up owed to `person=`, `organization=` or `project=` (a new person if none)."""
    from datetime import date, timedelta

    from crm.followups import services
    from crm.followups.models import FollowUpKind

    n = next(_counter)
    if not target:
        target = {"person": make_person(actor)}
    return services.create_followup(actor or assignee, assignee, FollowUpKind(kind),
                                    title or f"Suivi {n}",
                                    due_on or date.today() + timedelta(days=7), **target)


def make_funder(actor=None, name=None, kind="fund", **data):
    from crm.funding import services
    from crm.funding.models import FunderKind

    n = next(_counter)
    return services.create_funder(actor, name=name or f"Fonds Test {n}", kind=FunderKind(kind),
                                  **data)


def make_opportunity(project=None, funder=None, actor=None, instrument="grant",
                     status="prospect", requested="0", committed="0", disbursed="0", **data):
    from decimal import Decimal

    from crm.funding import services

    data.setdefault("confirm_over_request", Decimal(committed) > Decimal(requested))
    return services.create_opportunity(
        actor, project or make_project(), funder_id=(funder or make_funder()).id,
        instrument=instrument, status=status, amount_requested=Decimal(requested),
        amount_committed=Decimal(committed), amount_disbursed=Decimal(disbursed), **data)


def make_innovator(person, email=None, language="en") -> User:
    """A portal account for `person` (as an accepted invitation leaves it)."""
    user = make_user(Role.INNOVATOR, email=email or person.email, language=language,
                     full_name=person.display_name)
    user.person_id = person.id
    db.session.commit()
    return user


def make_call(actor=None, opens_on=None, closes_on=None, published=True, questions=True,
              **texts):
    """An open call (by default) with a required long question and an optional choice."""
    from crm.calls import services
    from crm.calls.models import QuestionKind
    from crm.common.time import local_today

    today = local_today()
    data = {f"{name}_{lang}": "" for name in ("title", "text", "eligibility")
            for lang in ("ar", "fr", "en")}
    data.update(title_fr="Appel Incubation 2027", title_ar="نداء الاحتضان 2027",
                title_en="Incubation call 2027", text_fr="Présentation", cohort="2027",
                opens_on=opens_on or today - timedelta(days=1),
                closes_on=closes_on or today + timedelta(days=30), forum_id=None)
    data.update(texts)
    actor = actor or make_user(Role.OFFICER)
    call = services.create_call(actor, data)
    if questions:
        services.add_question(actor, call, QuestionKind.LONG_TEXT, True, {
            "label_fr": "Décrivez le problème", "label_ar": "صف المشكلة",
            "label_en": "Describe the problem"})
        services.add_question(actor, call, QuestionKind.CHOICE, False, {
            "label_fr": "Stade", "label_en": "Stage", "label_ar": "المرحلة",
            "choices_fr": "Idée\nPrototype", "choices_en": "Idea\nPrototype",
            "choices_ar": "فكرة\nنموذج"})
    if published:
        services.publish(actor, call, True)
    return call


def application_data(call, **overrides):
    """What the public form of a `make_call` call posts for Salma Benali."""
    problem, stage = call.questions[:2]
    data = {"first_name": "Salma", "last_name": "Benali", "name_arabic": "سلمى بنعلي",
            "email": "salma@example.org", "phone": "0612345678",
            "organization_name": "Association Tamkine", "organization_name_arabic": "جمعية تمكين",
            "organization_kind": "association", "region": "souss-massa",
            "legal_identifier": "", "project_name": "Atelier couture",
            f"answer_{problem.id}": "Les femmes du douar n'ont pas de revenu.",
            f"answer_{stage.id}": "2", "consent": "y", "website": ""}
    data.update(overrides)
    return data

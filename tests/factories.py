"""Plain builder functions for test data; each commits what it builds."""

import itertools

from werkzeug.security import generate_password_hash

from crm.auth.models import Role, User
from crm.extensions import db

PASSWORD = "correct-horse-battery"
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="scrypt:1024:8:1")
_counter = itertools.count(1)


def make_user(role=Role.OFFICER, email=None, language="en", active=True, full_name=None) -> User:
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
    return user


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

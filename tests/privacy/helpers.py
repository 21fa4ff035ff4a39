"""Builders shared by the privacy tests."""

from crm.auth.models import Role
from crm.extensions import db
from crm.privacy import services
from crm.privacy.models import ConsentPurpose, ConsentSource
from tests.factories import make_user


def text(response) -> str:
    return response.get_data(as_text=True)


def link_account(user, person) -> None:
    """An innovator account linked to its person, as accepting an invitation does."""
    user.person_id = person.id
    db.session.commit()


def make_innovator(person):
    user = make_user(Role.INNOVATOR)
    link_account(user, person)
    return user


def make_consent(person, purpose=ConsentPurpose.SUPPORT, given_on=None, actor=None,
                 source=ConsentSource.FORUM, detail=""):
    from datetime import date

    return services.record_consent(actor, person, purpose, source,
                                   given_on or date(2024, 10, 17), detail)

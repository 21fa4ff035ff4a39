"""Who of a people list a mailing may reach, and why each of the others may not.

A person is left out when they have no address (or were anonymized), asked not to be
contacted, withdrew their consent to the mailing's purpose, never gave it, or share their
address with someone already on the list (one email per address)."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists

from crm.common.listing import ListParams
from crm.extensions import db
from crm.people import services as people
from crm.people.models import Person
from crm.privacy.models import Consent, ConsentPurpose

REASONS = {
    "no-email": _l("no email address"),
    "do-not-contact": _l("asked not to be contacted"),
    "withdrawn": _l("withdrew their consent"),
    "no-consent": _l("never consented to this purpose"),
    "same-address": _l("same address as another person of the list"),
}


@dataclass
class Audience:
    """The people a mailing reaches (id, email, language) and the others counted by reason."""

    included: list[tuple[int, str, str | None]] = field(default_factory=list)
    excluded: dict[str, int] = field(default_factory=dict)

    @property
    def excluded_total(self) -> int:
        return sum(self.excluded.values())

    @property
    def list_size(self) -> int:
        """Everyone on the list: each is either included or left out."""
        return len(self.included) + self.excluded_total

    def leave_out(self, reason: str) -> None:
        self.excluded[reason] = self.excluded.get(reason, 0) + 1


def people_params(query: str) -> ListParams:
    """The people list's filters and search, as kept in a mailing or a segment."""
    return ListParams.from_query(query, people.FILTERS, "name")


def _consent(purpose: ConsentPurpose, active_only: bool):
    condition = [Consent.person_id == Person.id, Consent.purpose == purpose]
    if active_only:
        condition.append(Consent.withdrawn_on.is_(None))
    return exists().where(*condition)


def _rows(purpose: ConsentPurpose, query: str):
    listed = people.list_people(people_params(query), with_organizations=False)
    return db.session.execute(listed.with_only_columns(
        Person.id, Person.email, Person.language, Person.do_not_contact,
        Person.anonymized_at.is_not(None), _consent(purpose, True), _consent(purpose, False),
    ).order_by(Person.id))


def _reason(email, do_not_contact, anonymized, consents, ever_consented) -> str | None:
    if not email or anonymized:
        return "no-email"
    if do_not_contact:
        return "do-not-contact"
    if not consents:
        return "withdrawn" if ever_consented else "no-consent"
    return None


def audience(purpose: ConsentPurpose, query: str) -> Audience:
    """Everyone on the people list `query`, sorted into who may receive a mailing for
    `purpose` and who may not (counted by reason)."""
    found, addresses = Audience(), set()
    for person_id, email, language, do_not_contact, anonymized, consents, ever in _rows(
            purpose, query):
        reason = _reason(email, do_not_contact, anonymized, consents, ever)
        if reason is None and email.lower() in addresses:
            reason = "same-address"
        if reason:
            found.leave_out(reason)
            continue
        addresses.add(email.lower())
        found.included.append((person_id, email, language))
    return found


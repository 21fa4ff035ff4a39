"""Consents: recording what a person agreed to, withdrawing it, and listing them."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func

from crm.audit import services as audit
from crm.auth.models import Role, User
from crm.errors import ServiceError
from crm.extensions import db
from crm.people.models import Person
from crm.privacy.models import Consent, ConsentPurpose, ConsentSource

ENTITY = "person"  # a consent is part of the person's record: its audit entries go there


def consents_of(person_id: int) -> list[Consent]:
    """The consents of a person: active ones first, newest first."""
    withdrawn_last = case((Consent.withdrawn_on.is_(None), 0), else_=1)
    query = (db.select(Consent).where(Consent.person_id == person_id)
             .options(db.joinedload(Consent.recorded_by))
             .order_by(withdrawn_last, Consent.given_on.desc(), Consent.id.desc()))
    return list(db.session.scalars(query))


def get_consent(consent_id: int) -> Consent | None:
    return db.session.get(Consent, consent_id)


def record_consent(actor, person: Person, purpose: ConsentPurpose, source: ConsentSource,
                   given_on: date, source_detail: str = "") -> Consent:
    """Keep the consent a person gave (when, how, for what), and audit it."""
    if given_on is None:
        raise ServiceError(_l("Give the date the consent was given."), field="given_on")
    if given_on > date.today():
        raise ServiceError(_l("A consent cannot be given in the future."), field="given_on")
    consent = Consent(person_id=person.id, purpose=ConsentPurpose(purpose),
                      source=ConsentSource(source), given_on=given_on,
                      source_detail=(source_detail or "").strip()[:200],
                      recorded_by_id=actor.id if actor else None)
    db.session.add(consent)
    db.session.flush()
    audit.record(actor, "consent_given", ENTITY, person.id, {
        "purpose": [None, consent.purpose.value], "source": [None, consent.source.value],
        "given_on": [None, given_on.isoformat()]})
    db.session.commit()
    return consent


def withdraw_consent(actor, consent: Consent, on: date | None = None) -> None:
    """Mark the consent withdrawn (it stays on record, with both dates)."""
    if consent.withdrawn_on is not None:
        raise ServiceError(_l("This consent was already withdrawn."))
    on = on or date.today()
    if on < consent.given_on:
        raise ServiceError(_l("A consent cannot be withdrawn before it was given."))
    consent.withdrawn_on = on
    audit.record(actor, "consent_withdrawn", ENTITY, consent.person_id, {
        "purpose": [None, consent.purpose.value], "withdrawn_on": [None, on.isoformat()]})
    db.session.commit()


def register_counts() -> dict:
    """Live figures for the processing register: people, anonymized people, portal accounts,
    and consents active and withdrawn per purpose."""
    people = db.session.scalar(db.select(func.count()).select_from(Person)
                               .where(Person.merged_into_id.is_(None)))
    anonymized = db.session.scalar(db.select(func.count()).select_from(Person)
                                   .where(Person.anonymized_at.is_not(None)))
    portal_accounts = db.session.scalar(
        db.select(func.count()).select_from(User)
        .where(User.role == Role.INNOVATOR, User.active.is_(True)))
    rows = db.session.execute(
        db.select(Consent.purpose, Consent.withdrawn_on.is_(None), func.count())
        .group_by(Consent.purpose, Consent.withdrawn_on.is_(None))).all()
    by_purpose = {purpose: {"active": 0, "withdrawn": 0} for purpose in ConsentPurpose}
    for purpose, active, count in rows:
        by_purpose[purpose]["active" if active else "withdrawn"] += count
    return {"people": people, "anonymized": anonymized, "portal_accounts": portal_accounts,
            "consents": by_purpose}

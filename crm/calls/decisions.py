"""Deciding on applications: accepting one (its person and organization matched as imports
match them, else created, and a project at stage "applied" in the call's cohort), rejecting
with a reason and an optional email in the applicant's language, or waitlisting."""

import logging
import smtplib
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm.audit import services as audit
from crm.auth.permissions import can_be_assigned
from crm.calls.models import Application, ApplicationStatus
from crm.common.mail import build_message, send_messages
from crm.common.time import utcnow
from crm.errors import ServiceError
from crm.extensions import db
from crm.imports.matching import identity, match_known
from crm.organizations import services as organizations
from crm.organizations.models import Membership, MembershipRole, Organization
from crm.people import services as people
from crm.people.models import Person
from crm.pipeline import services as pipeline
from crm.privacy import services as privacy
from crm.privacy.models import ConsentPurpose, ConsentSource
from crm.projects import services as projects

log = logging.getLogger(__name__)

OPEN = (ApplicationStatus.SUBMITTED, ApplicationStatus.WAITLISTED)


def _open_for(application: Application, decision: str) -> bool:
    """A submitted application takes any decision; a waitlisted one may still be accepted
    or rejected."""
    allowed = (ApplicationStatus.SUBMITTED,) if decision == "waitlist" else OPEN
    return application.status in allowed


def _check_open(application: Application, decision: str) -> None:
    if not _open_for(application, decision):
        raise ServiceError(_l("This application was already decided: %(status)s.",
                              status=application.status.label))


def _person_for(actor, application: Application) -> Person:
    """The person the CRM already knows (same email or phone, or the same name where nothing
    contradicts it), else a new one."""
    known = match_known([identity(0, application.first_name, application.last_name,
                                  application.name_arabic, application.email,
                                  application.phone)])
    if 0 in known:
        return db.session.get(Person, known[0][0])
    return people.create_person(
        actor, first_name=application.first_name, last_name=application.last_name,
        name_arabic=application.name_arabic, email=application.email,
        phone=application.phone, region=application.region, language=application.language)


def _organization_for(actor, application: Application) -> Organization:
    """The organization with the same legal identifier or a similar name, else a new one."""
    similar = organizations.find_similar_organizations(
        application.organization_name, application.organization_name_arabic,
        application.legal_identifier, limit=1)
    if similar:
        return similar[0].record
    return organizations.create_organization(
        actor, name=application.organization_name or application.organization_name_arabic,
        name_arabic=application.organization_name_arabic, kind=application.organization_kind,
        region=application.region, legal_identifier=application.legal_identifier)


def _ensure_member(actor, organization: Organization, person: Person) -> None:
    exists = db.session.scalar(db.select(Membership.id).where(
        Membership.organization_id == organization.id, Membership.person_id == person.id))
    if exists is None:
        organizations.add_member(actor, organization, person, MembershipRole.FOUNDER)


def _applied_stage():
    try:
        return pipeline.get_stage("applied")
    except LookupError as missing:
        raise ServiceError(_l("The pipeline has no stage “applied”: an administrator must "
                              "restore it before applications are accepted.")) from missing


def accept(actor, application: Application) -> None:
    """The application becomes a project at stage "applied" of the call's cohort, with the
    applicant's consent on record. Matching first means that accepting again after a failure
    finds what the first attempt created."""
    _check_open(application, "accept")
    call, stage = application.call, _applied_stage()
    person = _person_for(actor, application)
    organization = _organization_for(actor, application)
    _ensure_member(actor, organization, person)
    privacy.record_consent(actor, person, ConsentPurpose.SUPPORT, ConsentSource.APPLICATION,
                           application.consent_given_at.date(),
                           source_detail=f"{call.slug} ({application.notice_version})")
    project = projects.create_project(
        actor, organization, stage=stage,
        name=application.project_name, forum_id=call.forum_id,
        cohort="" if call.forum_id else call.cohort,
        officer_id=actor.id if can_be_assigned(actor) else None)
    _decided(actor, application, ApplicationStatus.ACCEPTED, "", person_id=person.id,
             organization_id=organization.id, project_id=project.id)


def _decided(actor, application: Application, status: ApplicationStatus, reason: str,
             **links) -> None:
    changes = audit.apply_changes(application, {"status": status, "decision_reason": reason,
                                                **links})
    application.decided_at, application.decided_by_id = utcnow(), actor.id
    audit.record(actor, "update", "application", application.id, changes)
    db.session.commit()


def reject(actor, application: Application, reason: str, notify: bool) -> bool:
    """Returns whether the applicant was told by email (when asked to)."""
    _check_open(application, "reject")
    if not reason.strip():
        raise ServiceError(_l("Give the reason for the rejection."), field="reason")
    _decided(actor, application, ApplicationStatus.REJECTED, reason.strip())
    return _tell(application) if notify else False


def waitlist(actor, application: Application) -> None:
    _check_open(application, "waitlist")
    _decided(actor, application, ApplicationStatus.WAITLISTED, "")


def _tell(application: Application) -> bool:
    """The rejection and its reason, by email in the applicant's language."""
    with force_locale(application.language):
        body = "\n".join([
            _("Hello %(name)s,", name=application.display_name), "",
            _("Thank you for your application to “%(call)s”. We are sorry to tell you that it "
              "was not selected.", call=application.call.title), "",
            _("The reason:"), application.decision_reason, "",
            _("We wish you every success with your project."), ""])
        subject = _("Your application to %(call)s", call=application.call.title)
    message = build_message(application.display_name, application.email, subject, body,
                            application.language)
    try:
        return send_messages([message]) == 1
    except (OSError, smtplib.SMTPException) as error:
        log.warning("rejection of application %s not sent: %s", application.id, error)
        return False


@dataclass
class Outcome:
    done: int = 0
    skipped: int = 0  # already decided
    emailed: int = 0


def decide_many(actor, applications: list[Application], decision: str, reason: str = "",
                notify: bool = False) -> Outcome:
    """The same decision on several applications; those already decided are skipped."""
    if decision == "reject" and not reason.strip():
        raise ServiceError(_l("Give the reason for the rejection."), field="reason")
    outcome = Outcome()
    for application in applications:
        if not _open_for(application, decision):
            outcome.skipped += 1
            continue
        if decision == "accept":
            accept(actor, application)
        elif decision == "reject":
            outcome.emailed += reject(actor, application, reason, notify)
        else:
            waitlist(actor, application)
        outcome.done += 1
    return outcome

"""Routes of the privacy domain: consents (staff and portal), the innovator's data export,
anonymization on request and the processing register."""

from datetime import date, datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from crm.auth.permissions import ensure, require
from crm.common import phones
from crm.common.csv_export import csv_response
from crm.common.forms import EmptyForm
from crm.common.reference import Region
from crm.common.web import actor, found_or_404, report_service_error
from crm.errors import ServiceError
from crm.followups.models import FollowUpKind, FollowUpStatus
from crm.forums.models import ParticipationRole
from crm.interactions.models import InteractionKind
from crm.organizations.models import MembershipRole, OrganizationKind
from crm.people import services as people_services
from crm.people.models import Gender, Person
from crm.privacy import export, register, services
from crm.privacy.anonymize import anonymize_person as anonymize
from crm.privacy.forms import consent_form
from crm.privacy.models import Consent, ConsentPurpose, ConsentSource
from crm.security import flag_unexpected_fields

bp = Blueprint("privacy", __name__)

# The enums whose values the export holds, so its page can show their labels.
EXPORT_ENUMS = {"gender": Gender, "region": Region, "membership_role": MembershipRole,
                "organization_kind": OrganizationKind, "participation_role": ParticipationRole,
                "followup_kind": FollowUpKind, "followup_status": FollowUpStatus,
                "interaction_kind": InteractionKind, "purpose": ConsentPurpose,
                "source": ConsentSource}


@bp.app_template_global("new_consent_form")
def new_consent_form():
    """The consent form of the person page's panel (the page's view builds no form for it)."""
    return consent_form(formdata=None)


def _person(person_id: int) -> Person:
    return found_or_404(people_services.get_person(person_id))


def _managed_consent(consent_id: int) -> Consent:
    consent = found_or_404(services.get_consent(consent_id))
    ensure(current_user, "consent.manage", _person(consent.person_id))
    return consent


def _own_person() -> Person:
    """The innovator's own record (404 when the account is linked to none)."""
    if current_user.person_id is None:
        abort(404)
    return _person(current_user.person_id)


def _back_to(person_id: int) -> str:
    return url_for("people.show_person", person_id=person_id, _anchor="consents")


@bp.post("/people/<int:person_id>/consents")
@require("consent.manage")
def record_consent(person_id: int):
    person = _person(person_id)
    ensure(current_user, "consent.manage", person)
    form = consent_form()
    if form.validate_on_submit():
        try:
            services.record_consent(actor(), person, ConsentPurpose(form.purpose.data),
                                    ConsentSource(form.source.data), form.given_on.data,
                                    form.source_detail.data or "")
        except ServiceError as error:
            report_service_error(form, error)
        else:
            flash(_("The consent was recorded."), "success")
            return redirect(_back_to(person.id))
    # Shown again with what was typed and what is wrong.
    return render_template("privacy/record_consent.html", form=form, person=person)


@bp.post("/consents/<int:consent_id>/withdraw")
@require("consent.manage")
def withdraw_consent(consent_id: int):
    consent = _managed_consent(consent_id)
    if EmptyForm().validate_on_submit():
        try:
            services.withdraw_consent(actor(), consent)
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("The consent was withdrawn. It stays on record with both dates."), "success")
    return redirect(_back_to(consent.person_id))


@bp.post("/portal/consents/<int:consent_id>/withdraw")
@require("portal.use")
def withdraw_own_consent(consent_id: int):
    consent = services.get_consent(consent_id)
    if (consent is None or current_user.person_id is None
            or consent.person_id != current_user.person_id):
        abort(404)
    form = EmptyForm()
    flag_unexpected_fields(current_user, form)
    if form.validate_on_submit():
        try:
            services.withdraw_consent(actor(), consent)
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("Your consent was withdrawn."), "success")
    return redirect(url_for("main.home", _anchor="consents"))


def _label(kind: str, value) -> str:
    """The label of an exported enum value (the value itself when unknown)."""
    if value in (None, ""):
        return "—"
    try:
        return EXPORT_ENUMS[kind](value).label
    except (KeyError, ValueError):
        return str(value)


def _when(value: str | None, with_time: bool = False) -> str:
    """An exported ISO date or time, shown in the user's language."""
    if not value:
        return "—"
    if with_time:
        return format_datetime(datetime.fromisoformat(value), "short")
    return format_date(date.fromisoformat(value[:10]), "medium")


@bp.get("/portal/my-data")
@require("portal.use")
def show_my_data():
    data = export.personal_data(_own_person())
    return render_template("privacy/show_my_data.html", data=data, label=_label, when=_when,
                           phone=phones.display)


@bp.get("/portal/my-data.json")
@require("portal.use")
def export_my_data():
    person = _own_person()
    body = export.to_json(export.personal_data(person))
    filename = f"my-data-{date.today().isoformat()}.json"
    return Response(body.encode("utf-8"), content_type="application/json; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/portal/my-data.csv")
@require("portal.use")
def export_my_data_csv():
    rows = export.to_rows(export.personal_data(_own_person()))
    return csv_response(f"my-data-{date.today().isoformat()}.csv", export.CSV_HEADER, rows)


@bp.route("/people/<int:person_id>/anonymize", methods=["GET", "POST"])
@require("person.anonymize")
def anonymize_person(person_id: int):
    person = _person(person_id)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            anonymize(actor(), person)
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("The person was anonymized: their identifiers were removed everywhere."),
                  "success")
            return redirect(url_for("people.show_person", person_id=person.id))
    return render_template("privacy/anonymize_person.html", person=person, form=form)


@bp.get("/admin/privacy")
@require("privacy.register")
def show_register():
    return render_template("privacy/show_register.html", activities=register.activities(),
                           counts=services.register_counts(), purposes=list(ConsentPurpose))

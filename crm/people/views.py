"""Screens of the people domain: list, export, record page, create, edit, archive, merge
and the organizations a person belongs to."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.audit import history as audit_history
from crm.auth.permissions import ensure, require
from crm.bulk.views import form_under_list
from crm.common.forms import EmptyForm
from crm.common.ids import parse_id
from crm.common.listing import ListParams, paginate
from crm.common.reference import Region
from crm.common.spreadsheet import export_response
from crm.common.web import actor, found_or_404, report_service_error, submit
from crm.documents import services as document_services
from crm.errors import ServiceError
from crm.followups import services as followup_services
from crm.forums import services as forum_services
from crm.interactions import services as interaction_services
from crm.invitations import services as invitation_services
from crm.organizations import services as organization_services
from crm.organizations.models import MembershipRole
from crm.people import services
from crm.people.forms import (
    FIELD_NAMES,
    EditPersonForm,
    MembershipForm,
    MergePersonForm,
    PersonForm,
    form_values,
    person_data,
)
from crm.people.models import Gender, Person
from crm.privacy import services as privacy_services
from crm.privacy.models import ConsentPurpose
from crm.tags import services as tag_services

bp = Blueprint("people", __name__)



def _get_person(person_id: int) -> Person:
    return found_or_404(services.get_person(person_id))


def _editable_person(person_id: int) -> Person:
    """The person, when the current user may change them (404 otherwise)."""
    person = _get_person(person_id)
    ensure(current_user, "person.edit", person)
    return person



def _similar_to(data: dict, exclude_id: int | None = None) -> list:
    return services.find_similar_people(data["first_name"], data["last_name"],
                                        data["name_arabic"], data["email"] or "",
                                        data["phone"] or "", exclude_id=exclude_id)


@bp.get("/people")
@require("person.view")
def list_people():
    params = ListParams.from_args(request.args, services.FILTERS, "name")
    page = paginate(services.list_people(params), params.page)
    organization_id = params.filters.get("organization", "")
    organization = (organization_services.get_organization(parse_id(organization_id))
                    if parse_id(organization_id) else None)
    return render_template(
        "people/list_people.html",
        page=page,
        params=params,
        bulk_form=form_under_list("people"),
        organization=organization,
        regions=Region.choices(),
        genders=Gender.choices(),
        tags=[(tag.id, tag.label) for tag in tag_services.list_tags()],
        consents=ConsentPurpose.choices(),
        forums=forum_services.edition_choices(),
        idle=interaction_services.IDLE_CHOICES,
    )


@bp.get("/people/export")
@require("person.export")
def export_people():
    params = ListParams.from_args(request.args, services.FILTERS, "name")
    rows = services.person_rows(services.list_people(params, with_organizations=False))
    return export_response("people", _("People"), list(map(str, services.EXPORT_HEADER)), rows)


@bp.route("/people/new", methods=["GET", "POST"])
@require("person.create")
def create_person():
    form = PersonForm()
    matches = []
    if form.validate_on_submit():
        data = person_data(form)
        if form.confirm_new.data != "1":
            matches = _similar_to(data)
        if matches:
            form.confirm_new.data = "1"
        else:
            try:
                person = services.create_person(actor(), **data)
            except ServiceError as error:
                report_service_error(form, error)
            else:
                flash(_("%(name)s was added.", name=person.display_name), "success")
                return redirect(url_for("people.show_person", person_id=person.id))
    return render_template("people/create_person.html", form=form, matches=matches)


@bp.get("/people/<int:person_id>")
@require("person.view")
def show_person(person_id: int):
    person = _get_person(person_id)
    org_q = request.args.get("org_q", "").strip()[:200]
    merged_into = services.get_person(person.merged_into_id) if person.merged_into_id else None
    return render_template(
        "people/show_person.html",
        person=person,
        merged_into=merged_into,
        memberships=sorted(person.memberships,
                           key=lambda m: (m.organization.display_name.casefold(), m.id)),
        interactions=interaction_services.interactions_of(person_id=person.id),
        interaction_target={"person_id": person.id},
        followups=followup_services.followups_of(person_id=person.id),
        followup_target={"person_id": person.id},
        invitations=invitation_services.invitations_of(person.id),
        portal_account=invitation_services.account_of(person.id),
        history=audit_history.history(services.ENTITY, person.id),
        documents=document_services.documents_of(person),
        document_owner=person, document_owner_type="person",
        consents=privacy_services.consents_of(person.id),
        org_q=org_q,
        organization_choices=(organization_services.search_organizations(org_q)
                              if org_q else []),
        membership_form=MembershipForm(),
        roles=MembershipRole.choices(),
    )


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@require("person.edit")
def edit_person(person_id: int):
    person = _editable_person(person_id)
    if request.method == "GET":
        form = EditPersonForm(data=form_values(person))
    else:
        form = EditPersonForm()
    done = submit(form, FIELD_NAMES, lambda: services.update_person(
        actor(), person, expected_version=form.version.data, **person_data(form)))
    if done.saved:
        flash(_("%(name)s was saved.", name=person.display_name), "success")
        return redirect(url_for("people.show_person", person_id=person.id))
    return render_template("people/edit_person.html", form=form, person=person,
                           conflict=done.conflict)


@bp.post("/people/<int:person_id>/archive")
@require("person.edit")
def archive_person(person_id: int):
    person = _editable_person(person_id)
    if EmptyForm().validate_on_submit():
        services.archive_person(actor(), person)
        flash(_("%(name)s was archived.", name=person.display_name), "success")
    return redirect(url_for("people.show_person", person_id=person.id))


@bp.post("/people/<int:person_id>/restore")
@require("person.edit")
def restore_person(person_id: int):
    person = _editable_person(person_id)
    if EmptyForm().validate_on_submit():
        services.restore_person(actor(), person)
        flash(_("%(name)s was restored.", name=person.display_name), "success")
    return redirect(url_for("people.show_person", person_id=person.id))


def _merge_choices(survivor, duplicate) -> tuple[set[str], dict]:
    """What the officer chose on the comparison: the duplicate's value for which fields, and
    which role in each organization both belong to (the kept record's when not said)."""
    take = {name for name in services.merge_differences(survivor, duplicate)
            if request.form.get(f"keep_{name}") == "duplicate"}
    roles = {}
    for organization, _kept, _other in services.role_differences(survivor, duplicate):
        try:
            roles[organization.id] = MembershipRole(request.form.get(f"role_{organization.id}"))
        except ValueError:
            continue
    return take, roles


@bp.route("/people/<int:person_id>/merge", methods=["GET", "POST"])
@require("person.edit")
def merge_person(person_id: int):
    survivor = _editable_person(person_id)
    form = MergePersonForm()
    if form.validate_on_submit():
        duplicate = _editable_person(form.duplicate_id.data)
        take, roles = _merge_choices(survivor, duplicate)
        try:
            services.merge_people(actor(), survivor, duplicate, take=take, roles=roles)
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("%(duplicate)s was merged into this record.",
                    duplicate=duplicate.display_name), "success")
            return redirect(url_for("people.show_person", person_id=survivor.id))
    q = request.args.get("q", "").strip()[:200]
    duplicate = None
    duplicate_id = request.args.get("duplicate", type=parse_id)
    if duplicate_id and duplicate_id != survivor.id:
        duplicate = _editable_person(duplicate_id)
        form.duplicate_id.data = duplicate.id
    if q:
        candidates = [(person, []) for person in services.search_people(q, limit=20)
                      if person.id != survivor.id]
    else:
        candidates = [(match.record, match.reasons) for match in _similar_to(
            {"first_name": survivor.first_name, "last_name": survivor.last_name,
             "name_arabic": survivor.name_arabic, "email": survivor.email,
             "phone": survivor.phone}, exclude_id=survivor.id)]
    differences = services.merge_differences(survivor, duplicate) if duplicate else []
    roles = services.role_differences(survivor, duplicate) if duplicate else []
    return render_template("people/merge_person.html", survivor=survivor, duplicate=duplicate,
                           candidates=candidates, q=q, form=form, differences=differences,
                           role_choices=roles)


@bp.post("/people/<int:person_id>/memberships")
@require("organization.edit")
def add_membership(person_id: int):
    person = _get_person(person_id)
    form = MembershipForm()
    if form.validate_on_submit():
        organization = found_or_404(
            organization_services.get_organization(form.organization_id.data))
        ensure(current_user, "organization.edit", organization)
        try:
            organization_services.add_member(actor(), organization, person,
                                             MembershipRole(form.role.data))
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("%(person)s was added to %(organization)s.", person=person.display_name,
                    organization=organization.display_name), "success")
    else:
        for errors in form.errors.values():
            flash(str(errors[0]), "danger")
    return redirect(url_for("people.show_person", person_id=person.id))

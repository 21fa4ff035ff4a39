"""Screens of the organizations domain: list, export, record page, create, edit, archive,
merge and members."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.audit import history as audit_history
from crm.auth.permissions import ensure, require
from crm.bulk.views import form_under_list
from crm.common.forms import EmptyForm
from crm.common.ids import parse_id
from crm.common.listing import ListParams, paginate
from crm.common.reference import Region, Theme, sdg_labels
from crm.common.spreadsheet import export_response
from crm.common.urls import safe_redirect_target
from crm.common.web import actor, found_or_404, report_service_error, submit
from crm.documents import services as document_services
from crm.errors import ServiceError
from crm.followups import services as followup_services
from crm.funding import services as funding_services
from crm.impact import services as impact_services
from crm.interactions import services as interaction_services
from crm.organizations import services
from crm.organizations.forms import (
    FIELD_NAMES,
    EditOrganizationForm,
    MemberForm,
    MergeOrganizationForm,
    OrganizationForm,
    form_values,
    organization_data,
)
from crm.organizations.models import MembershipRole, Organization, OrganizationKind
from crm.people import services as people_services
from crm.pipeline import services as pipeline
from crm.projects import services as project_services
from crm.tags import services as tag_services

bp = Blueprint("organizations", __name__)



def _get_organization(organization_id: int) -> Organization:
    return found_or_404(services.get_organization(organization_id))


def _editable_organization(organization_id: int) -> Organization:
    """The organization, when the current user may change it (404 otherwise)."""
    organization = _get_organization(organization_id)
    ensure(current_user, "organization.edit", organization)
    return organization



def _back_to(organization: Organization) -> str:
    default = url_for("organizations.show_organization", organization_id=organization.id)
    return safe_redirect_target(request.form.get("next"), default)


@bp.get("/organizations")
@require("organization.view")
def list_organizations():
    params = ListParams.from_args(request.args, services.FILTERS, "name")
    page = paginate(services.list_organizations(params), params.page)
    return render_template(
        "organizations/list_organizations.html",
        page=page,
        params=params,
        bulk_form=form_under_list("organizations"),
        kinds=OrganizationKind.choices(),
        regions=Region.choices(),
        themes=Theme.choices(),
        tags=[(tag.id, tag.label) for tag in tag_services.list_tags()],
        stages=[(stage.code, stage.name) for stage in pipeline.list_stages()],
        idle=interaction_services.IDLE_CHOICES,
    )


@bp.get("/organizations/export")
@require("organization.export")
def export_organizations():
    params = ListParams.from_args(request.args, services.FILTERS, "name")
    rows = services.organization_rows(services.list_organizations(params))
    return export_response("organizations", _("Organizations"),
                           list(map(str, services.EXPORT_HEADER)), rows)


@bp.route("/organizations/new", methods=["GET", "POST"])
@require("organization.create")
def create_organization():
    form = OrganizationForm()
    matches = []
    if form.validate_on_submit():
        data = organization_data(form)
        if form.confirm_new.data != "1":
            matches = services.find_similar_organizations(
                data["name"], data["name_arabic"], data["legal_identifier"])
        if matches:
            form.confirm_new.data = "1"
        else:
            try:
                organization = services.create_organization(actor(), **data)
            except ServiceError as error:
                report_service_error(form, error)
            else:
                flash(_("The organization %(name)s was created.",
                        name=organization.display_name), "success")
                return redirect(url_for("organizations.show_organization",
                                        organization_id=organization.id))
    return render_template("organizations/create_organization.html", form=form, matches=matches)


# Follow-ups shown on an organization's page (its projects' and members' too) before "show
# them all": each carries its own buttons, and a hundred of them cost the page 25 ms.
FOLLOWUPS_SHOWN = 15
# People shown on an organization's page before "show all": a cooperative may count hundreds
# (the people list, filtered on the organization, pages through them).
MEMBERS_SHOWN = 25


def _first_shown(items: list, shown: int, every: bool, what: str,
                 organization_id: int) -> tuple[list, str | None]:
    """(the items the organization's page shows, the link that shows them all or None): every
    item when the page asked for all (`?<what>=all`) or there are no more than `shown`."""
    if every or len(items) <= shown:
        return items, None
    return items[:shown], url_for("organizations.show_organization",
                                  organization_id=organization_id, **{what: "all"},
                                  _anchor=f"{what}-title")


@bp.get("/organizations/<int:organization_id>")
@require("organization.view")
def show_organization(organization_id: int):
    organization = _get_organization(organization_id)
    person_q = request.args.get("person_q", "").strip()[:200]
    merged_into = (services.get_organization(organization.merged_into_id)
                   if organization.merged_into_id else None)
    labels = sdg_labels()
    projects = project_services.projects_of_organization(organization.id)
    members = sorted(organization.memberships,
                     key=lambda m: (m.person.last_name.casefold(), m.person.id))
    shown_members, more_members_url = _first_shown(
        members, MEMBERS_SHOWN, request.args.get("members") == "all", "members",
        organization.id)
    every_followup = request.args.get("followups") == "all"
    followups, more_followups_url = _first_shown(
        followup_services.followups_of(organization_id=organization.id, rolled_up=True,
                                       limit=None if every_followup else FOLLOWUPS_SHOWN + 1),
        FOLLOWUPS_SHOWN, every_followup, "followups", organization.id)
    return render_template(
        "organizations/show_organization.html",
        organization=organization,
        merged_into=merged_into,
        members=shown_members,
        members_count=len(members),
        more_members_url=more_members_url,
        projects=projects,
        funding=funding_services.funding_panel(organization_id=organization.id),
        impact=impact_services.impact_panel([p.id for p in projects],
                                            organization_id=organization.id),
        interactions=interaction_services.interactions_of(organization_id=organization.id,
                                                          rolled_up=True),
        interaction_target={"organization_id": organization.id},
        followups=followups,
        more_followups_url=more_followups_url,
        rolled_up_of=organization.id,
        followup_target={"organization_id": organization.id},
        history=audit_history.history(services.ENTITY, organization.id),
        documents=document_services.documents_of(organization),
        document_owner=organization, document_owner_type="organization",
        themes=[theme for theme in Theme if theme in organization.themes],
        sdgs=[(number, labels[number]) for number in sorted(organization.sdgs)],
        person_q=person_q,
        person_choices=people_services.search_people(person_q) if person_q else [],
        member_form=MemberForm(),
        roles=MembershipRole.choices(),
    )


@bp.route("/organizations/<int:organization_id>/edit", methods=["GET", "POST"])
@require("organization.edit")
def edit_organization(organization_id: int):
    organization = _editable_organization(organization_id)
    if request.method == "GET":
        form = EditOrganizationForm(data=form_values(organization))
    else:
        form = EditOrganizationForm()
    done = submit(form, FIELD_NAMES, lambda: services.update_organization(
        actor(), organization, expected_version=form.version.data, **organization_data(form)))
    if done.saved:
        flash(_("The organization %(name)s was saved.", name=organization.display_name),
              "success")
        return redirect(url_for("organizations.show_organization",
                                organization_id=organization.id))
    return render_template("organizations/edit_organization.html", form=form,
                           organization=organization, conflict=done.conflict)


@bp.post("/organizations/<int:organization_id>/archive")
@require("organization.edit")
def archive_organization(organization_id: int):
    organization = _editable_organization(organization_id)
    if EmptyForm().validate_on_submit():
        services.archive_organization(actor(), organization)
        flash(_("The organization %(name)s was archived.", name=organization.display_name),
              "success")
    return redirect(url_for("organizations.show_organization", organization_id=organization.id))


@bp.post("/organizations/<int:organization_id>/restore")
@require("organization.edit")
def restore_organization(organization_id: int):
    organization = _editable_organization(organization_id)
    if EmptyForm().validate_on_submit():
        services.restore_organization(actor(), organization)
        flash(_("The organization %(name)s was restored.", name=organization.display_name),
              "success")
    return redirect(url_for("organizations.show_organization", organization_id=organization.id))


@bp.route("/organizations/<int:organization_id>/merge", methods=["GET", "POST"])
@require("organization.edit")
def merge_organization(organization_id: int):
    survivor = _editable_organization(organization_id)
    form = MergeOrganizationForm()
    if form.validate_on_submit():
        duplicate = _editable_organization(form.duplicate_id.data)
        try:
            services.merge_organizations(actor(), survivor, duplicate)
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("%(duplicate)s was merged into this record.",
                    duplicate=duplicate.display_name), "success")
            return redirect(url_for("organizations.show_organization",
                                    organization_id=survivor.id))
    q = request.args.get("q", "").strip()[:200]
    duplicate = None
    duplicate_id = request.args.get("duplicate", type=parse_id)
    if duplicate_id and duplicate_id != survivor.id:
        duplicate = _editable_organization(duplicate_id)
        form.duplicate_id.data = duplicate.id
    if q:
        candidates = [(org, []) for org in services.search_organizations(q, limit=20)
                      if org.id != survivor.id]
    else:
        candidates = [(match.record, match.reasons) for match in
                      services.find_similar_organizations(
                          survivor.name, survivor.name_arabic, survivor.legal_identifier,
                          exclude_id=survivor.id)]
    return render_template("organizations/merge_organization.html", survivor=survivor,
                           duplicate=duplicate, candidates=candidates, q=q, form=form)


@bp.post("/organizations/<int:organization_id>/members")
@require("organization.edit")
def add_member(organization_id: int):
    organization = _editable_organization(organization_id)
    form = MemberForm()
    if form.validate_on_submit():
        person = found_or_404(people_services.get_person(form.person_id.data))
        try:
            services.add_member(actor(), organization, person, MembershipRole(form.role.data))
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("%(person)s was added to the members.", person=person.display_name),
                  "success")
    else:
        for errors in form.errors.values():
            flash(str(errors[0]), "danger")
    return redirect(_back_to(organization))


@bp.post("/organizations/<int:organization_id>/members/<int:membership_id>/remove")
@require("organization.edit")
def remove_member(organization_id: int, membership_id: int):
    organization = _editable_organization(organization_id)
    membership = found_or_404(next((m for m in organization.memberships
                                    if m.id == membership_id), None))
    if EmptyForm().validate_on_submit():
        name = membership.person.display_name
        services.remove_member(actor(), membership)
        flash(_("%(person)s is no longer a member.", person=name), "success")
    return redirect(_back_to(organization))

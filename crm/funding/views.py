"""Screens of the funding domain: funders, the funding opportunities of projects and their
crowdfunding campaigns."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.audit import history as audit_history
from crm.auth.permissions import can, ensure, require
from crm.common.forms import EmptyForm
from crm.common.ids import parse_id
from crm.common.listing import ListParams, paginate
from crm.common.spreadsheet import export_response
from crm.common.web import Submission, actor, found_or_404, report_service_error, submit
from crm.errors import ServiceError
from crm.funding import services
from crm.funding.forms import (
    FUNDER_FIELD_NAMES,
    OPPORTUNITY_FIELD_NAMES,
    CampaignForm,
    CampaignUpdateForm,
    EditFunderForm,
    EditOpportunityForm,
    FunderContactForm,
    FunderForm,
    OpportunityForm,
    funder_data,
    funder_values,
    opportunity_data,
    opportunity_values,
)
from crm.funding.models import CrowdfundingCampaign, Funder, FunderKind, FundingOpportunity
from crm.organizations import services as organization_services
from crm.people import services as people_services
from crm.projects import services as project_services

bp = Blueprint("funding", __name__)


def _funder_or_404(funder_id: int) -> Funder:
    return found_or_404(services.get_funder(funder_id))


def _opportunity_or_404(opportunity_id: int) -> FundingOpportunity:
    return found_or_404(services.get_opportunity(opportunity_id))


def _editable_opportunity(opportunity_id: int) -> FundingOpportunity:
    """The opportunity, when the current user may change it (404 otherwise)."""
    opportunity = _opportunity_or_404(opportunity_id)
    ensure(current_user, "funding.edit", opportunity)
    return opportunity


def _campaign_or_404(campaign_id: int) -> CrowdfundingCampaign:
    return found_or_404(services.get_campaign(campaign_id))


# -- funders -------------------------------------------------------------------------------

def _list_params() -> ListParams:
    return ListParams.from_args(request.args, services.FUNDER_FILTERS, "name")


@bp.get("/funders")
@require("funder.view")
def list_funders():
    params = _list_params()
    page = paginate(services.list_funders(params), params.page)
    return render_template("funding/list_funders.html", page=page, params=params,
                           kinds=FunderKind.choices())


@bp.get("/funders/export")
@require("funder.view")
def export_funders():
    header = [_("ID"), _("Name"), _("Name in Arabic"), _("Kind"), _("Organization"),
              _("Website"), _("Contact people"), _("Archived on")]
    return export_response("funders", _("Funders"), header,
                           services.funder_rows(services.list_funders(_list_params())))


def _offer_organizations(form: FunderForm, funder: Funder | None = None) -> None:
    """The organizations the funder may be linked to: none, the one linked, the one chosen,
    and those found by the search typed in the form."""
    offered = [funder.organization] if funder is not None and funder.organization else []
    chosen = form.organization_id.data
    if parse_id(chosen) and parse_id(chosen) not in {o.id for o in offered}:
        organization = organization_services.get_organization(parse_id(chosen))
        if organization is not None and not organization.is_archived:
            offered.append(organization)
    if form.organization_q.data:
        known = {o.id for o in offered}
        offered += [o for o in organization_services.search_organizations(
            form.organization_q.data) if o.id not in known]
    form.organization_id.choices = [("", _("None"))] + [
        (str(o.id), o.display_name) for o in offered]


def _searching_organizations() -> bool:
    """The form was sent by its "search organizations" button: show results, save nothing."""
    return request.method == "POST" and "find_organization" in request.form


@bp.route("/funders/new", methods=["GET", "POST"])
@require("funder.manage")
def create_funder():
    form = FunderForm()
    _offer_organizations(form)
    if not _searching_organizations() and form.validate_on_submit():
        try:
            funder = services.create_funder(actor(), **funder_data(form))
        except ServiceError as error:
            report_service_error(form, error)
        else:
            flash(_("The funder %(name)s was created.", name=funder.display_name), "success")
            return redirect(url_for("funding.show_funder", funder_id=funder.id))
    return render_template("funding/create_funder.html", form=form)


@bp.get("/funders/<int:funder_id>")
@require("funder.view")
def show_funder(funder_id: int):
    funder = _funder_or_404(funder_id)
    person_q = request.args.get("person_q", "").strip()[:200]
    contact_ids = {p.id for p in funder.contacts}
    found = people_services.search_people(person_q) if person_q else []
    return render_template(
        "funding/show_funder.html",
        funder=funder,
        funding=services.funding_panel(funder_id=funder.id),
        person_q=person_q,
        person_choices=[p for p in found if p.id not in contact_ids],
        contact_form=FunderContactForm(),
        history=audit_history.history("funder", funder.id),
    )


@bp.route("/funders/<int:funder_id>/edit", methods=["GET", "POST"])
@require("funder.manage")
def edit_funder(funder_id: int):
    funder = _funder_or_404(funder_id)
    if request.method == "GET":
        form = EditFunderForm(data=funder_values(funder))
    else:
        form = EditFunderForm()
    _offer_organizations(form, funder)
    done = Submission() if _searching_organizations() else submit(
        form, FUNDER_FIELD_NAMES, lambda: services.update_funder(
            actor(), funder, expected_version=form.version.data or None, **funder_data(form)))
    if done.saved:
        flash(_("The funder %(name)s was saved.", name=funder.display_name), "success")
        return redirect(url_for("funding.show_funder", funder_id=funder.id))
    return render_template("funding/edit_funder.html", form=form, funder=funder,
                           conflict=done.conflict)


@bp.post("/funders/<int:funder_id>/archive")
@require("funder.manage")
def archive_funder(funder_id: int):
    funder = _funder_or_404(funder_id)
    if EmptyForm().validate_on_submit():
        services.archive_funder(actor(), funder)
        flash(_("The funder %(name)s was archived.", name=funder.display_name), "success")
    return redirect(url_for("funding.show_funder", funder_id=funder.id))


@bp.post("/funders/<int:funder_id>/restore")
@require("funder.manage")
def restore_funder(funder_id: int):
    funder = _funder_or_404(funder_id)
    if EmptyForm().validate_on_submit():
        services.restore_funder(actor(), funder)
        flash(_("The funder %(name)s was restored.", name=funder.display_name), "success")
    return redirect(url_for("funding.show_funder", funder_id=funder.id))


@bp.post("/funders/<int:funder_id>/contacts")
@require("funder.manage")
def add_funder_contact(funder_id: int):
    funder = _funder_or_404(funder_id)
    form = FunderContactForm()
    if form.validate_on_submit():
        person = found_or_404(people_services.get_person(form.person_id.data))
        try:
            services.add_funder_contact(actor(), funder, person)
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("%(person)s was added to the contact people.", person=person.display_name),
                  "success")
    else:
        for errors in form.errors.values():
            flash(str(errors[0]), "danger")
    return redirect(url_for("funding.show_funder", funder_id=funder.id))


@bp.post("/funders/<int:funder_id>/contacts/<int:person_id>/remove")
@require("funder.manage")
def remove_funder_contact(funder_id: int, person_id: int):
    funder = _funder_or_404(funder_id)
    person = found_or_404(next((p for p in funder.contacts if p.id == person_id), None))
    if EmptyForm().validate_on_submit():
        services.remove_funder_contact(actor(), funder, person)
        flash(_("%(person)s is no longer a contact of this funder.",
                person=person.display_name), "success")
    return redirect(url_for("funding.show_funder", funder_id=funder.id))


# -- opportunities -------------------------------------------------------------------------

def _offer_choices(form: OpportunityForm, opportunity: FundingOpportunity | None = None) -> None:
    """The funders (active ones, and the opportunity's own) and officers to choose from."""
    funders = services.funder_choices()
    if opportunity is not None and opportunity.funder_id not in {i for i, _n in funders}:
        funders.append((opportunity.funder_id, opportunity.funder.display_name))
    form.funder_id.choices = [("", _("Choose a funder"))] + [
        (str(funder_id), name) for funder_id, name in funders]
    officers = project_services.list_officers()
    if opportunity is not None and opportunity.officer and opportunity.officer not in officers:
        officers.append(opportunity.officer)
    form.officer_id.choices = [("", _("Nobody"))] + [
        (str(o.id), o.display_name) for o in officers]


@bp.route("/projects/<int:project_id>/funding/new", methods=["GET", "POST"])
@require("funding.edit")
def create_opportunity(project_id: int):
    project = project_services.get_project(project_id)
    if project is None or project.is_archived:
        abort(404)
    ensure(current_user, "funding.edit", project)
    form = OpportunityForm(officer_id=str(project.officer_id or ""))
    _offer_choices(form)
    if form.validate_on_submit():
        try:
            opportunity = services.create_opportunity(actor(), project, **opportunity_data(form))
        except ServiceError as error:
            report_service_error(form, error)
        else:
            flash(_("The funding opportunity with %(funder)s was added.",
                    funder=opportunity.funder.display_name), "success")
            return redirect(url_for("funding.show_opportunity", opportunity_id=opportunity.id))
    return render_template("funding/create_opportunity.html", form=form, project=project)


@bp.get("/funding/<int:opportunity_id>")
@require("funding.view")
def show_opportunity(opportunity_id: int):
    opportunity = _opportunity_or_404(opportunity_id)
    campaign = opportunity.campaign
    return render_template(
        "funding/show_opportunity.html",
        opportunity=opportunity,
        progress=services.campaign_progress(campaign) if campaign else None,
        history=audit_history.history("funding_opportunity", opportunity.id),
    )


@bp.route("/funding/<int:opportunity_id>/edit", methods=["GET", "POST"])
@require("funding.edit")
def edit_opportunity(opportunity_id: int):
    opportunity = _editable_opportunity(opportunity_id)
    if request.method == "GET":
        form = EditOpportunityForm(data=opportunity_values(opportunity))
    else:
        form = EditOpportunityForm()
    _offer_choices(form, opportunity)
    done = submit(form, OPPORTUNITY_FIELD_NAMES, lambda: services.update_opportunity(
        actor(), opportunity, expected_version=form.version.data or None,
        **opportunity_data(form)))
    if done.saved:
        flash(_("The funding opportunity was saved."), "success")
        return redirect(url_for("funding.show_opportunity", opportunity_id=opportunity.id))
    return render_template("funding/edit_opportunity.html", form=form, opportunity=opportunity,
                           conflict=done.conflict)


# -- crowdfunding --------------------------------------------------------------------------

@bp.route("/funding/<int:opportunity_id>/campaign/new", methods=["GET", "POST"])
@require("funding.edit")
def create_campaign(opportunity_id: int):
    opportunity = _editable_opportunity(opportunity_id)
    if not opportunity.instrument.is_crowdfunding:
        abort(404)
    if opportunity.campaign is not None:
        return redirect(url_for("funding.show_campaign", campaign_id=opportunity.campaign.id))
    form = CampaignForm()
    if form.validate_on_submit():
        try:
            campaign = services.create_campaign(actor(), opportunity, form.goal.data,
                                                form.starts_on.data, form.ends_on.data,
                                                form.url.data or "")
        except ServiceError as error:
            report_service_error(form, error)
        else:
            flash(_("The crowdfunding campaign was opened."), "success")
            return redirect(url_for("funding.show_campaign", campaign_id=campaign.id))
    return render_template("funding/create_campaign.html", form=form, opportunity=opportunity)


def _render_campaign(campaign: CrowdfundingCampaign, form: CampaignUpdateForm | None = None):
    """The campaign page; the update form is given back when it carries errors."""
    if form is None and can(current_user, "funding.edit", campaign.opportunity):
        form = CampaignUpdateForm(formdata=None)
    return render_template(
        "funding/show_campaign.html",
        campaign=campaign,
        opportunity=campaign.opportunity,
        progress=services.campaign_progress(campaign),
        form=form,
        history=audit_history.history("campaign", campaign.id),
    )


@bp.get("/funding/campaigns/<int:campaign_id>")
@require("funding.view")
def show_campaign(campaign_id: int):
    return _render_campaign(_campaign_or_404(campaign_id))


@bp.post("/funding/campaigns/<int:campaign_id>/updates")
@require("funding.edit")
def add_campaign_update(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    ensure(current_user, "funding.edit", campaign.opportunity)
    form = CampaignUpdateForm()
    if form.validate_on_submit():
        try:
            services.record_campaign_update(actor(), campaign, form.on.data, form.raised.data,
                                            form.backers.data or 0)
        except ServiceError as error:
            report_service_error(form, error)
        else:
            flash(_("The campaign's figures were updated."), "success")
            return redirect(url_for("funding.show_campaign", campaign_id=campaign.id))
    return _render_campaign(campaign, form)

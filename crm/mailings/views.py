"""Mailings: writing one to a people list or segment, checking who it reaches and who it
leaves out, sending it, following its delivery; and the public unsubscribe link."""

from urllib.parse import parse_qsl

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from crm.auth.permissions import public, require
from crm.common.csv_export import csv_response
from crm.common.forms import EmptyForm
from crm.common.ids import parse_id
from crm.common.listing import list_args, paginate, read_page
from crm.common.web import actor, found_or_404, private_link_headers, report_service_error
from crm.errors import ServiceError
from crm.extensions import csrf, db
from crm.mailings import services
from crm.mailings.audience import REASONS, audience
from crm.mailings.forms import MailingForm, mailing_data
from crm.mailings.models import DeliveryStatus, Mailing, MailingStatus, Recipient
from crm.people.models import Person
from crm.segments import services as segments

bp = Blueprint("mailings", __name__, url_prefix="/mailings")
unsubscribe_bp = Blueprint("unsubscribe", __name__, url_prefix="/unsubscribe")
FAILURES_SHOWN = 100


@bp.get("")
@require("mailing.view")
def list_mailings():
    query = (db.select(Mailing).options(db.joinedload(Mailing.created_by))
             .order_by(Mailing.created_at.desc(), Mailing.id.desc()))
    return render_template("mailings/list_mailings.html",
                           pagination=paginate(query, read_page(request.args)))


def _recipients_from_request() -> tuple[str, int | None]:
    """The people list a new mailing goes to: a segment of people, or the list's filters."""
    segment_id = parse_id(request.args.get("segment", ""))
    if segment_id:
        segment = found_or_404(segments.get_visible(current_user, segment_id))
        if segment.entity != "people":
            abort(404)
        return segment.query, segment.id
    return segments.clean_query("people", request.args), None


@bp.route("/new", methods=["GET", "POST"])
@require("mailing.send")
def new_mailing():
    form = MailingForm()
    if request.method == "GET":
        form.query.data, form.segment_id.data = _recipients_from_request()
    if form.validate_on_submit():
        query = segments.clean_query("people", MultiDict(parse_qsl(form.query.data or "")))
        segment = segments.get_visible(current_user, parse_id(form.segment_id.data or "") or 0)
        try:
            mailing = services.create_draft(actor(), query, segment.id if segment else None,
                                            **mailing_data(form))
        except ServiceError as error:
            report_service_error(form, error)
        else:
            return redirect(url_for("mailings.show_mailing", mailing_id=mailing.id))
    return render_template("mailings/edit_mailing.html", form=form, mailing=None,
                           list_size=segments.count_list("people", form.query.data or ""))


def _mailing_or_404(mailing_id: int) -> Mailing:
    return found_or_404(db.session.get(Mailing, mailing_id))


@bp.route("/<int:mailing_id>/edit", methods=["GET", "POST"])
@require("mailing.send")
def edit_mailing(mailing_id: int):
    mailing = _mailing_or_404(mailing_id)
    if mailing.status != MailingStatus.DRAFT:
        return redirect(url_for("mailings.show_mailing", mailing_id=mailing.id))
    form = MailingForm(obj=mailing)
    if request.method == "GET":
        form.purpose.data = mailing.purpose.value
    if form.validate_on_submit():
        try:
            services.update_draft(actor(), mailing, **mailing_data(form))
        except ServiceError as error:
            report_service_error(form, error)
        else:
            return redirect(url_for("mailings.show_mailing", mailing_id=mailing.id))
    return render_template("mailings/edit_mailing.html", form=form, mailing=mailing,
                           list_size=segments.count_list("people", mailing.query))


def _failures(mailing: Mailing) -> list[Recipient]:
    return list(db.session.scalars(
        db.select(Recipient).where(Recipient.mailing_id == mailing.id, Recipient.status.in_(
            (DeliveryStatus.FAILED, DeliveryStatus.BOUNCED)))
        .options(db.joinedload(Recipient.person)).order_by(Recipient.id).limit(FAILURES_SHOWN)))


@bp.get("/<int:mailing_id>")
@require("mailing.view")
def show_mailing(mailing_id: int):
    mailing = _mailing_or_404(mailing_id)
    draft = mailing.status == MailingStatus.DRAFT
    found = audience(mailing.purpose, mailing.query) if draft else None
    return render_template(
        "mailings/show_mailing.html", mailing=mailing, audience=found, reasons=REASONS,
        form=EmptyForm(),
        failures=[] if draft else _failures(mailing), list_url=_people_list_url(mailing))


def _people_list_url(mailing: Mailing) -> str:
    return url_for("people.list_people", **list_args(mailing.query))


def _act(mailing_id: int, action, done_message) -> object:
    """A button on the mailing's page: do it, say so, and come back to the page."""
    mailing = _mailing_or_404(mailing_id)
    if EmptyForm().validate_on_submit():
        try:
            result = action(actor(), mailing)
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(done_message(result), "success")
    return redirect(url_for("mailings.show_mailing", mailing_id=mailing_id))


@bp.post("/<int:mailing_id>/send")
@require("mailing.send")
def send_mailing(mailing_id: int):
    return _act(mailing_id, services.send, lambda count: ngettext(
        "The email is on its way to %(num)d person.", "The email is on its way to %(num)d people.",
        count))


@bp.post("/<int:mailing_id>/send-again")
@require("mailing.send")
def send_again(mailing_id: int):
    return _act(mailing_id, services.send_failed_again, lambda count: ngettext(
        "%(num)d email will be sent again.", "%(num)d emails will be sent again.", count))


@bp.post("/<int:mailing_id>/delete")
@require("mailing.send")
def delete_mailing(mailing_id: int):
    mailing = _mailing_or_404(mailing_id)
    if EmptyForm().validate_on_submit():
        try:
            services.delete_draft(actor(), mailing)
        except ServiceError as error:
            flash(str(error.message), "danger")
            return redirect(url_for("mailings.show_mailing", mailing_id=mailing_id))
        flash(_("The draft was deleted."), "success")
    return redirect(url_for("mailings.list_mailings"))


@bp.get("/<int:mailing_id>/recipients.csv")
@require("person.export")
def export_recipients(mailing_id: int):
    """Who the mailing reaches: for a draft, its list now less the exclusions; once sent,
    each recipient with what became of their email."""
    mailing = _mailing_or_404(mailing_id)
    header = [_("ID"), _("Name"), _("Email"), _("Language"), _("Status")]
    if mailing.status == MailingStatus.DRAFT:
        included = audience(mailing.purpose, mailing.query).included
        rows = [(i, e, services.language_for(mailing, lang)) for i, e, lang in included]
        names = _names([i for i, _e, _lang in rows])
        body = [(i, names[i], e, lang, "") for i, e, lang in rows]
    else:
        recipients = db.session.scalars(db.select(Recipient).where(
            Recipient.mailing_id == mailing.id).options(db.joinedload(Recipient.person))
            .order_by(Recipient.id))
        body = [(r.person_id, r.person.display_name, r.email, r.language,
                 r.status.label + (f" ({r.error})" if r.error else "")) for r in recipients]
    return csv_response(f"mailing-{mailing.id}.csv", header, body)


def _names(ids: list[int]) -> dict[int, str]:
    """The people's names, read a thousand at a time (a list may hold 100,000 people: more
    than the parameters one statement may carry on SQLite)."""
    names = {}
    for start in range(0, len(ids), 1000):
        people = db.session.scalars(db.select(Person).where(Person.id.in_(ids[start:start + 1000])))
        names |= {p.id: p.display_name for p in people}
    return names


@unsubscribe_bp.route("/<secret>", methods=["GET", "POST"])
@public
@csrf.exempt  # the secret in the link is the proof; mail clients post it (RFC 8058)
def confirm(secret: str):
    """Asked first (a GET must not unsubscribe: mail scanners open links), done on POST;
    in the language the email was written in."""
    recipient = services.recipient_for(secret)
    if recipient is None:
        abort(404)
    with force_locale(recipient.language):
        if request.method == "POST":
            services.unsubscribe(recipient)
            page = render_template("mailings/unsubscribed.html", recipient=recipient)
        else:
            page = render_template("mailings/unsubscribe.html", recipient=recipient)
    return private_link_headers(make_response(page))


"""The public side of calls: a call's page and form, filed without an account, and the private
link where the applicant sees and changes their application until the call closes."""

import logging
import smtplib

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, format_date, get_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from crm.auth.permissions import public
from crm.calls import services
from crm.calls.forms import answers_as_data, answers_of, application_form, uploads_of
from crm.calls.models import Application, Call
from crm.common.mail import build_message, send_messages
from crm.common.time import local_today
from crm.common.web import private_link_headers, report_service_error, submit
from crm.documents import services as documents_services
from crm.documents.views import attachment
from crm.errors import ServiceError
from crm.extensions import limiter
from crm.followups.links import absolute_url

log = logging.getLogger(__name__)

bp = Blueprint("apply", __name__, url_prefix="/apply")


def _filing_limit() -> str:
    return f"{current_app.config['APPLICATIONS_PER_HOUR']}/hour"


@bp.get("/privacy")
@public
def privacy_notice():
    return render_template("calls/privacy_notice.html",
                           version=current_app.config["PRIVACY_NOTICE_VERSION"])


def _is_robot(form) -> bool:
    """The hidden field is filled in: a robot. It is told nothing else."""
    return bool((form.website.data or "").strip())


@bp.route("/<slug>", methods=["GET", "POST"])
@limiter.limit(_filing_limit, key_func=get_remote_address, methods=["POST"])
@public
def apply(slug: str):
    call = services.published_call(slug[:80])
    if call is None:
        abort(404)
    form = application_form(call, with_consent=True)
    if request.method == "POST" and _is_robot(form):
        log.info("application refused on call %s: the hidden field was filled in", call.id)
        return render_template("calls/filed.html", call=call, application=None), 200
    if form.validate_on_submit():
        try:
            filed = services.submit_application(
                call, form.details(), answers_of(form, call), language=str(get_locale()),
                notice_version=current_app.config["PRIVACY_NOTICE_VERSION"],
                address=get_remote_address() or "", today=local_today(),
                uploads=uploads_of(form, call))
        except ServiceError as error:
            report_service_error(form, error)
        else:
            sent = _send_confirmation(filed.application, filed.token)
            link = url_for("apply.show_application", token=filed.token)
            return private_link_headers(redirect(link + ("?filed=1" if sent else "?filed=0")))
    status = 422 if request.method == "POST" else 200
    return render_template("calls/apply.html", call=call, form=form,
                           state=call.state(local_today())), status


def _confirmation(application: Application, link: str):
    call = application.call
    with force_locale(application.language):
        lines = [
            _("Hello %(name)s,", name=application.display_name), "",
            _("Your application to “%(call)s” was received.", call=call.title), "",
            _("You can read it and change it until %(date)s through this private link:",
              date=format_date(call.closes_on, "long")), link, "",
            _("Keep this email: anyone with the link can open your application."), "",
        ]
        subject = _("Your application to %(call)s", call=call.title)
    return build_message(application.display_name, application.email, subject,
                         "\n".join(lines), application.language)


def _send_confirmation(application: Application, token: str) -> bool:
    """Email the private link; the application is kept whatever the mail server says."""
    link = absolute_url("apply.show_application", token=token)
    try:
        return send_messages([_confirmation(application, link)]) == 1
    except (OSError, smtplib.SMTPException) as error:
        log.warning("confirmation of application %s not sent: %s", application.id, error)
        return False


def _application_or_404(token: str) -> Application:
    application = services.application_by_token(token)
    if application is None:
        abort(404)
    return application


@bp.route("/application/<token>", methods=["GET", "POST"])
@limiter.limit(_filing_limit, key_func=get_remote_address, methods=["POST"])
@public
def show_application(token: str):
    application = _application_or_404(token)
    call: Call = application.call
    state = call.state(local_today())
    documents = documents_services.documents_of(application)
    form = application_form(call, with_consent=False, obj=application,
                            answered_files={d.question_id for d in documents},
                            data=answers_as_data(application), version=application.version)
    if request.method == "POST" and _is_robot(form):
        abort(400)
    outcome = submit(form, [], lambda: services.update_application(
        application, form.version.data, form.details(), answers_of(form, call),
        today=local_today(), uploads=uploads_of(form, call)))
    if outcome.saved:
        flash(_("Your changes were saved."), "success")
        return private_link_headers(redirect(url_for("apply.show_application", token=token)))
    if outcome.conflict is not None:
        flash(_("Your application was changed elsewhere in the meantime. Check the form and "
                "save again."), "warning")
    response = current_app.make_response((render_template(
        "calls/my_application.html", call=call, application=application, form=form,
        state=state, filed=request.args.get("filed"), documents=documents, token=token),
        422 if form.errors else 200))
    return private_link_headers(response)


@bp.get("/application/<token>/documents/<int:document_id>")
@public
def download_document(token: str, document_id: int):
    """A file of the application, for the applicant who holds the link."""
    application = _application_or_404(token)
    document = documents_services.get_document(document_id)
    if document is None or document.application_id != application.id:
        abort(404)
    return private_link_headers(attachment(documents_services.read(None, document), document))

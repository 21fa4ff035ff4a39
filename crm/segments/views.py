"""Segments: saving a filtered list, the segments one may open (counted live), deleting."""

from urllib.parse import parse_qsl

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from crm.auth.permissions import require
from crm.common.forms import EmptyForm
from crm.common.listing import list_args
from crm.common.web import actor, flash_form_errors, found_or_404
from crm.errors import ServiceError
from crm.segments import services
from crm.segments.forms import SegmentForm

bp = Blueprint("segments", __name__, url_prefix="/segments")


def list_url(entity: str, query: str) -> str:
    return url_for(services.KINDS[entity].endpoint, **list_args(query))


@bp.get("")
@require("segment.use")
def list_segments():
    segments = services.visible_to(current_user)
    return render_template("segments/list_segments.html", segments=segments,
                           counts={s.id: services.count(s) for s in segments},
                           labels=services.LABELS, list_url=list_url)


@bp.post("")
@require("segment.use")
def save_segment():
    form = SegmentForm()
    entity = form.entity.data or ""
    if entity not in services.KINDS:
        abort(400)
    args = MultiDict(parse_qsl(form.query.data or ""))
    if form.validate_on_submit():
        try:
            segment = services.save(actor(), entity, form.name.data, args, form.shared.data)
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("The segment %(name)s was saved; it is counted again each time you open "
                    "it.", name=segment.name), "success")
    else:
        flash_form_errors(form)
    return redirect(list_url(entity, services.clean_query(entity, args)))


@bp.get("/<int:segment_id>")
@require("segment.use")
def open_segment(segment_id: int):
    segment = found_or_404(services.get_visible(current_user, segment_id))
    return redirect(list_url(segment.entity, segment.query))


@bp.post("/<int:segment_id>/delete")
@require("segment.use")
def delete_segment(segment_id: int):
    segment = found_or_404(services.get_visible(current_user, segment_id))
    if EmptyForm().validate_on_submit():
        try:
            services.delete(actor(), segment)
        except ServiceError as error:
            flash(str(error.message), "danger")
        else:
            flash(_("The segment was deleted."), "success")
    return redirect(url_for("segments.list_segments"))

"""The team's activity feed: what changed today."""

from flask import Blueprint, render_template, request

from crm.audit import feed
from crm.auth.permissions import require
from crm.common.listing import ListParams, paginate

bp = Blueprint("activity", __name__, url_prefix="/activity")


@bp.get("")
@require("activity.view")
def today():
    params = ListParams.from_args(request.args, (), "-at")
    page = paginate(feed.today_query(), params.page)
    return render_template("audit/today.html", page=page, items=feed.items(page.items))

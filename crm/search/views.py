"""One search box for people, organizations and projects."""

from flask import Blueprint, render_template, request

from crm.auth.permissions import require
from crm.search import services

bp = Blueprint("search", __name__)


@bp.get("/search")
@require("search.use")
def search():
    q = request.args.get("q", "").strip()[:200]
    results = services.search_everything(q) if q else None
    return render_template("search/search.html", q=q, results=results)

"""People's work: each officer's load, and what became of the people met at each forum."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func

from crm.auth import services as auth
from crm.auth.models import User
from crm.extensions import db
from crm.followups.models import FollowUp, FollowUpStatus
from crm.forums import services as forums
from crm.pipeline.models import Stage
from crm.projects.models import Project
from crm.reports.filters import ReportFilters, project_conditions
from crm.reports.tables import Chart, Column, ReportTable, share


def _count_per_officer(query):
    """`query` counted for each officer of the outer query (index seeks, officer by officer)."""
    return query.with_only_columns(func.count()).correlate(User).scalar_subquery()


def officer_workload(filters: ReportFilters, today: date | None = None) -> ReportTable:
    """Each officer's live projects (from the partial index on live projects), open and
    overdue follow-ups (from the (assignee, status, due) index): counted officer by officer,
    which reads only their part of each index."""
    today = today or date.today()
    live = db.select(Project.id).join(Project.stage).where(
        *project_conditions(filters), Stage.is_exit.is_(False), Stage.code != "alumni",
        Project.officer_id == User.id)
    open_followups = db.select(FollowUp.id).where(
        FollowUp.assignee_id == User.id, FollowUp.status == FollowUpStatus.OPEN)
    overdue = open_followups.where(FollowUp.due_on < today)
    # Everyone who may be assigned (admins too), by the one query the pickers use.
    query = auth.assignable_users().add_columns(
        _count_per_officer(live), _count_per_officer(open_followups),
        _count_per_officer(overdue))
    if filters.officer_id:
        query = query.where(User.id == filters.officer_id)
    rows = [[officer.display_name, projects, open_count, late]
            for officer, projects, open_count, late in db.session.execute(query)]
    return ReportTable(
        columns=[Column("officer", _("Officer")),
                 Column("projects", _("Projects followed"), "int"),
                 Column("open", _("Open follow-ups"), "int"),
                 Column("overdue", _("Overdue follow-ups"), "int")],
        rows=rows,
        chart=Chart("bar", [r[0] for r in rows],
                    [{"label": _("Projects followed"), "values": [r[1] for r in rows]},
                     {"label": _("Overdue follow-ups"), "values": [r[3] for r in rows]}],
                    _("Projects and overdue follow-ups of each officer; the numbers are in the "
                      "table.")),
        notes=[_("Projects still in the pipeline (not alumni, not out of it) and follow-ups "
                 "open today; the period does not apply.")])


def forum_outcomes(filters: ReportFilters) -> ReportTable:
    rows = [[o.forum.name, o.forum.held_on, o.people, o.followed_up_in_window, o.became_projects,
             share(o.followed_up_in_window, o.people)]
            for o in forums.outcomes(filters.start, filters.end)]
    return ReportTable(
        columns=[Column("forum", _("Forum")), Column("held_on", _("Held on"), "date"),
                 Column("people", _("People met"), "int"),
                 Column("followed_up", _("Followed up within 30 days"), "int"),
                 Column("projects", _("Became projects"), "int"),
                 Column("rate", _("Followed up within 30 days (%)"), "percent")],
        rows=rows,
        chart=Chart("bar", [r[0] for r in rows],
                    [{"label": _("People met"), "values": [r[2] for r in rows]},
                     {"label": _("Followed up within 30 days"), "values": [r[3] for r in rows]},
                     {"label": _("Became projects"), "values": [r[4] for r in rows]}],
                    _("What became of the people met at each forum; the numbers are in the "
                      "table.")),
        notes=[_("Editions held during the period; region, kind, officer, cohort and theme do "
                 "not apply to the people met.")])

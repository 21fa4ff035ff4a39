"""The pipeline: projects by stage now, conversion from stage to stage, time in each stage."""

from __future__ import annotations

from itertools import pairwise

from flask_babel import gettext as _
from sqlalchemy import and_, case, func
from sqlalchemy.orm import aliased

from crm.extensions import db
from crm.pipeline.models import Stage, StageTransition
from crm.projects.models import Project
from crm.reports.filters import ReportFilters, project_conditions, scoped_project_ids
from crm.reports.stats import MEDIAN, P75, days_between, percentiles
from crm.reports.tables import Chart, Column, ReportTable


def _stages() -> list[Stage]:
    return list(db.session.scalars(db.select(Stage).order_by(Stage.position)))


def main_path() -> list[Stage]:
    """The stages a project goes through, in order (exits left out)."""
    return [s for s in _stages() if s.active and not s.is_exit]


def _share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def funnel(filters: ReportFilters) -> ReportTable:
    query = (db.select(Project.stage_id, func.count()).where(*project_conditions(filters))
             .group_by(Project.stage_id))
    counts = dict(db.session.execute(query).all())
    stages = [s for s in _stages() if s.active or counts.get(s.id)]
    total = sum(counts.values())
    rows = [[s.name, counts.get(s.id, 0), _share(counts.get(s.id, 0), total)] for s in stages]
    return ReportTable(
        columns=[Column("stage", _("Stage")), Column("projects", _("Projects"), "int"),
                 Column("share", _("Share of the projects (%)"), "percent")],
        rows=rows,
        chart=Chart("bar", [r[0] for r in rows], [{"label": _("Projects"),
                                                   "values": [r[1] for r in rows]}],
                    _("Projects in each stage today; the numbers are in the table.")),
        notes=[_("Where the projects stand today; the period does not apply.")])


def conversion(filters: ReportFilters) -> ReportTable:
    """Of the projects that entered a stage during the period, how many went on to the next
    stage of the path (then or later)."""
    path = main_path()
    following = {a.id: b.id for a, b in pairwise(path)}
    entered, later = aliased(StageTransition), aliased(StageTransition)
    next_stage = case(following, value=entered.to_stage_id, else_=None)
    query = (db.select(entered.to_stage_id, func.count(entered.project_id.distinct()),
                       func.count(later.project_id.distinct()))
             .outerjoin(later, and_(later.project_id == entered.project_id,
                                    later.to_stage_id == next_stage, later.at >= entered.at))
             .where(entered.to_stage_id.in_(following),
                    entered.project_id.in_(scoped_project_ids(filters)),
                    *filters.within(entered.at))
             .group_by(entered.to_stage_id))
    counts = {stage_id: (n, went) for stage_id, n, went in db.session.execute(query)}
    rows = []
    for stage, after in pairwise(path):
        n, went = counts.get(stage.id, (0, 0))
        rows.append([_("%(from)s → %(to)s", **{"from": stage.name, "to": after.name}), n, went,
                     _share(went, n)])
    return ReportTable(
        columns=[Column("step", _("From stage to the next")),
                 Column("entered", _("Projects that entered the stage"), "int"),
                 Column("went_on", _("Went on to the next stage"), "int"),
                 Column("rate", _("Conversion (%)"), "percent")],
        rows=rows,
        chart=Chart("bar", [r[0] for r in rows], [{"label": _("Conversion (%)"),
                                                   "values": [r[3] for r in rows]}],
                    _("Conversion from each stage to the next; the numbers are in the table.")),
        notes=[_("Counts the projects that entered a stage during the period, and among them "
                 "those that reached the next stage afterwards.")])


def _stays(filters: ReportFilters):
    """Every completed stay in a stage: (cohort, stage, value = days), started in the period."""
    following_at = func.lead(StageTransition.at).over(
        partition_by=StageTransition.project_id,
        order_by=(StageTransition.at, StageTransition.id))
    moves = (db.select(StageTransition.project_id, StageTransition.to_stage_id,
                       StageTransition.at, following_at.label("left_at"))
             .where(StageTransition.project_id.in_(scoped_project_ids(filters))).subquery())
    return (db.select(Project.cohort.label("cohort"), moves.c.to_stage_id.label("stage_id"),
                      days_between(moves.c.left_at, moves.c.at).label("value"))
            .join(Project, Project.id == moves.c.project_id)
            .where(moves.c.left_at.is_not(None), *filters.within(moves.c.at)).subquery())


def time_in_stage(filters: ReportFilters) -> ReportTable:
    figures = percentiles(_stays(filters), ["cohort", "stage_id"])
    stages = main_path()
    cohorts = sorted({cohort for cohort, _stage in figures}, reverse=True)
    rows = []
    for cohort in cohorts:
        for stage in stages:
            one = figures.get((cohort, stage.id))
            if one:
                rows.append([cohort or _("No cohort"), stage.name, one["count"],
                             round(one[MEDIAN], 1), round(one[P75], 1)])
    series = [{"label": cohort or _("No cohort"),
               "values": [round(figures[(cohort, s.id)][MEDIAN], 1)
                          if (cohort, s.id) in figures else None for s in stages]}
              for cohort in cohorts]
    return ReportTable(
        columns=[Column("cohort", _("Cohort")), Column("stage", _("Stage")),
                 Column("stays", _("Projects that left the stage"), "int"),
                 Column("median", _("Median (days)"), "days"),
                 Column("p75", _("75th percentile (days)"), "days")],
        rows=rows,
        chart=Chart("bar", [s.name for s in stages], series,
                    _("Median days spent in each stage, per cohort; the numbers are in the "
                      "table.")),
        notes=[_("A stay counts once the project has left the stage; stays that began during "
                 "the period.")])


def _first_entries(filters: ReportFilters, from_id: int, to_id: int):
    """Per project: (cohort, value = days from first entering one stage to first entering
    the other), for the projects that did both in that order."""
    first = (db.select(StageTransition.project_id,
                       func.min(case((StageTransition.to_stage_id == from_id,
                                      StageTransition.at))).label("from_at"),
                       func.min(case((StageTransition.to_stage_id == to_id,
                                      StageTransition.at))).label("to_at"))
             .where(StageTransition.project_id.in_(scoped_project_ids(filters)),
                    StageTransition.to_stage_id.in_((from_id, to_id)))
             .group_by(StageTransition.project_id).subquery())
    return (db.select(Project.cohort.label("cohort"),
                      days_between(first.c.to_at, first.c.from_at).label("value"))
            .join(Project, Project.id == first.c.project_id)
            .where(first.c.from_at.is_not(None), first.c.to_at >= first.c.from_at,
                   *filters.within(first.c.to_at)).subquery())


def stage_to_stage(filters: ReportFilters, from_code: str = "applied",
                   to_code: str = "incubated") -> ReportTable:
    by_code = {s.code: s for s in _stages()}
    origin, target = by_code.get(from_code), by_code.get(to_code)
    columns = [Column("cohort", _("Cohort")), Column("projects", _("Projects"), "int"),
               Column("median", _("Median (days)"), "days"),
               Column("p75", _("75th percentile (days)"), "days")]
    if origin is None or target is None:
        return ReportTable(columns, [])
    figures = percentiles(_first_entries(filters, origin.id, target.id), ["cohort"])
    rows = [[cohort or _("No cohort"), one["count"], round(one[MEDIAN], 1), round(one[P75], 1)]
            for (cohort,), one in sorted(figures.items(), reverse=True)]
    title = _("From %(from)s to %(to)s", **{"from": origin.name, "to": target.name})
    return ReportTable(
        columns, rows,
        chart=Chart("bar", [r[0] for r in rows],
                    [{"label": _("Median (days)"), "values": [r[2] for r in rows]},
                     {"label": _("75th percentile (days)"), "values": [r[3] for r in rows]}],
                    _("Days from one stage to the other per cohort; the numbers are in the "
                      "table.")),
        notes=[title, _("From the first time a project entered the first stage to the first "
                        "time it entered the second; projects that reached the second stage "
                        "during the period.")])

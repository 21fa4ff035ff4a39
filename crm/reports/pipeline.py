"""The pipeline: projects by stage now, conversion from stage to stage, time in each stage."""

from __future__ import annotations

from itertools import pairwise

from flask_babel import gettext as _
from sqlalchemy import and_, case, func

from crm.extensions import db
from crm.pipeline.models import Stage, StageTransition
from crm.projects import services as projects
from crm.projects.models import Project
from crm.reports.filters import ReportFilters, project_conditions, scoped_project_ids
from crm.reports.stats import MEDIAN, P75, percentiles, whole_days
from crm.reports.tables import Chart, Column, ReportTable, share


def _stages() -> list[Stage]:
    return list(db.session.scalars(db.select(Stage).order_by(Stage.position)))


def main_path() -> list[Stage]:
    """The stages a project goes through, in order (exits left out)."""
    return [s for s in _stages() if s.active and not s.is_exit]


def funnel(filters: ReportFilters) -> ReportTable:
    query = (db.select(Project.stage_id, func.count()).where(*project_conditions(filters))
             .group_by(Project.stage_id))
    counts = dict(db.session.execute(query).all())
    stages = [s for s in _stages() if s.active or counts.get(s.id)]
    total = sum(counts.values())
    rows = [[s.name, counts.get(s.id, 0), share(counts.get(s.id, 0), total)] for s in stages]
    return ReportTable(
        columns=[Column("stage", _("Stage")), Column("projects", _("Projects"), "int"),
                 Column("share", _("Share of the projects (%)"), "percent")],
        rows=rows,
        chart=Chart("bar", [r[0] for r in rows], [{"label": _("Projects"),
                                                   "values": [r[1] for r in rows]}],
                    _("Projects in each stage today; the numbers are in the table.")),
        notes=[_("Where the projects stand today; the period does not apply.")])


def _first_entry_per_stage(filters: ReportFilters, stages: list[Stage]):
    """One row per project: when it first reached each stage of the path, that is entered
    it or any later stage of the path (skipped stages count as passed; exits are not later).
    One pass over the transitions, grouped by project."""
    columns = [func.min(case((StageTransition.to_stage_id.in_([s.id for s in stages[i:]]),
                              StageTransition.at)))
               .label(f"s{stage.id}") for i, stage in enumerate(stages)]
    return (db.select(StageTransition.project_id, *columns)
            .where(StageTransition.project_id.in_(scoped_project_ids(filters)))
            .group_by(StageTransition.project_id).subquery())


def conversion(filters: ReportFilters) -> ReportTable:
    """Of the projects that first reached a stage (it or any later stage of the path, in
    pipeline order) during the period, how many reached the next stage or any later one."""
    path = main_path()
    firsts = _first_entry_per_stage(filters, path)
    sums = []
    for stage, after in pairwise(path):
        entered = and_(firsts.c[f"s{stage.id}"].is_not(None),
                       *filters.within(firsts.c[f"s{stage.id}"]))
        went_on = and_(entered, firsts.c[f"s{after.id}"] >= firsts.c[f"s{stage.id}"])
        sums += [func.sum(case((entered, 1), else_=0)), func.sum(case((went_on, 1), else_=0))]
    counts = [int(v or 0) for v in db.session.execute(db.select(*sums)).one()] if sums else []
    rows = []
    for index, (stage, after) in enumerate(pairwise(path)):
        n, went = counts[2 * index], counts[2 * index + 1]
        rows.append([_("%(from)s → %(to)s", **{"from": stage.name, "to": after.name}), n, went,
                     share(went, n)])
    return ReportTable(
        columns=[Column("step", _("From stage to the next")),
                 Column("entered", _("Projects that entered the stage"), "int"),
                 Column("went_on", _("Went on to the next stage"), "int"),
                 Column("rate", _("Conversion (%)"), "percent")],
        rows=rows,
        chart=Chart("bar", [r[0] for r in rows], [{"label": _("Conversion (%)"),
                                                   "values": [r[3] for r in rows]}],
                    _("Conversion from each stage to the next; the numbers are in the table.")),
        notes=[_("A project reaches a stage when it enters that stage or any later stage of "
                 "the pipeline (a skipped stage counts as passed; declined and withdrawn are "
                 "not later stages). Counts the projects that first reached a stage during the "
                 "period, and among them those that reached the next stage or a later one.")])


def _stays(filters: ReportFilters):
    """Every completed stay in a stage: (cohort, stage, value = whole days), started in the
    period."""
    moves = StageTransition
    return (db.select(Project.cohort_name.label("cohort"), moves.to_stage_id.label("stage_id"),
                      whole_days(moves.left_at, moves.at).label("value"))
            .join(Project, Project.id == moves.project_id)
            .where(moves.left_at.is_not(None), *project_conditions(filters),
                   *filters.within(moves.at)).subquery())


def time_in_stage(filters: ReportFilters) -> ReportTable:
    figures = percentiles(_stays(filters), ["cohort", "stage_id"])
    stages = main_path()
    cohorts = projects.sort_cohorts(cohort for cohort, _stage in figures)
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
        notes=[_("Whole days; a stay counts once the project has left the stage; stays that "
                 "began during the period.")])


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
    return (db.select(Project.cohort_name.label("cohort"),
                      whole_days(first.c.to_at, first.c.from_at).label("value"))
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
            for cohort in projects.sort_cohorts(c for (c,) in figures)
            for one in [figures[(cohort,)]]]
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

"""Impact totals per year (jobs created, of which women and youth, beneficiaries) against the
targets an administrator set."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import case, func

from crm.extensions import db
from crm.impact import services as impact
from crm.impact import targets
from crm.impact.models import Indicator, Measurement, MeasurementSource
from crm.reports.filters import ReportFilters, scoped_project_ids
from crm.reports.tables import Chart, Column, ReportTable

CODES = ("jobs", "jobs_women", "jobs_youth", "beneficiaries")
ZERO = Decimal("0")


def _indicators() -> list[Indicator]:
    found = {i.code: i for i in db.session.scalars(
        db.select(Indicator).where(Indicator.code.in_(CODES)))}
    return [found[code] for code in CODES if code in found]


def _totals(filters: ReportFilters, indicators: list[Indicator]) -> dict:
    """(indicator id, year) -> (total, verified total). The database sums per period start (in
    the order of its covering index, a few dozen groups); the years are added up here."""
    verified = func.sum(case((Measurement.source == MeasurementSource.VERIFIED,
                              Measurement.value), else_=0))
    query = (db.select(Measurement.indicator_id, Measurement.period_start,
                       func.sum(Measurement.value), verified)
             .where(Measurement.indicator_id.in_([i.id for i in indicators]),
                    Measurement.project_id.in_(scoped_project_ids(filters)),
                    *filters.within_dates(Measurement.period_start))
             .group_by(Measurement.indicator_id, Measurement.period_start))
    totals: dict = {}
    for indicator_id, start, total, checked in db.session.execute(query):
        key = (indicator_id, start.year)
        before = totals.get(key, (ZERO, ZERO))
        totals[key] = (before[0] + (total or ZERO), before[1] + (checked or ZERO))
    return totals


def _whole_years(filters: ReportFilters, years: list[int]) -> list[int]:
    """The years the period covers entirely (every year without a period): a year's target
    is never compared with part of that year."""
    return [year for year in years
            if (filters.start is None or filters.start <= date(year, 1, 1))
            and (filters.end is None or filters.end >= date(year, 12, 31))]


def _goals(filters: ReportFilters, indicators: list[Indicator],
           years: list[int]) -> tuple[dict, list[str]]:
    """The targets that apply to the selection, and the notes saying where none is shown.
    A target is set for the whole foundation, a cohort or a region and a whole year: it is
    compared only with that selection (`exact`), never with an officer's portfolio (an
    officer's own report included), a kind of organization, a theme, a region of a cohort or
    part of a year."""
    if filters.officer_id or filters.kind or filters.theme:
        return {}, [_("No target is shown for this selection: targets are set for the whole "
                      "foundation, a cohort or a region, not for an officer's portfolio, a kind "
                      "of organization or a theme.")]
    whole = _whole_years(filters, years)
    goals = targets.targets_for([i.id for i in indicators], whole, cohort=filters.cohort,
                                region=filters.region, exact=True)
    notes = []
    if len(whole) < len(years):
        notes.append(_("No target is shown for a year the period covers only in part: targets "
                       "are set for whole years."))
    if not goals and (filters.cohort or filters.region):
        notes.append(_("No target is shown for this selection: none was set for this cohort "
                       "and region."))
    if goals:
        notes.append(_("A target is compared only with the figures it was set for (the whole "
                       "foundation, a cohort, a region): none is shown for an officer's "
                       "portfolio, a kind of organization or a theme."))
    return goals, notes


def impact_against_targets(filters: ReportFilters) -> ReportTable:
    indicators = _indicators()
    totals = _totals(filters, indicators)
    years = sorted({y for _i, y in totals}, reverse=True)
    goals, target_notes = _goals(filters, indicators, years)
    rows = []
    for year in years:
        for indicator in indicators:
            total, checked = totals.get((indicator.id, year), (ZERO, ZERO))
            goal = goals.get((indicator.id, year))
            rows.append([year, impact.indicator_label(indicator), total, checked, goal,
                         round(float(100 * total / goal), 1) if goal else None])
    chart_years = sorted(years)
    series = [{"label": impact.indicator_label(i),
               "values": [totals.get((i.id, y), (ZERO,))[0] for y in chart_years]}
              for i in indicators]
    if indicators and any(key[0] == indicators[0].id for key in goals):
        series.append({"label": _("Target: %(indicator)s",
                                  indicator=impact.indicator_label(indicators[0])),
                       "values": [goals.get((indicators[0].id, y)) for y in chart_years]})
    return ReportTable(
        columns=[Column("year", _("Year")), Column("indicator", _("Indicator")),
                 Column("total", _("Total reported"), "number"),
                 Column("verified", _("Of which verified"), "number"),
                 Column("target", _("Target"), "number"),
                 Column("reached", _("Share of the target (%)"), "percent")],
        rows=rows,
        chart=Chart("line", [str(y) for y in chart_years], series,
                    _("Impact per year against the target; the numbers are in the table.")),
        notes=[_("Figures are counted in the year their period starts; with a period, the "
                 "figures whose period starts in it."), *target_notes])

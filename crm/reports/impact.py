"""Impact totals per year (jobs created, of which women and youth, beneficiaries) against the
targets an administrator set."""

from __future__ import annotations

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


def impact_against_targets(filters: ReportFilters) -> ReportTable:
    indicators = _indicators()
    totals = _totals(filters, indicators)
    years = sorted({y for _i, y in totals}, reverse=True)
    # A target is set for the foundation, a cohort or a region: compared only with the same
    # selection, never with an officer's portfolio, a kind of organization or a theme.
    comparable = not (filters.officer_id or filters.kind or filters.theme)
    goals = targets.targets_for([i.id for i in indicators], years, cohort=filters.cohort,
                                region=filters.region, exact=True) if comparable else {}
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
    if indicators:
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
                 "figures whose period starts in it."),
               _("A target is compared only with the figures it was set for (the whole "
                 "foundation, a cohort, a region): none is shown for an officer's portfolio, a "
                 "kind of organization or a theme.")])

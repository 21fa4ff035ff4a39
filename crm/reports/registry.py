"""Every report: its address, title, what it answers, and how it is built."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from crm.reports import activity, impact, money, pipeline
from crm.reports.filters import ReportFilters
from crm.reports.tables import ReportTable


@dataclass(frozen=True)
class Report:
    slug: str
    title: object
    question: object
    build: Callable[[ReportFilters, Mapping], ReportTable]
    picks_stages: bool = False  # its form adds "from stage" and "to stage"


def _stage_to_stage(filters: ReportFilters, args: Mapping) -> ReportTable:
    return pipeline.stage_to_stage(filters, args.get("from_stage") or "applied",
                                   args.get("to_stage") or "incubated")


REPORTS = [
    Report("funnel", _l("Pipeline funnel"), _l("How many projects are at each stage today?"),
           lambda f, a: pipeline.funnel(f)),
    Report("conversion", _l("Conversion"),
           _l("Of the projects that reached a stage, how many went on to the next?"),
           lambda f, a: pipeline.conversion(f)),
    Report("time-in-stage", _l("Time in each stage"),
           _l("How many days do projects spend in each stage, per cohort?"),
           lambda f, a: pipeline.time_in_stage(f)),
    Report("stage-to-stage", _l("Time from one stage to another"),
           _l("How long do projects take to get from one stage to another, per cohort?"),
           _stage_to_stage, picks_stages=True),
    Report("workload", _l("Officer workload"),
           _l("How many projects and overdue follow-ups does each officer carry?"),
           lambda f, a: activity.officer_workload(f)),
    Report("forums", _l("Forum outcomes"),
           _l("What became of the people met at each forum?"),
           lambda f, a: activity.forum_outcomes(f)),
    Report("funding", _l("Funding by instrument and status"),
           _l("How much was requested, committed and disbursed, by instrument?"),
           lambda f, a: money.funding(f)),
    Report("crowdfunding", _l("Crowdfunding success"),
           _l("How many campaigns reached their goal?"),
           lambda f, a: money.crowdfunding(f)),
    Report("impact", _l("Impact against targets"),
           _l("How many jobs (of which women and youth) and beneficiaries, against the "
              "targets?"),
           lambda f, a: impact.impact_against_targets(f)),
]
BY_SLUG = {report.slug: report for report in REPORTS}

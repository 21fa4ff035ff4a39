"""Impact measurements: one figure per default indicator, per project and per semester that is
over, without overlap; parts ("of which women", "of which youth") never above their totals.

Figures are drawn in this order of preference until the target count is reached: projects that
were incubated (from a baseline of BASELINE semesters before their assessment to today or their
exit), then projects that were assessed only (same window), then applicants (from their
application), and, only when a tiny scale leaves no other choice, others from their start.
About a third are verified, older semesters more often. Values are integer centimes (what the
Centimes column holds): 7 jobs are stored as 700."""

from datetime import date, datetime, time, timedelta

from crm.demo.synthetic.world import ProjectPlan, World
from crm.impact.models import Measurement, MeasurementSource

# Totals before their parts, so that a cut group keeps a part's total.
INDICATORS = ["jobs", "jobs_women", "jobs_youth", "beneficiaries", "beneficiaries_women",
              "beneficiaries_youth", "revenue", "volunteers"]
VERIFIED, SELF_REPORTED = MeasurementSource.VERIFIED.value, MeasurementSource.SELF_REPORTED.value
BASELINE = 3  # semesters reported before the assessment


def semesters(today: date) -> list[tuple[date, date]]:
    """Every half-year from 2020 that is over on `today`, oldest first."""
    periods, year = [], 2020
    while True:
        for start, end in ((date(year, 1, 1), date(year, 6, 30)),
                           (date(year, 7, 1), date(year, 12, 31))):
            if end >= today:
                return periods
            periods.append((start, end))
        year += 1


def _reporting_from(plan: ProjectPlan, periods: list) -> list[int]:
    """The first semester (index) of each level of preference, None where it does not apply:
    incubated projects and assessed ones report from BASELINE semesters before their
    assessment, applicants from their application, anyone else from their start."""
    def semester_of(at) -> int:
        return next((n for n, (_s, end) in enumerate(periods) if end >= at.date()),
                    len(periods))

    assessed, applied = plan.first_entry("assessed"), plan.first_entry("applied")
    baseline = max(0, semester_of(assessed) - BASELINE) if assessed else None
    return [baseline if plan.first_entry("incubated") else None,
            baseline, semester_of(applied) if applied else None, semester_of(plan.start)]


def _candidates(world: World, periods: list) -> list[tuple[int, float, int, int]]:
    """(preference, random key, project index, semester index) of every possible group."""
    rng, candidates = world.rng, []
    for index, plan in enumerate(world.projects):
        ends = (plan.ended_at or world.horizon).date()
        last = next((n for n, (start, _e) in enumerate(periods) if start > ends), len(periods))
        firsts = _reporting_from(plan, periods)
        for number in range(min(f for f in firsts if f is not None), last):
            level = next(level for level, first in enumerate(firsts)
                         if first is not None and number >= first)
            candidates.append((level, rng.random(), index, number))
    return candidates


def _levels(world: World) -> dict[str, float]:
    rng = world.rng
    return {"jobs": rng.uniform(1, 12), "beneficiaries": rng.uniform(20, 400),
            "revenue": rng.uniform(10_000, 400_000), "volunteers": rng.uniform(0, 25),
            "women": rng.uniform(0.25, 0.8), "youth": rng.uniform(0.2, 0.75)}


def _figures(world: World, base: dict, step: int) -> list[int]:
    """A semester's figures in centimes, in INDICATORS order; parts at most their totals."""
    rng = world.rng

    def level(code: str) -> int:
        return max(0, round(base[code] * (1 + 0.12 * step) * rng.uniform(0.8, 1.2)))

    jobs, beneficiaries = level("jobs"), level("beneficiaries")
    return [jobs * 100, round(jobs * base["women"]) * 100, round(jobs * base["youth"]) * 100,
            beneficiaries * 100, round(beneficiaries * base["women"]) * 100,
            round(beneficiaries * base["youth"]) * 100,
            level("revenue") * 100 + rng.randrange(100), level("volunteers") * 100]


def _group_rows(world: World, plan: ProjectPlan, period: tuple[date, date], figures: list[int],
                age: int) -> list[dict]:
    rng, (start, end) = world.rng, period
    officer = plan.officer_id or rng.choice(world.officers)
    limit = world.horizon - timedelta(hours=1)
    # Figures from before the assessment (a baseline) were recorded when it took place.
    known = (plan.first_entry("assessed") or plan.start) + timedelta(days=rng.randint(1, 20))
    reported = min(limit, max(known, datetime.combine(end + timedelta(days=rng.randint(5, 45)),
                                                      time(11))))
    verified = rng.random() < (0.45 if age >= 3 else 0.18 if age >= 1 else 0.05)
    checked = min(limit, reported + timedelta(days=rng.randint(10, 90))) if verified else None
    return [{"project_id": plan.id, "indicator_id": world.indicators[code],
             "period_start": start, "period_end": end, "value": value,
             "source": VERIFIED if verified else SELF_REPORTED, "reported_by_id": officer,
             "verified_by_id": officer if verified else None, "verified_at": checked,
             "note": "", "created_at": reported, "updated_at": checked or reported,
             "version": 2 if verified else 1}
            for code, value in zip(INDICATORS, figures, strict=True)]


def _rows(world: World, chosen: list[tuple[int, int]], last_size: int, periods: list,
          first_id: int):
    levels: dict[int, dict] = {}
    first_step: dict[int, int] = {}
    next_id = first_id
    for position, (index, number) in enumerate(chosen):
        plan = world.projects[index]
        if index not in levels:
            levels[index] = _levels(world)
        base = levels[index]
        step = number - first_step.setdefault(index, number)
        rows = _group_rows(world, plan, periods[number], _figures(world, base, step),
                           len(periods) - 1 - number)
        if position == len(chosen) - 1:
            rows = rows[:last_size]
        for row in rows:
            row["id"] = next_id
            next_id += 1
            yield row


def write_measurements(world: World) -> None:
    target = world.counts["measurements"]
    periods = semesters(world.today)
    groups, rest = divmod(target, len(INDICATORS))
    candidates = sorted(_candidates(world, periods))[:groups + (1 if rest else 0)]
    chosen = sorted((index, number) for _level, _key, index, number in candidates)
    if rest and chosen:  # the cut group is the last one written
        cut = (candidates[-1][2], candidates[-1][3])
        chosen.remove(cut)
        chosen.append(cut)
    total = min(target, len(chosen) * len(INDICATORS))
    last_size = rest if rest and len(candidates) > groups else len(INDICATORS)
    first = world.writer.reserve(Measurement.__table__, total)
    world.writer.write_all(Measurement.__table__,
                           _rows(world, chosen, last_size, periods, first), "measurements",
                           total)

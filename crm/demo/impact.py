"""Demo impact: two years of semester figures (some verified) and notes for late-stage projects,
and the program's yearly targets."""

import random
from datetime import date
from decimal import Decimal

from crm.auth.models import Role, User
from crm.extensions import db
from crm.impact import services as impact
from crm.impact import targets
from crm.impact.models import (
    ImpactNote,
    ImpactTarget,
    Measurement,
    MeasurementSource,
    Visibility,
)
from crm.pipeline.models import Stage
from crm.projects.models import Project

STAGES = ("incubated", "accelerated", "alumni")
SEMESTERS = 4  # two years
# Each project gets two of them, one shared with the innovator and one internal.
NOTES = [
    ("L'équipe a recruté deux animatrices issues du douar ; les ventes en ligne démarrent.",
     Visibility.SHARED),
    ("Comptes à vérifier avec la fondatrice avant le comité : écart sur le chiffre "
     "d'affaires déclaré.", Visibility.INTERNAL),
    ("Risque de départ du trésorier ; suivre la gouvernance de près.", Visibility.INTERNAL),
    ("تم تكوين عشرين امرأة في تقنيات التسويق الرقمي خلال هذا الفصل.", Visibility.SHARED),
]
# The program's yearly targets, two years ago; later years grow by GROWTH. The 2024 cohort has
# its own, about a third of the program's.
TARGETS = {"jobs": 150, "jobs_women": 80, "jobs_youth": 60, "beneficiaries": 3500}
GROWTH = (Decimal("1"), Decimal("1.3"), Decimal("1.6"))
TARGET_COHORT = "2024"


def _semesters(today: date) -> list[tuple[date, date]]:
    """The last `SEMESTERS` half-years that are over, oldest first."""
    periods = [impact.last_semester(today)]
    while len(periods) < SEMESTERS:
        periods.append(impact.last_semester(periods[-1][0]))
    return list(reversed(periods))


def _demo_projects() -> list[Project]:
    query = (db.select(Project).join(Project.stage)
             .where(Stage.code.in_(STAGES), Project.archived_at.is_(None))
             .order_by(Project.id))
    return list(db.session.scalars(query))


def _has_figures(project: Project) -> bool:
    query = db.select(Measurement.id).where(Measurement.project_id == project.id).limit(1)
    return db.session.scalar(query) is not None


def _has_notes(project: Project) -> bool:
    query = db.select(ImpactNote.id).where(ImpactNote.project_id == project.id).limit(1)
    return db.session.scalar(query) is not None


def _figures(rng: random.Random, base: dict[str, int], semester: int) -> dict[str, Decimal]:
    """A semester's figures: the project's level, growing, with some noise; parts always at
    or below their totals."""
    def level(code: str) -> int:
        return max(0, round(base[code] * (1 + 0.2 * semester) * rng.uniform(0.85, 1.15)))

    jobs, beneficiaries = level("jobs"), level("beneficiaries")
    revenue = Decimal(level("revenue")) + Decimal(rng.randint(0, 99)) / 100
    return {
        "jobs": Decimal(jobs),
        "jobs_women": Decimal(round(jobs * base["women"] / 100)),
        "jobs_youth": Decimal(round(jobs * base["youth"] / 100)),
        "beneficiaries": Decimal(beneficiaries),
        "beneficiaries_women": Decimal(round(beneficiaries * base["women"] / 100)),
        "beneficiaries_youth": Decimal(round(beneficiaries * base["youth"] / 100)),
        "revenue": revenue,
        "volunteers": Decimal(level("volunteers")),
    }


def _project_levels(rng: random.Random) -> dict[str, int]:
    """Where a project starts; the shares of women and youth are percentages."""
    return {"jobs": rng.randint(2, 10), "beneficiaries": rng.randint(40, 300),
            "revenue": rng.randint(20_000, 250_000), "volunteers": rng.randint(0, 20),
            "women": rng.randint(30, 80), "youth": rng.randint(20, 70)}


def seed_impact(rng: random.Random | None = None, today: date | None = None) -> None:
    """Add the demo figures and notes to the projects that have none yet (idempotent)."""
    rng = rng or random.Random(2025)
    impact.ensure_default_indicators()
    indicators = {i.code: i for i in impact.list_indicators(active_only=False)}
    officers = list(db.session.scalars(db.select(User).where(User.role == Role.OFFICER)
                                       .order_by(User.id)))
    semesters = _semesters(today or date.today())
    for index, project in enumerate(_demo_projects()):
        officer = project.officer or (officers[index % len(officers)] if officers else None)
        if not _has_figures(project):
            levels = _project_levels(rng)
            for number, (start, end) in enumerate(semesters):
                # Older semesters were checked by the officer; the latest are as reported.
                verified = number < SEMESTERS - 2 or (number == SEMESTERS - 2 and index % 2)
                source = MeasurementSource.VERIFIED if verified else (
                    MeasurementSource.SELF_REPORTED)
                for code, value in _figures(rng, levels, number).items():
                    impact.record_measurement(officer, project, indicators[code], start, end,
                                              value, source=source)
        if not _has_notes(project) and officer is not None:
            for offset, (body, visibility) in enumerate(NOTES[index % 2::2]):
                impact.add_note(officer, body, semesters[-1 - offset][1], visibility,
                                project=project)
    seed_targets(today)


def seed_targets(today: date | None = None) -> None:
    """The general targets of the last three years and those of the 2024 cohort, where
    missing (idempotent)."""
    year = (today or date.today()).year
    indicators = {i.code: i for i in impact.list_indicators()}  # only those in use take one
    admin = db.session.scalar(db.select(User).where(User.role == Role.ADMIN).order_by(User.id))
    existing = {(t.indicator_id, t.year, t.cohort, t.region)
                for t in db.session.scalars(db.select(ImpactTarget))}
    for offset, growth in enumerate(GROWTH):
        target_year = year - len(GROWTH) + 1 + offset
        for code, base in TARGETS.items():
            if code not in indicators:
                continue
            for cohort, share in (("", 1), (TARGET_COHORT, Decimal(1) / 3)):
                if (indicators[code].id, target_year, cohort, "") in existing:
                    continue
                targets.save_target(admin, None, indicator_id=indicators[code].id,
                                    year=target_year, cohort=cohort,
                                    value=(base * growth * share).quantize(Decimal(1)))

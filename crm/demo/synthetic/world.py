"""What every step of the synthetic dataset shares: the random generator, the day it is built
on, the target counts, and what earlier steps planned (ids, stages, officers, projects)."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from crm.common.flags import bits_of
from crm.common.reference import SDG_NUMBERS, Theme
from crm.demo.synthetic.writer import BulkWriter

# The counts at scale 1; `--scale S` multiplies each of them.
FULL_SCALE = {
    "organizations": 10_000,
    "people": 100_000,
    "projects": 20_000,
    "stage_transitions": 200_000,
    "follow_ups": 300_000,
    "measurements": 500_000,
}
COHORTS = ("2021", "2022", "2023", "2024", "2025", "2026")
FIRST_DAY = datetime(2020, 1, 1)
THEMES = list(Theme)
# The goals a theme usually serves.
THEME_SDGS = {
    Theme.EDUCATION: (4,), Theme.HEALTH: (3,), Theme.EMPLOYMENT: (8,), Theme.WOMEN: (5,),
    Theme.YOUTH: (4, 8), Theme.ENVIRONMENT: (13, 15), Theme.AGRICULTURE: (2, 15),
    Theme.CULTURE: (11,), Theme.INCLUSION: (10,), Theme.DIGITAL: (9,), Theme.HOUSING: (11,),
    Theme.WATER: (6,), Theme.SOLIDARITY_ECONOMY: (1, 8), Theme.GOVERNANCE: (16, 17),
}


def target_counts(scale: float) -> dict[str, int]:
    return {name: max(1, round(count * scale)) for name, count in FULL_SCALE.items()}


@dataclass(slots=True)
class ProjectPlan:
    """A project as later steps need it (its row is written by the pipeline step)."""

    id: int
    organization: int  # index in World.organizations
    officer_id: int | None
    cohort: str
    start: datetime
    stage: str = "identified"
    # (stage code, when, kind of move) for every transition, in time order
    path: list = field(default_factory=list)

    def first_entry(self, code: str) -> datetime | None:
        return next((at for stage, at, _kind in self.path if stage == code), None)

    @property
    def ended_at(self) -> datetime | None:
        """When it left the pipeline for good (None while still in it)."""
        return self.path[-1][1] if self.stage in ("declined", "withdrawn") else None


@dataclass
class World:
    rng: random.Random
    scale: float
    today: date
    writer: BulkWriter
    stages: dict[str, int]
    indicators: dict[str, int]
    counts: dict[str, int] = field(init=False)
    officers: list[int] = field(default_factory=list)
    organizations: list[dict] = field(default_factory=list)
    people: list[dict] = field(default_factory=list)
    projects: list[ProjectPlan] = field(default_factory=list)
    # person id -> [(participation id, forum day)] for the follow-ups of forum contacts
    participations: dict[int, list] = field(default_factory=dict)

    def __post_init__(self):
        self.counts = target_counts(self.scale)

    @property
    def horizon(self) -> datetime:
        """Midnight at the start of `today`: every synthetic time is before it."""
        return datetime.combine(self.today, time())

    def moment(self, start: datetime, end: datetime | None = None) -> datetime:
        """A random time in [start, end), whole seconds."""
        end = end or self.horizon
        span = max(1, int((end - start).total_seconds()))
        return start + timedelta(seconds=self.rng.randrange(span))

    def day(self, start: date, end: date) -> date:
        """A random day in [start, end]."""
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def themes(self, base: list | None = None) -> list:
        """One to three themes, starting from `base` when given."""
        chosen = list(base or [])[:2]
        while len(chosen) < self.rng.randint(1, 3):
            theme = self.rng.choice(THEMES)
            if theme not in chosen:
                chosen.append(theme)
        return chosen

    def masks(self, themes: list) -> tuple[int, int]:
        """The stored bitmasks of themes and of the SDGs they serve (plus one at random)."""
        sdgs = {n for theme in themes for n in THEME_SDGS[theme]}
        sdgs.add(self.rng.choice(SDG_NUMBERS))
        return bits_of(THEMES, themes), bits_of(SDG_NUMBERS, sorted(sdgs))

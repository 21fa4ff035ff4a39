"""The order of the steps: plan what later rows refer to, then write parents before children."""

import random
import time
from dataclasses import dataclass
from datetime import date

from crm.auth.models import User
from crm.demo.synthetic import activity, directory, followups, funding, impact, pipeline
from crm.demo.synthetic.world import World
from crm.demo.synthetic.writer import BulkWriter, Progress
from crm.extensions import db
from crm.impact import services as impact_services
from crm.impact.models import Indicator
from crm.pipeline import services as pipeline_services
from crm.pipeline.models import Stage
from crm.projects import stale


class SyntheticDataPresent(Exception):
    """The database already holds synthetic data: a second run would mix two datasets."""


@dataclass
class Summary:
    counts: dict[str, int]
    seconds: float

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def already_seeded() -> bool:
    query = db.select(User.id).where(User.email.like(f"%@{directory.DOMAIN}")).limit(1)
    return db.session.scalar(query) is not None


def _reference_ids() -> tuple[dict[str, int], dict[str, int]]:
    pipeline_services.ensure_default_stages()
    impact_services.ensure_default_indicators()
    stages = dict(db.session.execute(db.select(Stage.code, Stage.id)).all())
    indicators = dict(db.session.execute(db.select(Indicator.code, Indicator.id)).all())
    return stages, indicators


def seed_synthetic(scale: float, seed: int = 2024, progress: Progress | None = None,
                   today: date | None = None) -> Summary:
    """Write the synthetic dataset; SyntheticDataPresent when it is there already."""
    if already_seeded():
        raise SyntheticDataPresent(directory.DOMAIN)
    started = time.perf_counter()
    stages, indicators = _reference_ids()
    world = World(random.Random(seed), scale, today or date.today(), BulkWriter(progress),
                  stages, indicators)
    directory.write_users(world)  # first: an interrupted run is still recognized
    directory.plan_organizations(world)
    directory.plan_people(world)
    pipeline.plan_projects(world)
    forums = activity.plan_forums(world)
    directory.write_organizations(world)
    directory.write_people(world)
    project_rows = pipeline.write_projects(world)
    pipeline.write_transitions(world)
    directory.write_tags(world)
    activity.write_forums(world, forums)
    followups.write_followups(world)
    stale.recompute_last_activity()
    funding.write_funding(world)
    impact.write_measurements(world)
    directory.write_search_tokens(world, project_rows)
    world.writer.reset_sequences()
    world.writer.analyze()
    return Summary(world.writer.counts, time.perf_counter() - started)

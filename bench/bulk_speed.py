"""Rows per second of a bulk move: N projects of one officer moved from "contacted" to
"applied" through the bulk action's own code (permission check, transition, history), on a
fresh SQLite file under instance/bench/.

    .venv/bin/python bench/bulk_speed.py [--projects 5000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET = 500  # rows per second, issue 17


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=5000)
    args = parser.parse_args()
    from bench.pages import bench_app
    from crm.extensions import db

    path = ROOT / "instance" / "bench" / "bulk.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    app = bench_app(f"sqlite:///{path}")
    with app.app_context():
        db.create_all()
        officer, ids = _projects(args.projects)
        rate = _move_all(officer, ids)
    verdict = "PASS" if rate >= TARGET else "MISS"
    print(f"bulk move of {len(ids):,} projects on SQLite: {rate:,.0f} rows/s "
          f"(target >= {TARGET}: {verdict})")


def _projects(count: int):
    from crm.auth.models import Role
    from crm.auth.services import create_user
    from crm.common.time import utcnow
    from crm.extensions import db
    from crm.organizations.models import Organization, OrganizationKind
    from crm.pipeline.services import ensure_default_stages, get_stage
    from crm.projects.models import Project

    ensure_default_stages()
    officer = create_user(None, "bulk@bench.crm", "a-long-bench-password", Role.OFFICER, "fr")
    organization = Organization(name="Bench", kind=OrganizationKind.ASSOCIATION)
    db.session.add(organization)
    db.session.flush()
    now, stage = utcnow(), get_stage("contacted")
    db.session.execute(db.insert(Project), [
        {"name": f"Projet {n}", "organization_id": organization.id, "stage_id": stage.id,
         "officer_id": officer.id, "stage_entered_at": now, "last_activity_at": now,
         "themes": set(), "sdgs": set()} for n in range(count)])
    db.session.commit()
    return officer, list(db.session.scalars(db.select(Project.id)))


def _move_all(officer, ids: list[int]) -> float:
    from crm.bulk import services
    from crm.bulk.models import BulkAction, BulkJob
    from crm.extensions import db

    services.INLINE_UP_TO = len(ids)  # measured in this process, not a background worker
    started = time.perf_counter()
    job = services.start(officer, BulkAction.MOVE, {"stage": "applied"}, ids)
    elapsed = time.perf_counter() - started
    assert db.session.get(BulkJob, job.id).done == len(ids)
    return len(ids) / elapsed


if __name__ == "__main__":
    main()

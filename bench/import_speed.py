"""Attendee import speed: rows per second for a generated file of 10,000 lines.

    .venv/bin/python bench/import_speed.py [--rows 10000] [--database-url URL]

Times the whole path an officer triggers: reading the file, analysing every line (validation,
duplicates within the file, matches against the database) and importing (people,
organizations, memberships, participations, search keys, audit), on a file-based SQLite
database by default, with the background steps run inline to time them alone. The file's
names come from short lists, as first names and surnames repeat in a real file; with a
different surname on every line (the least favourable case for the name caches) PostgreSQL
measured 2,987 rows/s against 3,276 with these lists (2026-12-05, two CPUs).
"""

import argparse
import csv
import io
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config import TestingConfig  # noqa: E402
from crm import create_app  # noqa: E402
from crm.extensions import db  # noqa: E402

FIRST = ["Mohamed", "Fatima Zahra", "Youssef", "Khadija", "Hamza", "Meryem", "Amine", "Asmae",
         "Karim", "Houda", "Omar", "Zineb", "Said", "Salma", "Rachid", "Nadia", "Othmane"]
LAST = ["El Amrani", "Bennani", "Alaoui", "Tahiri", "Berrada", "El Fassi", "Lahlou", "Zeroual",
        "Ouazzani", "Naciri", "Kettani", "Benjelloun", "Bouzidi", "El Idrissi", "Sebti"]
WORKSHOPS = ["Veille stratégique", "Réflexion stratégique", "Gouvernance et redevabilité",
             "Financement innovant", "Leadership territorial", ""]


def generate(rows: int, seed: int = 7) -> bytes:
    """A semicolon CSV like the registration tool's, with 5% repeated people."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Nom", "Prénom", "E-mail", "Téléphone", "Organisation",
                     "Type d'organisation", "Ville", "Atelier", "Rôle"])
    people = []
    for n in range(rows):
        if people and rng.random() < 0.05:
            last, first, email, phone = rng.choice(people)
            last = last.upper()
        else:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            email = f"{first.split()[0].lower()}.{n}@example.ma"
            phone = f"06{61000000 + n:08d}"
            people.append((last, first, email, phone))
        writer.writerow([last, first, email, phone, f"Association {n % 400}", "Association",
                         "Rabat", rng.choice(WORKSHOPS), "Participant"])
    return out.getvalue().encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    content = generate(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        config = type("BenchConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url})
        app = create_app(config)
        with app.app_context():
            from crm.auth.models import Role
            from crm.auth.services import create_user
            from crm.demo.forum import seed_forum
            from crm.imports import services as imports
            from crm.pipeline.services import ensure_default_stages

            db.drop_all()
            db.create_all()
            ensure_default_stages()
            officer = create_user(None, "bench@example.ma", "bench-password", Role.OFFICER, "fr")
            forum = seed_forum()
            started = time.perf_counter()
            job = imports.start_import(officer, forum, "attendees.csv", content)
            imports.confirm_mapping(officer, job, job.mapping)
            analysed = time.perf_counter()
            imports.run_import(officer, job)
            done = time.perf_counter()
            assert job.status.value == "done", job.error
            total = done - started
            print(f"engine: {db.engine.dialect.name}, rows: {args.rows:,}")
            print(f"{'step':<24}{'seconds':>10}{'rows/s':>10}")
            print(f"{'read + analyse':<24}{analysed - started:>10.2f}"
                  f"{args.rows / (analysed - started):>10,.0f}")
            print(f"{'import':<24}{done - analysed:>10.2f}{args.rows / (done - analysed):>10,.0f}")
            print(f"{'whole import':<24}{total:>10.2f}{args.rows / total:>10,.0f}"
                  "   target >= 3,000 rows/s on PostgreSQL")
            print(f"people created: {job.created_count:,}, participations: "
                  f"{job.participation_count:,}, rejected: {job.rejected_count:,}")
            # End the session's transaction first: on PostgreSQL its locks would hold DROP.
            db.session.remove()
            db.drop_all()


if __name__ == "__main__":
    main()

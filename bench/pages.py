"""Page speed at the scale of a national program: server time and SQL queries per page.

    .venv/bin/python bench/pages.py [--scales 0.1,1] [--engines sqlite,postgresql]
        [--requests 30] [--warmups 3] [--budget 20] [--seed 2024] [--rebuild]
        [--no-gunicorn] [--load-clients 4] [--load-seconds 5]

(`make bench` runs it with the defaults.) For each engine and scale it builds, or reuses, a
database of synthetic data (bench/databases.py), then asks every page N times through the Flask
test client, logged in as the synthetic manager (as the busiest officer for the officer's
pages): the median and 95th percentile of the time around `client.get`, and the number of SQL
statements per request (a `before_cursor_execute` listener on the engine). Each report is also
timed against its floor, the same figures from one hand-written SQL query (bench/floors.py),
whose numbers are checked against the report's. Then gunicorn serves the largest SQLite
database and a list page is compared with /healthz in pages per second (bench/load.py).
PostgreSQL is used when BENCH_PG_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/)
answers. Results are printed, and written to bench/results/pages-<date>-<time>.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, text  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from bench import databases, floors, load, summary  # noqa: E402
from config import Config  # noqa: E402
from crm import create_app  # noqa: E402
from crm.extensions import db  # noqa: E402

PASSWORD = "bench-password-2024"
DEEP_PAGE = 50
COMMON_PREFIX, ARABIC_NAME = "ben", "محمد"
RESULTS = ROOT / "bench" / "results"
# Compared with /healthz under gunicorn (issue 15: each at 0.30 of its pages per second or more)
LIST_PAGES = ["/organizations", "/people", "/projects", "/funders", "/followups"]
LIST_TARGET = 0.30


@dataclass
class Page:
    kind: str  # list, search, detail, board, home, report, export
    label: str
    path: str
    role: str = "manager"  # or "officer"
    slug: str = ""  # reports: the floor to compare with


@dataclass
class Result:
    engine: str
    scale: float
    kind: str
    label: str
    path: str
    role: str
    status: int = 200
    samples: int = 0
    p50_ms: float = math.nan
    p95_ms: float = math.nan
    queries: int = 0
    queries_max: int = 0
    floor_p50_ms: float | None = None
    floor_p95_ms: float | None = None
    build_p50_ms: float | None = None  # the report's table alone, without its page
    floor_check: str | None = None  # None: the floor's numbers are the report's

    @property
    def ratio(self) -> float | None:
        """The report page's median time over its floor's."""
        if self.floor_p50_ms:
            return self.p50_ms / self.floor_p50_ms
        return None

    @property
    def build_ratio(self) -> float | None:
        if self.floor_p50_ms and self.build_p50_ms is not None:
            return self.build_p50_ms / self.floor_p50_ms
        return None


@dataclass
class Users:
    manager: str
    officer: str
    notes: list[str] = field(default_factory=list)


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (as PERCENTILE_CONT), in ms."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    h = (len(ordered) - 1) * p
    low = int(h)
    high = min(low + 1, len(ordered) - 1)
    return (ordered[low] + (ordered[high] - ordered[low]) * (h - low)) * 1000


def bench_app(url: str):
    """The application as production builds it, on `url`, with CSRF off for the test client."""
    config = type("BenchConfig", (Config,), {
        "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, "JOB_RUNNER": "inline",
        "RATELIMIT_STORAGE_URI": "memory://", "SECRET_KEY": "bench-secret-key"})
    app = create_app(config)
    gc.freeze()  # as wsgi.py does after start-up
    return app


# -- who asks, and what ---------------------------------------------------------------------

def _scalar(sql: str, **params):
    return db.session.execute(text(sql), params).scalar()


def _with_password(role: str, email: str | None, fallback: str, notes: list[str]) -> str:
    """Give the user a known password (a cheap scrypt: one login per run); create it when
    the database has nobody of that role."""
    from crm.auth.models import Role
    from crm.auth.services import create_user

    if email is None:
        create_user(None, fallback, PASSWORD, Role(role), "en")
        notes.append(f"created {role} {fallback}")
        email = fallback
    db.session.execute(text("UPDATE users SET password_hash = :hash WHERE email = :email"),
                       {"hash": generate_password_hash(PASSWORD, "scrypt:1024:8:1"),
                        "email": email})
    db.session.commit()
    return email


def bench_users() -> Users:
    """The synthetic manager, and the officer with the most projects (in an app context)."""
    notes: list[str] = []
    manager = _scalar("SELECT email FROM users WHERE role = 'manager' AND active "
                      "ORDER BY CASE WHEN email LIKE 'manager@%' THEN 0 ELSE 1 END, id LIMIT 1")
    officer = _scalar("SELECT u.email FROM users u LEFT JOIN projects p ON p.officer_id = u.id "
                      "WHERE u.role = 'officer' AND u.active GROUP BY u.id, u.email "
                      "ORDER BY COUNT(p.id) DESC, u.id LIMIT 1")
    return Users(_with_password("manager", manager, "bench-manager@example.ma", notes),
                 _with_password("officer", officer, "bench-officer@example.ma", notes), notes)


def _deep(table: str, per_page: int) -> int:
    """Page 50, or the last page when there are fewer."""
    count = _scalar(f"SELECT COUNT(*) FROM {table} WHERE archived_at IS NULL") or 0
    return max(1, min(DEEP_PAGE, math.ceil(count / per_page)))


def _busiest_ids() -> dict[str, int | None]:
    """The project with the most transitions and figures, the organization with the most
    members among those whose projects have figures (every panel of its page has something to
    show, at every scale), the person with the most memberships, participations and
    follow-ups."""
    return {
        "project": _scalar(
            "SELECT p.id FROM projects p WHERE p.archived_at IS NULL ORDER BY "
            "(SELECT COUNT(*) FROM stage_transitions t WHERE t.project_id = p.id) + "
            "(SELECT COUNT(*) FROM measurements m WHERE m.project_id = p.id) DESC, p.id LIMIT 1"),
        "organization": _scalar(
            "SELECT m.organization_id FROM memberships m JOIN organizations o "
            "ON o.id = m.organization_id WHERE o.archived_at IS NULL AND EXISTS ("
            "SELECT 1 FROM projects p JOIN measurements x ON x.project_id = p.id "
            "WHERE p.organization_id = o.id) "
            "GROUP BY m.organization_id ORDER BY COUNT(*) DESC, m.organization_id LIMIT 1"),
        "person": _scalar(
            "SELECT x.person_id FROM (SELECT person_id FROM memberships UNION ALL "
            "SELECT person_id FROM participations UNION ALL SELECT person_id FROM follow_ups "
            "WHERE person_id IS NOT NULL) x JOIN people p ON p.id = x.person_id "
            "WHERE p.archived_at IS NULL GROUP BY x.person_id "
            "ORDER BY COUNT(*) DESC, x.person_id LIMIT 1"),
    }


def _phone_query(person_id: int | None) -> str | None:
    """A phone number as typed by an officer (0661..., from +212661...)."""
    phone = _scalar("SELECT phone FROM people WHERE phone LIKE '+212%' "
                    "ORDER BY CASE WHEN id = :id THEN 0 ELSE 1 END, id LIMIT 1", id=person_id or 0)
    return "0" + phone[4:] if phone else None


def _list_pages(per_page: int) -> list[Page]:
    pages = []
    for name, table, filtered in (
            ("organizations", "organizations", "region=souss-massa&kind=association"),
            ("people", "people", "region=souss-massa&gender=woman"),
            ("projects", "projects", "stage=incubated&cohort=2024"),
            ("funders", "funders", "kind=donor")):
        deep = _deep(table, per_page)
        pages += [Page("list", f"{name} page 1", f"/{name}"),
                  Page("list", f"{name} page {DEEP_PAGE} or last", f"/{name}?page={deep}"),
                  Page("list", f"{name} filtered", f"/{name}?{filtered}")]
    pages.append(Page("list", "people q=" + COMMON_PREFIX, f"/people?q={COMMON_PREFIX}"))
    pages.append(_whole_segment())
    pages.append(Page("list", "my follow-ups (officer)", "/followups", "officer"))
    return pages


def _whole_segment() -> Page:
    """The largest segment a list can hold: every live project (20,000 at scale 1), asked as
    a saved segment asks it, with a filter the list must evaluate (every stage, OR-ed)."""
    from crm.extensions import db
    from crm.pipeline.models import Stage

    codes = db.session.scalars(db.select(Stage.code).order_by(Stage.position))
    stages = "&".join(f"stage={code}" for code in codes)
    return Page("segment", "segment: every project", f"/projects?match=any&{stages}")


def choose_pages(per_page: int) -> list[Page]:
    """Every page the benchmark asks for, on this database (in an app context)."""
    from crm.reports.registry import REPORTS

    ids = _busiest_ids()
    pages = _list_pages(per_page)
    phone = _phone_query(ids["person"])
    pages += [Page("search", f"search {COMMON_PREFIX}", f"/search?q={COMMON_PREFIX}"),
              Page("search", "search arabic name", f"/search?q={quote(ARABIC_NAME)}")]
    if phone:
        pages.append(Page("search", "search phone", f"/search?q={phone}"))
    for kind, prefix in (("project", "projects"), ("organization", "organizations"),
                         ("person", "people")):
        if ids[kind] is not None:
            pages.append(Page("detail", f"{kind} page", f"/{prefix}/{ids[kind]}"))
    pages += [Page("board", "pipeline board", "/pipeline"),
              # the officer's board: a move form on each card
              Page("board", "pipeline board (officer)", "/pipeline", "officer"),
              Page("home", "home (officer)", "/", "officer"),
              Page("home", "home (manager)", "/")]
    pages += [Page("report", report.slug, f"/reports/{report.slug}", slug=report.slug)
              for report in REPORTS]
    pages.append(Page("report", "stage-to-stage 2024 souss-massa",
                      "/reports/stage-to-stage?cohort=2024&region=souss-massa",
                      slug="stage-to-stage"))
    # every person (100,000 at scale 1) in one Excel file, written row by row
    pages.append(Page("export", "people export (Excel)", "/people/export?format=xlsx"))
    return pages


# -- measuring ------------------------------------------------------------------------------

class QueryCounter:
    """Counts the statements sent to the database through the engine."""

    def __init__(self, engine):
        self.engine, self.count = engine, 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)


def logged_in_client(app, email: str):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"could not log in as {email} (status {response.status_code})")
    return client


@dataclass
class Plan:
    """How often to run each thing timed: warm-ups, then requests, unless a slow page would
    take more than `budget` seconds (then it stops after MIN_SAMPLES, or sooner when even
    those would take more than three budgets)."""

    requests: int = 30
    warmups: int = 3
    budget: float = 20.0


MIN_SAMPLES = 5


class PageError(Exception):
    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


def repeat(call, plan: Plan) -> tuple[list[float], list]:
    """Seconds per measured call, and what each call returned."""
    spent = 0.0
    for _n in range(plan.warmups):
        started = time.perf_counter()
        call()
        spent += time.perf_counter() - started
        if spent > plan.budget / 3:
            break
    times, answers, spent = [], [], 0.0
    for _n in range(plan.requests):
        started = time.perf_counter()
        answers.append(call())
        times.append(time.perf_counter() - started)
        spent += times[-1]
        if spent > plan.budget and (len(times) >= MIN_SAMPLES or spent > 3 * plan.budget):
            break
    return times, answers


def time_page(client, counter: QueryCounter, page: Page,
              plan: Plan) -> tuple[int, list[float], list[int]]:
    """(status, seconds per request, statements per request); stops at the first error."""
    def ask() -> int:
        counter.count = 0
        status = client.get(page.path).status_code
        if status != 200:
            raise PageError(status)
        return counter.count

    try:
        times, counts = repeat(ask, plan)
    except PageError as error:
        return error.status, [], []
    return 200, times, counts


def _report_args(page: Page):
    from crm.common.reference import Region
    from crm.reports.filters import ReportFilters

    args = dict(parse_qsl(urlsplit(page.path).query))
    return args, ReportFilters(cohort=args.get("cohort", ""),
                               region=Region(args["region"]) if args.get("region") else None)


def time_floor(app, page: Page, plan: Plan) -> tuple[list[float], list]:
    """Seconds per run of the report's floor query, and the rows it returned."""
    args, _filters = _report_args(page)
    with app.app_context():
        query, params = floors.statement(page.slug, db.engine.dialect.name, args)
        times, answers = repeat(lambda: db.session.execute(query, params).all(), plan)
        db.session.rollback()
    return times, answers[-1]


def time_build(app, page: Page, plan: Plan) -> tuple[list[float], object]:
    """Seconds per build of the report's table alone (its queries and Python, without the
    page around it: login, filter form, template), and the table."""
    from crm.reports.registry import BY_SLUG

    args, filters = _report_args(page)
    with app.test_request_context():
        times, answers = repeat(lambda: BY_SLUG[page.slug].build(filters, args), plan)
        db.session.rollback()
    return times, answers[-1]


def measure_page(app, client, counter: QueryCounter, page: Page, engine: str, scale: float,
                 plan: Plan) -> Result:
    status, times, counts = time_page(client, counter, page, plan)
    result = Result(engine, scale, page.kind, page.label, page.path, page.role, status,
                    len(times), percentile(times, 0.5), percentile(times, 0.95),
                    min(counts, default=0), max(counts, default=0))
    if page.slug and status == 200:
        floor_times, rows = time_floor(app, page, plan)
        build_times, table = time_build(app, page, plan)
        result.floor_p50_ms = percentile(floor_times, 0.5)
        result.floor_p95_ms = percentile(floor_times, 0.95)
        result.build_p50_ms = percentile(build_times, 0.5)
        result.floor_check = floors.compare(table, rows)
    return result


def measure(app, engine: str, scale: float, plan: Plan | None = None,
            progress=None) -> list[Result]:
    """Every page (and every report's floor) of the application's database, N times each."""
    plan = plan or Plan()
    with app.app_context():
        users = bench_users()
        pages = choose_pages(app.config["ITEMS_PER_PAGE"])
        counter = QueryCounter(db.engine)
    for note in users.notes:
        print(f"   note: {note}")
    clients = {"manager": logged_in_client(app, users.manager),
               "officer": logged_in_client(app, users.officer)}
    results = []
    try:
        for page in pages:
            if progress:
                progress(page)
            results.append(measure_page(app, clients[page.role], counter, page, engine, scale,
                                        plan))
    finally:
        counter.close()
    return results


# -- the run --------------------------------------------------------------------------------

def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="0.1,1", help="comma-separated (default 0.1,1)")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=30, help="per page (default 30)")
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument("--budget", type=float, default=20.0,
                        help="seconds per page at most, once 5 requests are timed (default 20)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--rebuild", action="store_true", help="build the databases again")
    parser.add_argument("--no-gunicorn", action="store_true")
    parser.add_argument("--load-clients", type=int, default=4,
                        help="concurrent client processes for gunicorn (default 4)")
    parser.add_argument("--load-seconds", type=float, default=5.0)
    return parser.parse_args(argv)


def prepare(args) -> list[databases.BenchDatabase]:
    scales = [float(s) for s in args.scales.split(",") if s.strip()]
    pg_url = os.environ.get("BENCH_PG_URL", databases.DEFAULT_PG_URL)
    found = []
    for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
        if engine == "postgresql":
            why = databases.postgres_reachable(pg_url)
            if why:
                print(f"note: PostgreSQL skipped, not reachable at {pg_url}: {why}")
                continue
        elif engine != "sqlite":
            raise SystemExit(f"unknown engine {engine!r} (sqlite, postgresql)")
        for scale in scales:
            found.append(databases.sqlite_database(scale, args.seed, args.rebuild)
                         if engine == "sqlite" else
                         databases.postgres_database(scale, args.seed, args.rebuild, pg_url))
    return found


def run_load(database: databases.BenchDatabase, args) -> dict:
    app = bench_app(database.url)
    with app.app_context():
        manager = bench_users().manager
        db.engine.dispose()
    print(f"-- gunicorn on sqlite scale {database.scale:g} --", flush=True)
    listings, hello = load.compare_pages(database.url, manager, PASSWORD, LIST_PAGES,
                                         args.load_clients, args.load_seconds)
    return {"database": f"sqlite scale {database.scale:g}", "clients": args.load_clients,
            "seconds": args.load_seconds,
            "lists": [{**asdict(t), "per_second": t.per_second} for t in listings.values()],
            "hello": {**asdict(hello), "per_second": hello.per_second}}


def write_json(args, found, results, load_results, lines) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"pages-{datetime.now():%Y-%m-%d-%H%M%S}.json"
    path.write_text(json.dumps({
        "run_at": datetime.now().isoformat(timespec="seconds"),
        "requests": args.requests, "warmups": args.warmups, "budget_seconds": args.budget,
        "seed": args.seed,
        "databases": [{"engine": d.engine, "scale": d.scale,
                       "revision": databases.schema_revision(d.url),
                       "built": json.loads(d.marker.read_text(encoding="utf-8"))}
                      for d in found],
        "pages": [{**asdict(r), "ratio": r.ratio, "build_ratio": r.build_ratio}
                  for r in results],
        "gunicorn": load_results,
        "targets": [{"target": n, "verdict": v, "detail": d} for n, v, d in lines],
    }, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    return path


def _measure_in_child(url: str, engine: str, scale: float, plan: Plan) -> list[Result]:
    app = bench_app(url)
    return measure(app, engine, scale, plan,
                   progress=lambda page: print(f"   {page.label}", flush=True))


def measure_all(args, found: list[databases.BenchDatabase], results: list[Result]) -> None:
    """Measure every database in turn, each in a fresh process (as a fresh gunicorn worker:
    no objects left by the previous database's application for the garbage collector to
    walk), adding to `results` (kept when interrupted)."""
    plan = Plan(args.requests, args.warmups, args.budget)
    for database in found:
        print(f"-- measuring {database.engine} scale {database.scale:g}: {args.requests} "
              f"requests per page after {args.warmups} warm-ups (at most {args.budget:g} s a "
              "page, 5 requests at least) --", flush=True)
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            results += pool.submit(_measure_in_child, database.url, database.engine,
                                   database.scale, plan).result()


def main(argv=None) -> None:
    args = parse_args(argv)
    found = prepare(args)
    for database in found:
        built = json.loads(database.marker.read_text(encoding="utf-8"))
        print(f"database: {database.engine} scale {database.scale:g}, built on "
              f"{built['built_on']} (seed {built['seed']}), schema at "
              f"{databases.schema_revision(database.url)}")
    results: list[Result] = []
    try:
        measure_all(args, found, results)
    except KeyboardInterrupt:
        print("\ninterrupted: what was measured so far follows (no gunicorn)")
        args.no_gunicorn = True
    sqlite = [d for d in found if d.engine == "sqlite"]
    load_results = None
    if sqlite and not args.no_gunicorn:
        load_results = run_load(max(sqlite, key=lambda d: d.scale), args)
    if not results:
        raise SystemExit("nothing was measured")
    lines = summary.targets(results)
    summary.print_pages(results)
    summary.print_growth(results)
    summary.print_floors(results)
    summary.print_load(load_results, LIST_TARGET)
    summary.print_targets(lines)
    print(f"\nwritten to {write_json(args, found, results, load_results, lines)}")


if __name__ == "__main__":
    main()

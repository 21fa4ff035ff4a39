"""The floor of each report: the same figures computed by one hand-written SQL query.

One function per report slug (crm/reports/registry.py), taking the dialect name ("sqlite" or
"postgresql") and the report's query-string arguments, and returning (SQL text, parameters).
Each query returns one row per row of the report's table, in any order: its label columns
first, then exactly the report's numeric columns (amounts in MAD, days and percentages as the
report rounds them), so that `compare` can check the two give the same numbers.

Percentiles are PERCENTILE_CONT: PostgreSQL has it; on SQLite (no percentile function before
3.47) the same statement counts the whole days into a cumulative histogram and interpolates
between the two neighbours of each quantile.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from itertools import pairwise

import sqlalchemy as sa

from crm.auth.permissions import ASSIGNABLE

FLOORS: dict[str, Callable[[str, Mapping], tuple[str, dict]]] = {}
LIVE = "p.archived_at IS NULL"
# The stages of the main path (no exits), as crm.reports.pipeline.main_path() takes them.
PATH = "s.active AND NOT s.is_exit"
# Who the workload report lists: the roles projects and follow-ups may be given to.
ASSIGNABLE_ROLES = ", ".join(sorted(f"'{role.value}'" for role in ASSIGNABLE))
DEFAULT_PATH = ("identified", "contacted", "applied", "assessed", "incubated", "accelerated",
                "alumni")


def floor(slug: str):
    def register(function):
        FLOORS[slug] = function
        return function
    return register


def _whole_days(later: str, earlier: str, dialect: str) -> str:
    """The whole days from `earlier` to `later`, rounded down (as the reports count them)."""
    if dialect == "postgresql":
        return f"CAST(FLOOR(date_part('epoch', {later} - {earlier}) / 86400) AS INTEGER)"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def _quantile(p_num: int, p_den: int, dialect: str) -> str:
    """Aggregate: the p-quantile of `value`, interpolated between the closest ranks. On
    SQLite, over a cumulative histogram (value, upto = how many values are <= it, n), which
    is small because the values are whole days."""
    if dialect == "postgresql":
        return f"PERCENTILE_CONT({p_num / p_den}) WITHIN GROUP (ORDER BY value)"
    low = f"(n - 1) * {p_num} / {p_den}"  # 0-based rank below the quantile; n is per group
    fraction = f"((n - 1) * {p_num} % {p_den}) * 1.0 / {p_den}"
    at_low = f"MIN(CASE WHEN upto >= {low} + 1 THEN value END)"
    at_high = f"COALESCE(MIN(CASE WHEN upto >= {low} + 2 THEN value END), {at_low})"
    return f"{at_low} + ({at_high} - {at_low}) * {fraction}"


def _percentile_select(keys: str, source: str, dialect: str) -> str:
    """count, median and 75th percentile of `value` per `keys`, from the CTE `source`."""
    if dialect == "postgresql":
        median, p75 = (_round(_quantile(1, 2, dialect), dialect),
                       _round(_quantile(3, 4, dialect), dialect))
        return f"SELECT {keys}, COUNT(*), {median}, {p75} FROM {source} GROUP BY {keys}"
    histogram = (f"(SELECT {keys}, value, SUM(c) OVER (PARTITION BY {keys} ORDER BY value) "
                 f"AS upto, SUM(c) OVER (PARTITION BY {keys}) AS n FROM (SELECT {keys}, value, "
                 f"COUNT(*) AS c FROM {source} GROUP BY {keys}, value) h) r")
    median, p75 = _round(_quantile(1, 2, dialect), dialect), _round(_quantile(3, 4, dialect),
                                                                   dialect)
    return f"SELECT {keys}, n, {median}, {p75} FROM {histogram} GROUP BY {keys}, n"


def _round(expression: str, dialect: str) -> str:
    """ROUND(x, 1): PostgreSQL only rounds numerics (not floats) to a number of places."""
    return f"ROUND(CAST({expression} AS NUMERIC), 1)" if dialect == "postgresql" else (
        f"ROUND({expression}, 1)")


@floor("funnel")
def funnel(dialect: str, args: Mapping) -> tuple[str, dict]:
    """Live projects counted per stage first (from the index of live projects per stage),
    then joined to the stages."""
    share = _round("100.0 * COALESCE(c.n, 0) / NULLIF((SELECT SUM(n) FROM counts), 0)",
                   dialect)
    return (f"""WITH counts AS (
            SELECT p.stage_id, COUNT(*) AS n FROM projects p WHERE {LIVE} GROUP BY p.stage_id)
        SELECT s.code, COALESCE(c.n, 0), {share}
        FROM stages s LEFT JOIN counts c ON c.stage_id = s.id
        WHERE s.active OR c.n > 0
        ORDER BY s.position""", {})


@floor("conversion")
def conversion(dialect: str, args: Mapping) -> tuple[str, dict]:
    """Per project, when it first reached each stage of the path: entered it or any later
    stage of the path (one pass over the transitions); then, per step, those that reached it
    and those that reached the next stage or a later one. The path is the default one (what
    the benchmark's databases hold)."""
    def later(index: int) -> str:
        return ", ".join(f"'{code}'" for code in DEFAULT_PATH[index:])
    firsts = ",\n".join(
        f"MIN(CASE WHEN t.to_stage_id IN (SELECT id FROM stages WHERE code IN ({later(i)})) "
        f"THEN t.at END) AS {code}" for i, code in enumerate(DEFAULT_PATH))
    sums = ",\n".join(
        f"SUM(CASE WHEN {a} IS NOT NULL THEN 1 ELSE 0 END) AS {a}_in, "
        f"SUM(CASE WHEN {b} >= {a} THEN 1 ELSE 0 END) AS {a}_on"
        for a, b in pairwise(DEFAULT_PATH))
    steps = "\nUNION ALL ".join(
        f"SELECT '{a}', {a}_in, {a}_on, {_round(f'100.0 * {a}_on / NULLIF({a}_in, 0)', dialect)}"
        " FROM sums" for a, _b in pairwise(DEFAULT_PATH))
    return (f"""WITH firsts AS (
            SELECT {firsts}
            FROM stage_transitions t JOIN projects p ON p.id = t.project_id WHERE {LIVE}
            GROUP BY t.project_id),
        sums AS MATERIALIZED (SELECT {sums} FROM firsts)
        {steps}""", {})


@floor("time-in-stage")
def time_in_stage(dialect: str, args: Mapping) -> tuple[str, dict]:
    """Every completed stay (its transition knows when the project left the stage)."""
    days = _whole_days("t.left_at", "t.at", dialect)
    return (f"""WITH stays AS (
            SELECT p.cohort, s.code, {days} AS value
            FROM stage_transitions t JOIN projects p ON p.id = t.project_id
            JOIN stages s ON s.id = t.to_stage_id
            WHERE t.left_at IS NOT NULL AND {LIVE} AND {PATH})
        {_percentile_select("cohort, code", "stays", dialect)}
        ORDER BY cohort DESC, code""", {})


@floor("stage-to-stage")
def stage_to_stage(dialect: str, args: Mapping) -> tuple[str, dict]:
    params = {"from_code": args.get("from_stage") or "applied",
              "to_code": args.get("to_stage") or "incubated"}
    scope = [LIVE]
    if args.get("cohort"):
        scope.append("p.cohort = :cohort")
        params["cohort"] = args["cohort"]
    if args.get("region"):
        scope.append("p.organization_id IN (SELECT o.id FROM organizations o "
                     "WHERE o.region = :region)")
        params["region"] = args["region"]
    days = _whole_days("to_at", "from_at", dialect)
    return (f"""WITH ends AS (
            SELECT (SELECT id FROM stages WHERE code = :from_code) AS from_id,
                   (SELECT id FROM stages WHERE code = :to_code) AS to_id),
        firsts AS (
            SELECT p.cohort,
                   MIN(CASE WHEN t.to_stage_id = ends.from_id THEN t.at END) AS from_at,
                   MIN(CASE WHEN t.to_stage_id = ends.to_id THEN t.at END) AS to_at
            FROM ends JOIN stage_transitions t ON t.to_stage_id IN (ends.from_id, ends.to_id)
            JOIN projects p ON p.id = t.project_id
            WHERE {" AND ".join(scope)}
            GROUP BY t.project_id, p.cohort),
        spans AS (
            SELECT cohort, {days} AS value FROM firsts
            WHERE from_at IS NOT NULL AND to_at >= from_at)
        {_percentile_select("cohort", "spans", dialect)}
        ORDER BY cohort DESC""", params)


@floor("workload")
def workload(dialect: str, args: Mapping) -> tuple[str, dict]:
    """Per officer: live projects, open and overdue follow-ups. SQLite counts each officer's
    in the (assignee, status, due) index; PostgreSQL is faster with two grouped scans."""
    live = f"{LIVE} AND NOT s.is_exit AND s.code <> 'alumni'"
    if dialect != "postgresql":
        open_followups = "FROM follow_ups f WHERE f.assignee_id = u.id AND f.status = 'open'"
        return (f"""SELECT u.email,
                (SELECT COUNT(*) FROM projects p JOIN stages s ON s.id = p.stage_id
                 WHERE p.officer_id = u.id AND {live}),
                (SELECT COUNT(*) {open_followups}),
                (SELECT COUNT(*) {open_followups} AND f.due_on < :today)
            FROM users u WHERE u.role IN ({ASSIGNABLE_ROLES}) AND u.active
            ORDER BY u.full_name, u.email""", {"today": date.today()})
    return (f"""SELECT u.email, COALESCE(pr.n, 0), COALESCE(fu.n, 0), COALESCE(fu.late, 0)
        FROM users u
        LEFT JOIN (SELECT p.officer_id, COUNT(*) AS n FROM projects p
                   JOIN stages s ON s.id = p.stage_id WHERE {live}
                   GROUP BY p.officer_id) pr ON pr.officer_id = u.id
        LEFT JOIN (SELECT f.assignee_id, COUNT(*) AS n,
                          SUM(CASE WHEN f.due_on < :today THEN 1 ELSE 0 END) AS late
                   FROM follow_ups f WHERE f.status = 'open'
                   GROUP BY f.assignee_id) fu ON fu.assignee_id = u.id
        WHERE u.role IN ({ASSIGNABLE_ROLES}) AND u.active
        ORDER BY u.full_name, u.email""", {"today": date.today()})


@floor("forums")
def forums(dialect: str, args: Mapping) -> tuple[str, dict]:
    """Each person met at an edition once: followed up within 30 days, became a project."""
    window_end = ("met.held_on + 31" if dialect == "postgresql"
                  else "date(met.held_on, '+31 days')")
    rate = _round("100.0 * SUM(followed) / COUNT(*)", dialect)
    return (f"""WITH met AS (
            SELECT DISTINCT f.id AS forum_id, f.held_on, pa.person_id
            FROM forums f JOIN forum_sessions fs ON fs.forum_id = f.id
            JOIN participations pa ON pa.session_id = fs.id),
        outcomes AS MATERIALIZED (
            SELECT met.forum_id,
                CASE WHEN EXISTS (SELECT 1 FROM follow_ups x WHERE x.person_id = met.person_id
                        AND x.status <> 'cancelled' AND x.created_at >= met.held_on
                        AND x.created_at < {window_end})
                    OR EXISTS (SELECT 1 FROM interactions i WHERE i.person_id = met.person_id
                        AND i.occurred_on >= met.held_on AND i.occurred_on < {window_end})
                    THEN 1 ELSE 0 END AS followed,
                CASE WHEN EXISTS (SELECT 1 FROM memberships m JOIN projects p
                        ON p.organization_id = m.organization_id
                    WHERE m.person_id = met.person_id AND {LIVE}
                        AND p.created_at >= met.held_on) THEN 1 ELSE 0 END AS became
            FROM met)
        SELECT f.name, f.held_on, COUNT(*), SUM(followed), SUM(became), {rate}
        FROM outcomes o JOIN forums f ON f.id = o.forum_id
        GROUP BY f.id, f.name, f.held_on ORDER BY f.held_on DESC""", {})


@floor("funding")
def funding(dialect: str, args: Mapping) -> tuple[str, dict]:
    """Sums by instrument and status; secured = disbursed, or what the campaign raised when
    that is more (not for a declined opportunity), as crm.funding.services.secured_amount."""
    return (f"""SELECT o.instrument, o.status, COUNT(*), SUM(o.amount_requested) / 100.0,
            SUM(o.amount_committed) / 100.0, SUM(o.amount_disbursed) / 100.0,
            COALESCE(SUM(c.raised), 0) / 100.0,
            SUM(CASE WHEN o.status <> 'declined' AND COALESCE(c.raised, 0) > o.amount_disbursed
                THEN c.raised ELSE o.amount_disbursed END) / 100.0
        FROM funding_opportunities o JOIN projects p ON p.id = o.project_id
        LEFT JOIN crowdfunding_campaigns c ON c.opportunity_id = o.id
        WHERE {LIVE} GROUP BY o.instrument, o.status ORDER BY o.instrument, o.status""", {})


@floor("crowdfunding")
def crowdfunding(dialect: str, args: Mapping) -> tuple[str, dict]:
    rate = _round("100.0 * ok / n", dialect)
    total_rate = _round("100.0 * SUM(ok) / SUM(n)", dialect)
    return (f"""WITH per AS (
            SELECT o.instrument, COUNT(*) AS n,
                   SUM(CASE WHEN c.raised >= c.goal THEN 1 ELSE 0 END) AS ok,
                   SUM(c.goal) AS goal, SUM(c.raised) AS raised
            FROM crowdfunding_campaigns c
            JOIN funding_opportunities o ON o.id = c.opportunity_id
            JOIN projects p ON p.id = o.project_id
            WHERE {LIVE} AND c.ends_on < :today GROUP BY o.instrument)
        SELECT instrument, n, ok, {rate},
               goal / 100.0, raised / 100.0 FROM per
        UNION ALL
        SELECT 'all', SUM(n), SUM(ok), {total_rate}, SUM(goal) / 100.0, SUM(raised) / 100.0
        FROM per HAVING COUNT(*) > 0""", {"today": date.today()})


@floor("impact")
def impact(dialect: str, args: Mapping) -> tuple[str, dict]:
    """Summed per period start first (few distinct dates, in index order), then per year."""
    year = ("CAST(EXTRACT(YEAR FROM period_start) AS INTEGER)" if dialect == "postgresql"
            else "CAST(STRFTIME('%Y', period_start) AS INTEGER)")
    reached = _round("100.0 * COALESCE(t.total, 0) / g.value", dialect)
    return (f"""WITH ind AS (
            SELECT id, code, CASE code WHEN 'jobs' THEN 1 WHEN 'jobs_women' THEN 2
                WHEN 'jobs_youth' THEN 3 ELSE 4 END AS rank
            FROM indicators WHERE code IN ('jobs', 'jobs_women', 'jobs_youth',
                                           'beneficiaries')),
        periods AS (
            SELECT m.indicator_id, m.period_start, SUM(m.value) AS total,
                   SUM(CASE WHEN m.source = 'verified' THEN m.value ELSE 0 END) AS verified
            FROM measurements m
            WHERE m.indicator_id IN (SELECT id FROM ind)
              AND m.project_id IN (SELECT p.id FROM projects p WHERE {LIVE})
            GROUP BY m.indicator_id, m.period_start),
        totals AS (
            SELECT indicator_id, {year} AS year, SUM(total) AS total,
                   SUM(verified) AS verified
            FROM periods GROUP BY indicator_id, {year}),
        years AS (SELECT DISTINCT year FROM totals)
        SELECT y.year, ind.code, COALESCE(t.total, 0) / 100.0, COALESCE(t.verified, 0) / 100.0,
               g.value / 100.0, {reached}
        FROM years y CROSS JOIN ind
        LEFT JOIN totals t ON t.indicator_id = ind.id AND t.year = y.year
        LEFT JOIN impact_targets g ON g.indicator_id = ind.id AND g.year = y.year
            AND g.cohort = '' AND g.region = ''
        ORDER BY y.year DESC, ind.rank""", {})


def statement(slug: str, dialect: str, args: Mapping):
    """The executable statement of a report's floor (dates bound as the dialect stores them)."""
    sql, params = FLOORS[slug](dialect, args)
    query = sa.text(sql)
    if "today" in params:
        query = query.bindparams(sa.bindparam("today", type_=sa.Date))
    return query, params


def _number(value):
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value[:10]
    return round(float(value), 2)


def compare(table, rows) -> str | None:
    """None when the report's numeric columns hold the same numbers as the floor's last
    columns (row order aside, the last rounded digit may differ), else the first difference."""
    numeric = [i for i, column in enumerate(table.columns) if column.numeric]
    mine = sorted((tuple(_number(row[i]) for i in numeric) for row in table.rows), key=repr)
    theirs = sorted((tuple(_number(v) for v in row[len(row) - len(numeric):]) for row in rows),
                    key=repr)
    if len(mine) != len(theirs):
        return f"{len(mine)} rows in the report, {len(theirs)} in the floor"
    for a, b in zip(mine, theirs, strict=True):
        for x, y in zip(a, b, strict=True):
            same = x == y or (isinstance(x, float) and isinstance(y, float)
                              and abs(x - y) <= 0.1001 + 1e-6 * abs(x))
            if not same:
                return f"report {a} vs floor {b}"
    return None

"""Impact notes, the indicator catalog and measurements, with their rules: no negative value,
a part ("of which") never above its total, no two overlapping periods for one indicator."""

from datetime import date
from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_
from sqlalchemy.orm import aliased

from crm.audit import services as audit
from crm.auth.permissions import can
from crm.common.money import to_decimal
from crm.common.records import commit_or_conflict, update_record
from crm.common.time import local_today, utcnow
from crm.errors import ServiceError
from crm.extensions import db
from crm.impact.models import ImpactNote, Indicator, Measurement, MeasurementSource, Visibility
from crm.organizations.models import Organization
from crm.projects.models import Project
from crm.webhooks import events as webhooks

# code, English, French, Arabic, unit, SDGs, IRIS+ reference, part of
DEFAULT_INDICATORS = [
    ("jobs", "Jobs created", "Emplois créés", "مناصب الشغل المحدثة", "jobs", {8}, "PI3687", None),
    ("jobs_women", "of which women", "dont femmes", "منها للنساء", "jobs", {5, 8}, "PI3687",
     "jobs"),
    ("jobs_youth", "of which youth", "dont jeunes", "منها للشباب", "jobs", {8}, "PI3687",
     "jobs"),
    ("beneficiaries", "Beneficiaries reached", "Bénéficiaires atteints", "المستفيدون",
     "people", {1, 10}, "PI4060", None),
    ("beneficiaries_women", "of which women", "dont femmes", "منهم نساء", "people", {5},
     "PI4060", "beneficiaries"),
    ("beneficiaries_youth", "of which youth", "dont jeunes", "منهم شباب", "people", {4, 10},
     "PI4060", "beneficiaries"),
    ("revenue", "Revenue", "Chiffre d'affaires", "رقم المعاملات", "MAD", {8}, "PI1775", None),
    ("volunteers", "Volunteers", "Bénévoles", "المتطوعون", "people", {17}, "OI1682", None),
]
# Indicators whose latest figure is the number (a headcount), not the sum of the periods.
LATEST_FIGURE_COUNTS = {"volunteers"}


def ensure_default_indicators() -> None:
    """Create the default catalog where it is missing (idempotent)."""
    existing = {i.code: i for i in db.session.scalars(db.select(Indicator))}
    for position, (code, en, fr, ar, unit, sdgs, ref, parent) in enumerate(DEFAULT_INDICATORS):
        if code not in existing:
            indicator = Indicator(code=code, name_en=en, name_fr=fr, name_ar=ar, unit=unit,
                                  sdgs=sdgs, standard_reference=ref, position=position * 10,
                                  part_of=existing.get(parent),
                                  adds_up=code not in LATEST_FIGURE_COUNTS)
            db.session.add(indicator)
            existing[code] = indicator
    db.session.commit()


def list_indicators(active_only: bool = True) -> list[Indicator]:
    query = db.select(Indicator).order_by(Indicator.position, Indicator.id)
    if active_only:
        query = query.where(Indicator.active.is_(True))
    return list(db.session.scalars(query))


def get_indicator(code: str) -> Indicator | None:
    return db.session.scalar(db.select(Indicator).where(Indicator.code == code))


def get_indicator_by_id(indicator_id: int) -> Indicator | None:
    return db.session.get(Indicator, indicator_id)


def indicator_label(indicator: Indicator) -> str:
    """An indicator's name, a part named with its total: "Jobs created — of which women"."""
    if indicator.part_of is None:
        return indicator.name
    return _("%(total)s — %(part)s", total=indicator.part_of.name, part=indicator.name)


def indicator_choices(lang: str) -> list[tuple[int, str]]:
    """(id, label) of the active indicators, named in `lang` as `indicator_label` names them,
    for filter forms; read as columns, as building the catalog's objects cost the projects
    list more than its own query."""
    total = aliased(Indicator)

    def name(model):
        named = getattr(model, f"name_{lang}", model.name_en)
        return func.coalesce(func.nullif(named, ""), model.name_en)

    query = (db.select(Indicator.id, name(Indicator), name(total))
             .outerjoin(total, total.id == Indicator.part_of_id)
             .where(Indicator.active.is_(True)).order_by(Indicator.position, Indicator.id))
    return [(i, part if whole is None else _("%(total)s — %(part)s", total=whole, part=part))
            for i, part, whole in db.session.execute(query)]


def _check_part_of(indicator: Indicator | None, part_of_id: int | None) -> None:
    """"Of which" goes one level deep: a part's total is not itself a part, nor the part."""
    if part_of_id is None:
        return
    total = db.session.get(Indicator, part_of_id)
    if total is None or total.part_of_id is not None or (
            indicator is not None and total.id == indicator.id):
        raise ServiceError(_l("Choose an indicator that is a total, not a part."),
                           field="part_of_id")
    if indicator is not None and db.session.scalar(
            db.select(Indicator.id).where(Indicator.part_of_id == indicator.id).limit(1)):
        raise ServiceError(_l("This indicator has parts of its own: it cannot be a part."),
                           field="part_of_id")


def save_indicator(actor, indicator: Indicator | None, **data) -> Indicator:
    """Create or edit a catalog entry (admin)."""
    for name in ("name_ar", "name_fr", "name_en", "unit"):
        if not (data.get(name) or "").strip():
            raise ServiceError(_l("This field is required."), field=name)
    _check_part_of(indicator, data.get("part_of_id"))
    code = (data.pop("code", None) or "").strip().lower()
    for name in ("name_ar", "name_fr", "name_en", "unit", "standard_reference"):
        if isinstance(data.get(name), str):
            data[name] = data[name].strip()
    if indicator is None:
        if not code or get_indicator(code):
            raise ServiceError(_l("Give a new, unique code."), field="code")
        indicator = Indicator(code=code)
        changes = audit.apply_changes(indicator, data)  # set before the row is written
        db.session.add(indicator)
        db.session.flush()
        audit.record(actor, "create", "indicator", indicator.id, {"code": [None, code]} | changes)
    else:
        changes = audit.apply_changes(indicator, data)
        if changes:
            audit.record(actor, "update", "indicator", indicator.id, changes)
    db.session.commit()
    return indicator


# -- notes ---------------------------------------------------------------------------------

def add_note(actor, body: str, written_on: date, visibility: Visibility, project=None,
             organization=None) -> ImpactNote:
    if not body.strip():
        raise ServiceError(_l("Write the note."), field="body")
    if not (project or organization):
        raise ServiceError(_l("A note is about a project or an organization."))
    note = ImpactNote(body=body.strip(), written_on=written_on, visibility=visibility,
                      project=project, organization=organization,
                      author_id=actor.id if actor else None)
    db.session.add(note)
    db.session.flush()
    audit.record(actor, "create", "impact_note", note.id,
                 {"visibility": [None, visibility.value]})
    db.session.commit()
    return note


def notes_of(project_id=None, organization_id=None, shared_only: bool = False):
    """Notes, newest first; `shared_only` for anything an innovator may read."""
    if not (project_id or organization_id):
        return []  # never every note of the database for a missing id
    query = db.select(ImpactNote).options(db.joinedload(ImpactNote.author)).order_by(
        ImpactNote.written_on.desc(), ImpactNote.id.desc())
    if project_id:
        query = query.where(ImpactNote.project_id == project_id)
    if organization_id:
        query = query.where(ImpactNote.organization_id == organization_id)
    if shared_only:
        query = query.where(ImpactNote.visibility == Visibility.SHARED)
    return list(db.session.scalars(query))


# -- measurements --------------------------------------------------------------------------

def _same_period(project_id: int, indicator_id: int, start: date, end: date):
    return db.session.scalar(db.select(Measurement).where(
        Measurement.project_id == project_id, Measurement.indicator_id == indicator_id,
        Measurement.period_start == start, Measurement.period_end == end))


def _reported_source(actor) -> MeasurementSource:
    """An innovator's figure is self-reported; a figure typed by staff is the foundation's."""
    if actor is not None and can(actor, "impact.edit"):
        return MeasurementSource.STAFF_REPORTED
    return MeasurementSource.SELF_REPORTED


def _check_measurement(project_id: int, indicator: Indicator, start: date, end: date,
                       value: Decimal, exclude_id: int | None) -> None:
    if value < 0:
        raise ServiceError(_l("A figure cannot be negative."), field="value")
    if end < start:
        raise ServiceError(_l("The period cannot end before it starts."), field="period_end")
    if end > local_today():
        raise ServiceError(_l("This period has not ended yet: figures are reported once the "
                              "period is over."), field="period_end")
    overlap = db.select(Measurement.id).where(
        Measurement.project_id == project_id, Measurement.indicator_id == indicator.id,
        Measurement.period_start <= end, Measurement.period_end >= start)
    if exclude_id:
        overlap = overlap.where(Measurement.id != exclude_id)
    if db.session.scalar(overlap.limit(1)) is not None:
        raise ServiceError(_l("There is already a figure for this indicator over part of this "
                              "period."), field="period_start")
    if indicator.part_of is not None:
        total = _same_period(project_id, indicator.part_of_id, start, end)
        if total is not None and value > total.value:
            raise ServiceError(_l("This part cannot be above its total (%(total)s).",
                                  total=format_decimal(total.value)), field="value")
    parts = db.session.scalar(db.select(func.max(Measurement.value)).join(Measurement.indicator)
                              .where(Indicator.part_of_id == indicator.id,
                                     Measurement.project_id == project_id,
                                     Measurement.period_start == start,
                                     Measurement.period_end == end))
    if parts is not None and value < parts:
        raise ServiceError(_l("The total cannot be below one of its parts (%(part)s).",
                              part=format_decimal(parts)), field="value")


def record_measurement(actor, project, indicator: Indicator, period_start: date,
                       period_end: date, value, note: str = "",
                       source: MeasurementSource | None = None) -> Measurement:
    """A figure for a project, an indicator and a period, over a period that has ended; its
    source follows from who reports it unless given (the demo data gives it)."""
    source = source or _reported_source(actor)
    value = to_decimal(value)
    _check_measurement(project.id, indicator, period_start, period_end, value, None)
    measurement = Measurement(project_id=project.id, indicator=indicator,
                              period_start=period_start, period_end=period_end, value=value,
                              note=note.strip(), source=source,
                              reported_by_id=actor.id if actor else None)
    if source == MeasurementSource.VERIFIED:
        measurement.verified_by_id, measurement.verified_at = measurement.reported_by_id, utcnow()
    db.session.add(measurement)
    db.session.flush()
    audit.record(actor, "create", "measurement", measurement.id, {
        "project_id": [None, project.id], "indicator": [None, indicator.code],
        "period": [None, f"{period_start}/{period_end}"], "value": [None, str(value)],
        "source": [None, source.value]})
    webhooks.emit("measurement.recorded", measurement)
    db.session.commit()
    return measurement


def update_measurement(actor, measurement: Measurement, expected_version, period_start: date,
                       period_end: date, value, note: str = "") -> dict:
    value = to_decimal(value)
    _check_measurement(measurement.project_id, measurement.indicator, period_start, period_end,
                       value, measurement.id)
    data = {"period_start": period_start, "period_end": period_end, "value": value,
            "note": note.strip()}
    changed = (value, period_start, period_end) != (
        measurement.value, measurement.period_start, measurement.period_end)
    if measurement.source == MeasurementSource.VERIFIED and changed:
        data |= {"source": _reported_source(actor), "verified_by_id": None,
                 "verified_at": None}  # a changed figure must be verified again
    changes = update_record(actor, measurement, "measurement", expected_version, data)
    commit_or_conflict(measurement)
    return changes


def verify_measurement(actor, measurement: Measurement, expected_version=None) -> None:
    """An officer has checked the figure: that, who and when are recorded. With
    `expected_version`, a figure changed since the officer read it is not verified."""
    if measurement.source == MeasurementSource.VERIFIED:
        raise ServiceError(_l("This figure is already verified."))
    update_record(actor, measurement, "measurement", expected_version, {
        "source": MeasurementSource.VERIFIED, "verified_by_id": actor.id,
        "verified_at": utcnow()})
    webhooks.emit("measurement.verified", measurement)
    commit_or_conflict(measurement)


def get_measurement(measurement_id: int) -> Measurement | None:
    return db.session.get(Measurement, measurement_id, options=[
        db.joinedload(Measurement.indicator)])


def measurements_of(project_id: int) -> list[Measurement]:
    query = (db.select(Measurement).where(Measurement.project_id == project_id)
             .options(db.joinedload(Measurement.indicator).joinedload(Indicator.part_of),
                      db.joinedload(Measurement.verified_by),
                      db.joinedload(Measurement.reported_by))
             .order_by(Measurement.period_start.desc(), Measurement.period_end.desc(),
                       Measurement.indicator_id))
    return list(db.session.scalars(query))


def measurements_by_period(project_id: int) -> list[tuple[date, date, list[Measurement]]]:
    """A project's figures grouped by period, newest period first, in catalog order."""
    groups: dict[tuple[date, date], list[Measurement]] = {}
    for measurement in measurements_of(project_id):
        key = (measurement.period_start, measurement.period_end)
        groups.setdefault(key, []).append(measurement)
    return [(start, end, sorted(items, key=lambda m: (m.indicator.position, m.indicator.id)))
            for (start, end), items in groups.items()]


def last_semester(today: date) -> tuple[date, date]:
    """The latest half-year that is over."""
    if today.month > 6:
        return date(today.year, 1, 1), date(today.year, 6, 30)
    return date(today.year - 1, 7, 1), date(today.year - 1, 12, 31)


def last_year(today: date) -> tuple[date, date]:
    """The latest calendar year that is over."""
    return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)


QUICK_PERIODS = {"last-semester": last_semester, "last-year": last_year}


def quick_periods(today: date) -> dict[str, tuple[date, date]]:
    """The periods offered in one click on the figure form."""
    return {code: period(today) for code, period in QUICK_PERIODS.items()}


def series(project_ids) -> dict[Indicator, list[tuple[date, Decimal]]]:
    """Per indicator, the summed value per period end, in time order (for the charts)."""
    query = (db.select(Measurement.indicator_id, Measurement.period_end,
                       func.sum(Measurement.value))
             .where(Measurement.project_id.in_(project_ids))
             .group_by(Measurement.indicator_id, Measurement.period_end)
             .order_by(Measurement.period_end))
    indicators = {i.id: i for i in list_indicators(active_only=False)}
    result: dict = {}
    for indicator_id, end, total in db.session.execute(query):
        result.setdefault(indicators[indicator_id], []).append((end, total))
    return dict(sorted(result.items(), key=lambda item: item[0].position))


def _is_latest(figure):
    """SQL condition: `figure` is the latest of its project's figures for its indicator (none
    ends later)."""
    other = aliased(Measurement)
    return figure.period_end == (
        db.select(func.max(other.period_end))
        .where(other.project_id == figure.project_id, other.indicator_id == figure.indicator_id)
        .scalar_subquery())


def totals(project_ids) -> dict[Indicator, Decimal]:
    """Per indicator over the given projects: the sum of every figure where figures add up,
    the sum of each project's latest figure where the latest figure is the number."""
    counted = or_(Indicator.adds_up.is_(True), _is_latest(Measurement))
    query = (db.select(Measurement.indicator_id, func.sum(Measurement.value))
             .join(Indicator, Indicator.id == Measurement.indicator_id)
             .where(Measurement.project_id.in_(project_ids), counted)
             .group_by(Measurement.indicator_id))
    indicators = {i.id: i for i in list_indicators(active_only=False)}
    rows = {indicators[i]: v for i, v in db.session.execute(query)}
    return dict(sorted(rows.items(), key=lambda item: item[0].position))


def projects_reaching(indicator_id: int, at_least: Decimal | None):
    """SQL: the ids of the projects whose figure for the indicator reaches `at_least` (any
    figure, when None). The figure is the one `totals` gives, as an organization's page and
    the impact report count it: every period summed where the indicator adds up (jobs created
    to date), the latest where it is a headcount (volunteers now); whoever reported it, since
    the report then says how much of it is verified. Read from the indicator's index."""
    counted = or_(Indicator.adds_up.is_(True), _is_latest(Measurement))
    query = (db.select(Measurement.project_id)
             .join(Indicator, Indicator.id == Measurement.indicator_id)
             .where(Measurement.indicator_id == indicator_id, counted)
             .group_by(Measurement.project_id))
    if at_least is not None:
        query = query.having(func.sum(Measurement.value) >= at_least)
    return query


def latest(project_id: int) -> list[Measurement]:
    """The most recent figure of each indicator for a project."""
    query = (db.select(Measurement)
             .where(Measurement.project_id == project_id, _is_latest(Measurement))
             .options(db.joinedload(Measurement.indicator).joinedload(Indicator.part_of)))
    return sorted(db.session.scalars(query), key=lambda m: m.indicator.position)


def _charts(by_indicator: dict[Indicator, list[tuple[date, Decimal]]]) -> list[dict]:
    """One chart per total, its parts ("of which") drawn beside it, with the table rows."""
    groups: dict[Indicator, list[Indicator]] = {}
    for indicator in by_indicator:
        groups.setdefault(indicator.part_of or indicator, [])
    for indicator in by_indicator:
        if indicator.part_of is not None:
            groups[indicator.part_of].append(indicator)
    charts = []
    for total, parts in sorted(groups.items(), key=lambda item: item[0].position):
        members = ([total] if total in by_indicator else []) + parts
        values = {i: dict(by_indicator[i]) for i in members}
        ends = sorted({end for i in members for end in values[i]})
        charts.append({
            "indicator": total,
            "indicators": members,
            "ends": ends,
            "rows": [(end, [values[i].get(end) for i in members]) for end in ends],
            # Chart.js draws numbers; the table beside it keeps the exact values.
            "plot": [[None if values[i].get(end) is None else float(values[i][end])
                      for end in ends] for i in members],
        })
    return charts


def _panel_notes(project_ids: list[int], organization_id: int | None,
                 shared_only: bool) -> list[ImpactNote]:
    conditions = [ImpactNote.project_id.in_(project_ids)] if project_ids else []
    if organization_id is not None:
        conditions.append(ImpactNote.organization_id == organization_id)
    if not conditions:
        return []
    query = (db.select(ImpactNote).where(or_(*conditions))
             .options(db.joinedload(ImpactNote.author), db.joinedload(ImpactNote.project))
             .order_by(ImpactNote.written_on.desc(), ImpactNote.id.desc()))
    if shared_only:
        query = query.where(ImpactNote.visibility == Visibility.SHARED)
    return list(db.session.scalars(query))


def impact_panel(project_ids, shared_only: bool = False,
                 organization_id: int | None = None) -> dict:
    """What the impact panel of a project page (one id) or of an organization page (its
    projects' ids and `organization_id`) shows: for a project its latest figure of each
    indicator, for an organization the totals of its projects; a chart per indicator over
    time; the notes (only the shared ones when `shared_only`, for anyone an innovator)."""
    project_ids = [int(i) for i in project_ids]
    single = organization_id is None and len(project_ids) == 1
    if not project_ids:
        figures = []
    elif single:
        figures = [{"indicator": m.indicator, "value": m.value, "measurement": m}
                   for m in latest(project_ids[0])]
    else:
        figures = [{"indicator": i, "value": v, "measurement": None}
                   for i, v in totals(project_ids).items()]
    return {
        "project": db.session.get(Project, project_ids[0]) if single else None,
        "organization": (db.session.get(Organization, organization_id)
                         if organization_id is not None else None),
        "figures": figures,
        "charts": _charts(series(project_ids)) if project_ids else [],
        "notes": _panel_notes(project_ids, organization_id, shared_only),
        "shared_only": shared_only,
    }

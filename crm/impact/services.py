"""Impact notes, the indicator catalog and measurements, with their rules: no negative value,
a part ("of which") never above its total, no two overlapping periods for one indicator."""

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from crm.audit import services as audit
from crm.common.money import to_decimal
from crm.common.records import commit_or_conflict, update_record
from crm.common.time import utcnow
from crm.errors import ServiceError
from crm.extensions import db
from crm.impact.models import ImpactNote, Indicator, Measurement, MeasurementSource, Visibility

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


def ensure_default_indicators() -> None:
    """Create the default catalog where it is missing (idempotent)."""
    existing = {i.code: i for i in db.session.scalars(db.select(Indicator))}
    for position, (code, en, fr, ar, unit, sdgs, ref, parent) in enumerate(DEFAULT_INDICATORS):
        if code not in existing:
            indicator = Indicator(code=code, name_en=en, name_fr=fr, name_ar=ar, unit=unit,
                                  sdgs=sdgs, standard_reference=ref, position=position * 10,
                                  part_of=existing.get(parent))
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


def save_indicator(actor, indicator: Indicator | None, **data) -> Indicator:
    """Create or edit a catalog entry (admin)."""
    for name in ("name_ar", "name_fr", "name_en", "unit"):
        if not (data.get(name) or "").strip():
            raise ServiceError(_l("This field is required."), field=name)
    if indicator is None:
        code = (data.get("code") or "").strip().lower()
        if not code or get_indicator(code):
            raise ServiceError(_l("Give a new, unique code."), field="code")
        indicator = Indicator(code=code)
        db.session.add(indicator)
        db.session.flush()
        action = "create"
    else:
        action = "update"
    data.pop("code", None)
    changes = audit.apply_changes(indicator, data)
    audit.record(actor, action, "indicator", indicator.id, changes)
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


def _check_measurement(project_id: int, indicator: Indicator, start: date, end: date,
                       value: Decimal, exclude_id: int | None) -> None:
    if value < 0:
        raise ServiceError(_l("A figure cannot be negative."), field="value")
    if end < start:
        raise ServiceError(_l("The period cannot end before it starts."), field="period_end")
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
                                  total=total.value), field="value")
    parts = db.session.scalar(db.select(func.max(Measurement.value)).join(Measurement.indicator)
                              .where(Indicator.part_of_id == indicator.id,
                                     Measurement.project_id == project_id,
                                     Measurement.period_start == start,
                                     Measurement.period_end == end))
    if parts is not None and value < parts:
        raise ServiceError(_l("The total cannot be below one of its parts (%(part)s).",
                              part=parts), field="value")


def record_measurement(actor, project, indicator: Indicator, period_start: date,
                       period_end: date, value, note: str = "",
                       source: MeasurementSource = MeasurementSource.SELF_REPORTED
                       ) -> Measurement:
    """A figure for a project, an indicator and a period."""
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
    db.session.commit()
    return measurement


def update_measurement(actor, measurement: Measurement, expected_version, period_start: date,
                       period_end: date, value, note: str = "") -> dict:
    value = to_decimal(value)
    _check_measurement(measurement.project_id, measurement.indicator, period_start, period_end,
                       value, measurement.id)
    data = {"period_start": period_start, "period_end": period_end, "value": value,
            "note": note.strip()}
    if measurement.source == MeasurementSource.VERIFIED and value != measurement.value:
        data |= {"source": MeasurementSource.SELF_REPORTED, "verified_by_id": None,
                 "verified_at": None}  # a changed figure must be verified again
    changes = update_record(actor, measurement, "measurement", expected_version, data)
    commit_or_conflict(measurement)
    return changes


def verify_measurement(actor, measurement: Measurement) -> None:
    """An officer has checked the figure: that, who and when are recorded."""
    if measurement.source == MeasurementSource.VERIFIED:
        raise ServiceError(_l("This figure is already verified."))
    update_record(actor, measurement, "measurement", None, {
        "source": MeasurementSource.VERIFIED, "verified_by_id": actor.id,
        "verified_at": utcnow()})
    commit_or_conflict(measurement)


def get_measurement(measurement_id: int) -> Measurement | None:
    return db.session.get(Measurement, measurement_id, options=[
        db.joinedload(Measurement.indicator)])


def measurements_of(project_id: int) -> list[Measurement]:
    query = (db.select(Measurement).where(Measurement.project_id == project_id)
             .options(db.joinedload(Measurement.indicator), db.joinedload(Measurement.verified_by))
             .order_by(Measurement.period_start.desc(), Measurement.indicator_id))
    return list(db.session.scalars(query))


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


def totals(project_ids) -> dict[Indicator, Decimal]:
    """Sum of every measurement per indicator over the given projects."""
    query = (db.select(Measurement.indicator_id, func.sum(Measurement.value))
             .where(Measurement.project_id.in_(project_ids))
             .group_by(Measurement.indicator_id))
    indicators = {i.id: i for i in list_indicators(active_only=False)}
    rows = {indicators[i]: v for i, v in db.session.execute(query)}
    return dict(sorted(rows.items(), key=lambda item: item[0].position))


def latest(project_id: int) -> list[Measurement]:
    """The most recent figure of each indicator for a project."""
    newest = (db.select(Measurement.indicator_id, func.max(Measurement.period_end).label("end"))
              .where(Measurement.project_id == project_id)
              .group_by(Measurement.indicator_id).subquery())
    query = (db.select(Measurement).join(newest, (Measurement.indicator_id == newest.c.indicator_id)
                                         & (Measurement.period_end == newest.c.end))
             .where(Measurement.project_id == project_id)
             .options(db.joinedload(Measurement.indicator)))
    return sorted(db.session.scalars(query), key=lambda m: m.indicator.position)

"""Impact targets set by an admin: what an indicator should reach in a year, for one cohort and
one region or for all of them, and which target applies to the slice a report shows.

"" stands for "every cohort" and "every region" in the stored rows (see ImpactTarget)."""

from collections.abc import Iterable
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from crm.audit import services as audit
from crm.common.money import to_decimal
from crm.common.records import commit_or_conflict, update_record
from crm.common.reference import Region
from crm.errors import ServiceError
from crm.extensions import db
from crm.impact.models import ImpactTarget, Indicator

FIRST_YEAR, LAST_YEAR = 2000, 2100
FIELDS = ["indicator_id", "year", "value", "cohort", "region", "note"]


def list_targets() -> list[ImpactTarget]:
    """Every target, latest year first, then in catalog order, general before particular."""
    query = (db.select(ImpactTarget).join(ImpactTarget.indicator)
             .options(db.contains_eager(ImpactTarget.indicator).joinedload(Indicator.part_of))
             .order_by(ImpactTarget.year.desc(), Indicator.position, Indicator.id,
                       ImpactTarget.cohort, ImpactTarget.region))
    return list(db.session.scalars(query).unique())


def get_target(target_id: int) -> ImpactTarget | None:
    return db.session.get(ImpactTarget, target_id, options=[
        db.joinedload(ImpactTarget.indicator).joinedload(Indicator.part_of)])


def region_value(region: Region | str | None) -> str:
    """The stored form of a region: its value, or "" for every region."""
    if not region:
        return ""
    try:
        return Region(region).value
    except ValueError:
        raise ServiceError(_l("Choose a region from the list."), field="region") from None


def _duplicate_error(year: int) -> ServiceError:
    return ServiceError(_l("There is already a target for this indicator in %(year)s, for this "
                           "cohort and this region. Edit that one instead.", year=year),
                        field="indicator_id")


def _clean(target: ImpactTarget | None, indicator_id, year, value, cohort: str, region,
           note: str) -> dict:
    """The checked values of a target, or a ServiceError naming the field at fault."""
    indicator = db.session.get(Indicator, int(indicator_id)) if indicator_id else None
    unchanged = target is not None and indicator is not None and (
        indicator.id == target.indicator_id)
    if indicator is None or not (indicator.active or unchanged):
        raise ServiceError(_l("Choose an indicator in use."), field="indicator_id")
    if year is None or not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise ServiceError(_l("Give a year between %(first)s and %(last)s.", first=FIRST_YEAR,
                              last=LAST_YEAR), field="year")
    value = to_decimal(value) if value is not None else None
    if value is None:
        raise ServiceError(_l("Give the target."), field="value")
    if value < 0:
        raise ServiceError(_l("A target cannot be negative."), field="value")
    data = {"indicator_id": indicator.id, "year": int(year), "value": value,
            "cohort": (cohort or "").strip()[:40], "region": region_value(region),
            "note": (note or "").strip()[:300]}
    same = db.select(ImpactTarget.id).where(
        *(getattr(ImpactTarget, name) == data[name]
          for name in ("indicator_id", "year", "cohort", "region")))
    if target is not None:
        same = same.where(ImpactTarget.id != target.id)
    if db.session.scalar(same.limit(1)) is not None:
        raise _duplicate_error(data["year"])
    return data


def save_target(actor, target: ImpactTarget | None, *, indicator_id, year, value,
                cohort: str = "", region: Region | str | None = None, note: str = "",
                expected_version=None) -> ImpactTarget:
    """Create (`target` None) or edit a target; one per indicator, year, cohort and region."""
    data = _clean(target, indicator_id, year, value, cohort, region, note)
    try:
        if target is None:
            target = ImpactTarget(**data)
            db.session.add(target)
            db.session.flush()
            audit.record(actor, "create", "impact_target", target.id,
                         audit.snapshot(target, FIELDS))
            db.session.commit()
        else:
            update_record(actor, target, "impact_target", expected_version, data)
            commit_or_conflict(target)
    except IntegrityError:
        # the same target saved by someone else between the check above and this write
        db.session.rollback()
        raise _duplicate_error(data["year"]) from None
    return target


def delete_target(actor, target: ImpactTarget) -> None:
    """Remove a target; the audit keeps what it was."""
    audit.record(actor, "delete", "impact_target", target.id, {
        name: [value, None] for name, [_, value] in audit.snapshot(target, FIELDS).items()})
    db.session.delete(target)
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise ServiceError(_l("Someone else changed or deleted this target meanwhile; nothing "
                              "was deleted. Look at the list again.")) from None


def targets_for(indicator_ids: Iterable[int], years: Iterable[int], cohort: str = "",
                region: Region | str | None = None,
                exact: bool = False) -> dict[tuple[int, int], Decimal]:
    """The target that applies to each (indicator, year) for a cohort ("" every cohort) and a
    region (None every region): the one set for both, else for the cohort in every region,
    else for the region in every cohort, else the general one. With `exact`, only the one set
    for both (a figure narrowed to a cohort is never compared with a wider target). Missing
    pairs have none."""
    indicator_ids, years = set(indicator_ids), set(years)
    if not indicator_ids or not years:
        return {}
    cohort, region = (cohort or "").strip(), region_value(region)
    query = db.select(ImpactTarget.indicator_id, ImpactTarget.year, ImpactTarget.cohort,
                      ImpactTarget.region, ImpactTarget.value).where(
        ImpactTarget.indicator_id.in_(indicator_ids), ImpactTarget.year.in_(years),
        ImpactTarget.cohort.in_({cohort} if exact else {"", cohort}),
        ImpactTarget.region.in_({region} if exact else {"", region}))
    best: dict[tuple[int, int], tuple[int, Decimal]] = {}
    for indicator_id, year, row_cohort, row_region, value in db.session.execute(query):
        # 0 both match, 1 cohort only, 2 region only, 3 general
        rank = (0 if row_cohort == cohort else 2) + (0 if row_region == region else 1)
        key = (indicator_id, year)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, value)
    return {key: value for key, (_, value) in best.items()}

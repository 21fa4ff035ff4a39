"""Impact targets: the admin screens, their rules, and which target applies to a report."""

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError

from crm.audit.models import AuditEntry
from crm.auth.models import Role
from crm.common.reference import Region
from crm.errors import ServiceError
from crm.impact import services, targets
from crm.impact.models import ImpactTarget, Indicator
from tests.factories import make_project, make_user

NEGATIVE = "A target cannot be negative."
DUPLICATE = ("There is already a target for this indicator in 2025, for this cohort and this "
             "region. Edit that one instead.")


def _text(response) -> str:
    return response.get_data(as_text=True)


def _errors_of(page: str, field: str) -> str:
    """The messages shown next to a field (render_field puts them in `<id>-errors`)."""
    found = re.search(rf'<div id="{field}-errors"[^>]*>(.*?)</div>\s*</div>', page, re.S)
    return re.sub(r"<[^>]+>", " ", found.group(1)) if found else ""


def _input_value(page: str, field: str) -> str:
    found = re.search(rf'<input[^>]*id="{field}"[^>]*>', page)
    value = re.search(r'value="([^"]*)"', found.group(0)) if found else None
    return value.group(1) if value else ""


def _selected(page: str, field: str) -> str:
    select = re.search(rf'<select[^>]*id="{field}"[^>]*>(.*?)</select>', page, re.S).group(1)
    chosen = re.search(r'<option selected value="([^"]*)"', select)
    return chosen.group(1) if chosen else ""


def _indicator(code: str) -> Indicator:
    return services.get_indicator(code)


def _target(actor, code: str, year: int, value, cohort: str = "", region=None,
            note: str = "") -> ImpactTarget:
    return targets.save_target(actor, None, indicator_id=_indicator(code).id, year=year,
                               value=Decimal(value), cohort=cohort, region=region, note=note)


def _retire(db, code: str) -> None:
    _indicator(code).active = False
    db.session.commit()


def _all(db) -> list[ImpactTarget]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(ImpactTarget).order_by(ImpactTarget.id)))


def _audit(db, action: str) -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.entity_type == "impact_target", AuditEntry.action == action)))


def _form(code: str = "jobs", **overrides) -> dict:
    return {"indicator_id": str(_indicator(code).id), "year": "2025", "value": "120",
            "cohort": "", "region": "", "note": ""} | overrides


@pytest.fixture
def admin(db):
    return make_user(Role.ADMIN)


# --- the screens ------------------------------------------------------------------------------


def test_an_admin_creates_a_target_typed_as_people_type_figures(client, login_as, db):
    login_as(Role.ADMIN)
    make_project(cohort="WeXchange 2024")
    _retire(db, "volunteers")
    empty = _text(client.get("/impact/targets"))
    assert "No target yet." in empty and "/impact/targets/new" in empty
    page = _text(client.get("/impact/targets/new"))
    assert '<datalist id="target-cohorts">' in page and '<option value="WeXchange 2024">' in page
    assert 'list="target-cohorts"' in page
    assert re.search(r'<input[^>]*id="value"[^>]*inputmode="decimal"[^>]*type="text"', page)
    assert "Every region" in page and "Souss-Massa" in page
    assert "Jobs created — of which women" in page and "Volunteers" not in page
    response = client.post("/impact/targets/new", data=_form(
        value="1 234,5", cohort="WeXchange 2024", region="souss-massa", note="Plan 2025"))
    assert response.status_code == 302 and response.location.endswith("/impact/targets")
    [target] = _all(db)
    assert (target.indicator.code, target.year, target.value) == ("jobs", 2025,
                                                                  Decimal("1234.50"))
    assert (target.cohort, target.region, target.note) == ("WeXchange 2024", "souss-massa",
                                                           "Plan 2025")
    assert target.region_enum is Region.SOUSS_MASSA
    listing = _text(client.get("/impact/targets"))
    for text in ("2025", "Jobs created", "WeXchange 2024", "Souss-Massa", "1,234.5",
                 "Plan 2025"):
        assert text in listing
    [entry] = _audit(db, "create")
    assert entry.entity_id == target.id and entry.changes["value"] == [None, "1234.50"]


def test_a_general_target_reads_every_cohort_and_every_region(client, login_as, db):
    admin = login_as(Role.ADMIN)
    _target(admin, "beneficiaries", 2024, 3500)
    listing = _text(client.get("/impact/targets"))
    assert "Every cohort" in listing and "Every region" in listing and "3,500" in listing


def test_the_targets_are_listed_latest_year_first_in_catalog_order(client, login_as, db):
    admin = login_as(Role.ADMIN)
    _target(admin, "beneficiaries", 2025, 1)
    _target(admin, "jobs", 2024, 2)
    _target(admin, "jobs", 2025, 3)
    assert [(t.indicator.code, t.year) for t in targets.list_targets()] == [
        ("jobs", 2025), ("beneficiaries", 2025), ("jobs", 2024)]


def test_an_admin_edits_a_target(client, login_as, db):
    admin = login_as(Role.ADMIN)
    target = _target(admin, "jobs", 2025, 100)
    page = _text(client.get(f"/impact/targets/{target.id}/edit"))
    assert _input_value(page, "value") == "100" and _input_value(page, "year") == "2025"
    assert _selected(page, "indicator_id") == str(target.indicator_id)
    response = client.post(f"/impact/targets/{target.id}/edit", data=_form(
        value="150,5", region="oriental", version=str(target.version)))
    assert response.status_code == 302
    [saved] = _all(db)
    assert (saved.value, saved.region, saved.version) == (Decimal("150.50"), "oriental", 2)
    [entry] = _audit(db, "update")
    assert entry.changes == {"value": ["100.00", "150.50"], "region": ["", "oriental"]}


def test_a_target_changed_meanwhile_is_not_overwritten(client, login_as, db):
    admin = login_as(Role.ADMIN)
    target = _target(admin, "jobs", 2025, 100)
    read_version = target.version
    targets.save_target(admin, target, indicator_id=target.indicator_id, year=2025, value=110)
    page = _text(client.post(f"/impact/targets/{target.id}/edit", data=_form(
        value="999", version=str(read_version))))
    assert "Someone else saved this record while you were editing it." in page
    assert _input_value(page, "value") == "999"  # what was typed stays
    assert [t.value for t in _all(db)] == [Decimal("110.00")]


def test_an_admin_deletes_a_target_after_confirming(client, login_as, db):
    admin = login_as(Role.ADMIN)
    kept = _target(admin, "jobs", 2024, 80)
    target_id = _target(admin, "jobs", 2025, 100, cohort="2024").id
    listing = _text(client.get("/impact/targets"))
    assert 'data-confirm="Delete the target of Jobs created for 2025?"' in listing
    response = client.post(f"/impact/targets/{target_id}/delete")
    assert response.status_code == 302 and response.location.endswith("/impact/targets")
    assert [t.id for t in _all(db)] == [kept.id]
    [entry] = _audit(db, "delete")
    assert entry.entity_id == target_id and entry.changes["cohort"] == ["2024", None]
    assert client.post(f"/impact/targets/{target_id}/delete").status_code == 404


def test_the_same_target_twice_is_refused_with_a_clear_message(client, login_as, db):
    admin = login_as(Role.ADMIN)
    _target(admin, "jobs", 2025, 100, cohort="2024", region=Region.ORIENTAL)
    response = client.post("/impact/targets/new", data=_form(
        value="200", cohort=" 2024 ", region="oriental", note="again"))
    page = _text(response)
    assert response.status_code == 200
    assert DUPLICATE in _errors_of(page, "indicator_id")
    assert _input_value(page, "value") == "200" and _input_value(page, "note") == "again"
    assert len(_all(db)) == 1
    # another cohort, another region or another year is another target
    for other in ({"cohort": "2023"}, {"region": ""}, {"year": "2026"}):
        data = _form(cohort="2024", region="oriental") | other
        assert client.post("/impact/targets/new", data=data).status_code == 302
    assert len(_all(db)) == 4


def test_a_target_cannot_be_edited_into_another(client, login_as, db):
    admin = login_as(Role.ADMIN)
    _target(admin, "jobs", 2025, 100)
    target = _target(admin, "jobs", 2025, 50, cohort="2024")
    page = _text(client.post(f"/impact/targets/{target.id}/edit", data=_form(
        value="50", cohort="", version=str(target.version))))
    assert DUPLICATE in _errors_of(page, "indicator_id")
    assert sorted(t.cohort for t in _all(db)) == ["", "2024"]


def test_a_negative_target_is_refused_and_what_was_typed_is_kept(client, login_as, db):
    login_as(Role.ADMIN)
    page = _text(client.post("/impact/targets/new", data=_form(
        value="-5", cohort="WeXchange 2025", region="fes-meknes", note="à revoir")))
    assert NEGATIVE in _errors_of(page, "value")
    assert _input_value(page, "value") == "-5"
    assert _input_value(page, "cohort") == "WeXchange 2025"
    assert _input_value(page, "note") == "à revoir"
    assert _selected(page, "region") == "fes-meknes"
    assert _all(db) == []


@pytest.mark.parametrize("field, typed, message", [
    ("year", "1999", "Give a year between 2000 and 2100."),
    ("year", "2101", "Give a year between 2000 and 2100."),
    ("year", "", "Give a year."),
    ("value", "", "Give the target."),
    ("value", "12.345", "Give at most two decimal places."),
    ("value", "douze", "Give a number, for example 1 234,5."),
    ("indicator_id", "", "Choose an indicator."),
])
def test_a_target_needs_a_year_in_range_a_value_and_an_indicator(client, login_as, db, field,
                                                                 typed, message):
    login_as(Role.ADMIN)
    page = _text(client.post("/impact/targets/new", data=_form(**{field: typed})))
    assert message in _errors_of(page, field)
    assert _all(db) == []


def test_the_service_keeps_the_rules_whoever_calls_it(db, admin):
    jobs = _indicator("jobs").id
    with pytest.raises(ServiceError, match="cannot be negative"):
        targets.save_target(admin, None, indicator_id=jobs, year=2025, value=Decimal("-1"))
    with pytest.raises(ServiceError, match="between 2000 and 2100"):
        targets.save_target(admin, None, indicator_id=jobs, year=1999, value=1)
    with pytest.raises(ServiceError, match="region from the list"):
        targets.save_target(admin, None, indicator_id=jobs, year=2025, value=1,
                            region="atlantis")
    _retire(db, "volunteers")
    with pytest.raises(ServiceError, match="indicator in use"):
        _target(admin, "volunteers", 2025, 1)
    _target(admin, "jobs", 2025, 1)
    with pytest.raises(ServiceError, match="already a target"):
        _target(admin, "jobs", 2025, 2)
    assert len(_all(db)) == 1


def test_the_database_itself_refuses_a_second_general_target(db, admin):
    """Why "" and not NULL means every region: NULLs never collide in a unique constraint."""
    jobs = _indicator("jobs").id
    db.session.add_all([ImpactTarget(indicator_id=jobs, year=2025, value=Decimal(1)),
                        ImpactTarget(indicator_id=jobs, year=2025, value=Decimal(2))])
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


# --- which target applies ---------------------------------------------------------------------


def test_targets_for_prefers_the_most_particular_target(db, admin):
    jobs, women = _indicator("jobs").id, _indicator("jobs_women").id
    _target(admin, "jobs", 2025, 1000)
    _target(admin, "jobs", 2025, 300, cohort="2024")
    _target(admin, "jobs", 2025, 200, region=Region.SOUSS_MASSA)
    _target(admin, "jobs", 2025, 70, cohort="2024", region=Region.SOUSS_MASSA)
    _target(admin, "jobs", 2024, 800)
    _target(admin, "jobs_women", 2025, 90, cohort="2024")

    def applies(cohort="", region=None):
        return targets.targets_for([jobs, women], [2024, 2025], cohort, region)

    assert applies() == {(jobs, 2025): Decimal("1000.00"), (jobs, 2024): Decimal("800.00")}
    assert applies("2024")[(jobs, 2025)] == Decimal("300.00")
    assert applies(region=Region.SOUSS_MASSA)[(jobs, 2025)] == Decimal("200.00")
    assert applies("2024", "souss-massa")[(jobs, 2025)] == Decimal("70.00")
    # nothing set for the pair: the next one down applies
    assert applies("2023", Region.SOUSS_MASSA)[(jobs, 2025)] == Decimal("200.00")
    assert applies("2024", Region.ORIENTAL)[(jobs, 2025)] == Decimal("300.00")
    assert applies("2023", Region.ORIENTAL)[(jobs, 2025)] == Decimal("1000.00")
    assert applies("2024", Region.SOUSS_MASSA)[(jobs, 2024)] == Decimal("800.00")
    # a cohort's target never stands for every cohort; no target, no key
    assert (women, 2025) not in applies() and applies("2024")[(women, 2025)] == Decimal("90")
    assert (women, 2024) not in applies("2024")
    assert targets.targets_for([jobs], [2026]) == {}
    assert targets.targets_for([], [2025]) == {}


# --- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.MANAGER, Role.OFFICER, Role.INNOVATOR])
def test_only_admins_reach_the_targets(client, login_as, db, admin, role):
    target = _target(admin, "jobs", 2025, 100)
    login_as(role)
    base = f"/impact/targets/{target.id}"
    for method, url in [("GET", "/impact/targets"), ("GET", "/impact/targets/new"),
                        ("POST", "/impact/targets/new"), ("GET", f"{base}/edit"),
                        ("POST", f"{base}/edit"), ("POST", f"{base}/delete")]:
        data = _form(value="1") if method == "POST" else None
        assert client.open(url, method=method, data=data).status_code == 404, (method, url)
    home = _text(client.get("/"))
    assert "/impact/targets" not in home
    [saved] = _all(db)
    assert (saved.value, saved.version) == (Decimal("100.00"), 1)


def test_an_admin_finds_the_targets_from_the_menu_and_the_indicators(client, login_as):
    login_as(Role.ADMIN)
    assert 'href="/impact/targets"' in _text(client.get("/impact/indicators"))
    assert 'href="/impact/targets"' in _text(client.get("/"))
    assert client.get("/impact/targets/999999/edit").status_code == 404


# --- demo -------------------------------------------------------------------------------------


def test_the_demo_targets_are_added_once(db, admin):
    from crm.demo.impact import seed_targets

    seed_targets(today=date(2025, 9, 1))
    seed_targets(today=date(2025, 9, 1))
    saved = _all(db)
    assert len(saved) == 3 * 4 * 2  # three years, four indicators, general and 2024 cohort
    assert {t.year for t in saved} == {2023, 2024, 2025}
    assert {t.cohort for t in saved} == {"", "2024"} and {t.region for t in saved} == {""}
    jobs = _indicator("jobs").id
    applies = targets.targets_for([jobs], [2025], cohort="2024")
    assert Decimal(0) < applies[(jobs, 2025)] < targets.targets_for([jobs], [2025])[(jobs, 2025)]

"""Impact services: the catalog, notes, the rules of figures, verification, totals, the panel,
the demo data."""

import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from flask import render_template

from crm.auth.models import Role
from crm.common.records import ConflictError
from crm.errors import ServiceError
from crm.impact import services
from crm.impact.models import ImpactNote, Indicator, Measurement, MeasurementSource, Visibility
from tests.factories import make_organization, make_project, make_user

H1 = (date(2024, 1, 1), date(2024, 6, 30))
H2 = (date(2024, 7, 1), date(2024, 12, 31))
H3 = (date(2025, 1, 1), date(2025, 6, 30))


def _indicator(code: str) -> Indicator:
    return services.get_indicator(code)


def _count(db) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Measurement))


def _record(actor, project, code: str, period, value, **kwargs) -> Measurement:
    return services.record_measurement(actor, project, _indicator(code), *period, value,
                                       **kwargs)


@pytest.fixture
def officer(db):
    return make_user(Role.OFFICER, full_name="Salma Alaoui")


@pytest.fixture
def project(officer):
    return make_project(officer=officer, stage="incubated")


# --- the catalog ------------------------------------------------------------------------------


def test_the_default_catalog_has_the_indicators_of_the_issue(app):
    codes = [i.code for i in services.list_indicators()]
    assert codes == ["jobs", "jobs_women", "jobs_youth", "beneficiaries",
                     "beneficiaries_women", "beneficiaries_youth", "revenue", "volunteers"]
    women = _indicator("jobs_women")
    assert women.part_of.code == "jobs" and women.standard_reference == "PI3687"
    assert women.name_ar and women.name_fr == "dont femmes" and 5 in women.sdgs
    assert _indicator("revenue").unit == "MAD"
    services.ensure_default_indicators()
    assert len(services.list_indicators(active_only=False)) == 8


def test_a_part_is_named_with_its_total(app):
    assert services.indicator_label(_indicator("jobs_women")) == "Jobs created — of which women"
    assert services.indicator_label(_indicator("jobs")) == "Jobs created"


def test_an_indicator_needs_its_names_and_a_unique_code(app, db):
    admin = make_user(Role.ADMIN)
    data = {"name_ar": "المتدربون", "name_fr": "Stagiaires", "name_en": "Trainees",
            "unit": "people"}
    for missing in ("name_ar", "name_fr", "name_en", "unit"):
        with pytest.raises(ServiceError) as error:
            services.save_indicator(admin, None, code="trainees", **(data | {missing: " "}))
        assert error.value.field == missing
    with pytest.raises(ServiceError) as error:
        services.save_indicator(admin, None, code="jobs", **data)
    assert error.value.field == "code"
    created = services.save_indicator(admin, None, code="Trainees", sdgs={4},
                                      standard_reference="PI2998", **data)
    assert created.code == "trainees" and created.sdgs == {4}
    assert len(services.list_indicators(active_only=False)) == 9


def test_of_which_goes_one_level_deep(app):
    admin = make_user(Role.ADMIN)
    data = {"name_ar": "أ", "name_fr": "a", "name_en": "a", "unit": "people"}
    jobs, women = _indicator("jobs"), _indicator("jobs_women")
    for indicator, part_of in ((None, women.id), (jobs, jobs.id), (jobs, _indicator(
            "beneficiaries").id)):
        with pytest.raises(ServiceError) as error:
            services.save_indicator(admin, indicator, **(data | {"part_of_id": part_of}))
        assert error.value.field == "part_of_id"
    part = services.save_indicator(admin, None, code="jobs_disabled",
                                   **(data | {"part_of_id": jobs.id}))
    assert part.part_of is jobs


# --- notes ------------------------------------------------------------------------------------


def test_notes_are_internal_or_shared_and_innovators_read_only_the_shared(app, officer,
                                                                        project):
    services.add_note(officer, "Interne", date(2025, 1, 5), Visibility.INTERNAL,
                      project=project)
    services.add_note(officer, "Partagée", date(2025, 2, 5), Visibility.SHARED,
                      project=project)
    assert [n.body for n in services.notes_of(project_id=project.id)] == ["Partagée",
                                                                         "Interne"]
    assert [n.body for n in services.notes_of(project_id=project.id, shared_only=True)] == [
        "Partagée"]
    assert services.notes_of() == []  # no id: nothing, not every note
    with pytest.raises(ServiceError):
        services.add_note(officer, "  ", date(2025, 1, 5), Visibility.SHARED, project=project)


# --- the rules of figures ---------------------------------------------------------------------


def test_a_figure_cannot_be_negative(app, db, officer, project):
    with pytest.raises(ServiceError) as error:
        _record(officer, project, "jobs", H1, Decimal("-1"))
    assert error.value.field == "value" and "negative" in str(error.value.message)
    assert _count(db) == 0
    figure = _record(officer, project, "jobs", H1, 3)
    with pytest.raises(ServiceError):
        services.update_measurement(officer, figure, figure.version, *H1, Decimal("-0.01"))
    db.session.expire_all()
    assert db.session.get(Measurement, figure.id).value == Decimal("3.00")


def test_a_part_is_never_above_its_total_for_the_same_period(app, db, officer, project):
    _record(officer, project, "jobs", H1, 10)
    with pytest.raises(ServiceError) as error:
        _record(officer, project, "jobs_women", H1, 11)
    assert error.value.field == "value" and "(10)" in str(error.value.message)
    assert _count(db) == 1
    _record(officer, project, "jobs_women", H1, 10)  # equal is fine
    _record(officer, project, "jobs_women", H2, 50)  # no total for that period
    other = make_project(officer=officer)
    _record(officer, other, "jobs_women", H1, 99)  # another project's total does not count
    assert _count(db) == 4


def test_a_total_is_never_below_one_of_its_parts(app, db, officer, project):
    _record(officer, project, "beneficiaries_women", H1, Decimal("120"))
    _record(officer, project, "beneficiaries_youth", H1, Decimal("80"))
    with pytest.raises(ServiceError) as error:
        _record(officer, project, "beneficiaries", H1, Decimal("119.99"))
    assert error.value.field == "value" and "120" in str(error.value.message)
    assert _count(db) == 2
    _record(officer, project, "beneficiaries", H1, 120)
    assert _count(db) == 3


def test_periods_of_one_indicator_never_overlap_but_may_touch(app, db, officer, project):
    _record(officer, project, "jobs", H1, 5)
    for period in ((date(2024, 6, 30), date(2024, 12, 31)), (date(2023, 7, 1), H1[0]),
                   (date(2024, 3, 1), date(2024, 3, 31)), (date(2023, 1, 1), date(2024, 12, 31))):
        with pytest.raises(ServiceError) as error:
            _record(officer, project, "jobs", period, 5)
        assert error.value.field == "period_start"
    assert _count(db) == 1
    _record(officer, project, "jobs", H2, 5)  # adjacent: starts the day after
    _record(officer, project, "volunteers", H1, 5)  # another indicator
    _record(officer, make_project(), "jobs", H1, 5)  # another project
    assert _count(db) == 4


def test_a_period_cannot_end_before_it_starts(app, db, officer, project):
    with pytest.raises(ServiceError) as error:
        _record(officer, project, "jobs", (H1[1], H1[0]), 5)
    assert error.value.field == "period_end" and _count(db) == 0


def test_editing_keeps_the_rules_without_counting_the_figure_itself(app, db, officer,
                                                                     project):
    jobs = _record(officer, project, "jobs", H1, 10)
    women = _record(officer, project, "jobs_women", H1, 6)
    later = _record(officer, project, "jobs", H2, 12)
    services.update_measurement(officer, jobs, jobs.version, *H1, Decimal("8"), note="ok")
    assert jobs.value == Decimal("8.00") and jobs.note == "ok"
    with pytest.raises(ServiceError, match="below"):
        services.update_measurement(officer, jobs, jobs.version, *H1, Decimal("5"))
    db.session.rollback()
    with pytest.raises(ServiceError, match="above"):
        services.update_measurement(officer, women, women.version, *H1, Decimal("9"))
    db.session.rollback()
    with pytest.raises(ServiceError) as error:
        services.update_measurement(officer, later, later.version, date(2024, 6, 1), H2[1], 12)
    assert error.value.field == "period_start"
    db.session.rollback()
    with pytest.raises(ServiceError):
        services.update_measurement(officer, later, later.version, *H2, -1)
    db.session.rollback()
    db.session.expire_all()
    assert [(m.indicator.code, m.value) for m in services.measurements_of(project.id)] == [
        ("jobs", Decimal("12.00")), ("jobs", Decimal("8.00")), ("jobs_women", Decimal("6.00"))]


def test_an_edit_from_an_old_version_is_refused(app, db, officer, project):
    figure = _record(officer, project, "jobs", H1, 10)
    services.update_measurement(officer, figure, figure.version, *H1, 11)
    with pytest.raises(ConflictError):
        services.update_measurement(officer, figure, figure.version - 1, *H1, 12)
    db.session.expire_all()
    assert db.session.get(Measurement, figure.id).value == Decimal("11.00")


# --- verification -----------------------------------------------------------------------------


def test_verifying_records_who_and_when(app, db, officer, project):
    figure = _record(make_user(Role.ADMIN), project, "jobs", H1, 10)
    assert figure.source == MeasurementSource.STAFF_REPORTED and figure.verified_by is None
    services.verify_measurement(officer, figure, expected_version=figure.version)
    db.session.expire_all()
    figure = db.session.get(Measurement, figure.id)
    assert figure.source == MeasurementSource.VERIFIED
    assert figure.verified_by.id == officer.id and figure.verified_at is not None
    with pytest.raises(ServiceError, match="already verified"):
        services.verify_measurement(officer, figure)


def test_a_figure_changed_since_it_was_read_is_not_verified(app, db, officer, project):
    figure = _record(officer, project, "jobs", H1, 10)
    read = figure.version
    services.update_measurement(officer, figure, read, *H1, 50)
    with pytest.raises(ConflictError):
        services.verify_measurement(officer, figure, expected_version=read)
    db.session.expire_all()
    assert db.session.get(Measurement, figure.id).source == MeasurementSource.STAFF_REPORTED


def test_a_verified_figure_changed_is_no_longer_verified(app, db, officer, project):
    figure = _record(officer, project, "jobs", H1, 10, source=MeasurementSource.VERIFIED)
    assert figure.verified_by_id == officer.id
    services.update_measurement(officer, figure, figure.version, *H1, 10, note="source: RH")
    assert figure.source == MeasurementSource.VERIFIED  # only the note changed
    changes = services.update_measurement(officer, figure, figure.version, *H1, 12)
    assert "verified_at" in changes
    db.session.expire_all()
    figure = db.session.get(Measurement, figure.id)
    assert figure.source == MeasurementSource.STAFF_REPORTED
    assert figure.verified_by_id is None and figure.verified_at is None
    services.verify_measurement(officer, figure)
    services.update_measurement(officer, figure, figure.version, *H2, 12)  # another period
    assert figure.source == MeasurementSource.STAFF_REPORTED


# --- totals, series, latest and the panel -----------------------------------------------------


def test_totals_series_and_latest_are_exact_to_the_centime(app, officer):
    organization = make_organization()
    a = make_project(organization=organization)
    b = make_project(organization=organization)
    _record(officer, a, "revenue", H1, Decimal("0.10"))
    _record(officer, a, "revenue", H2, Decimal("0.20"))
    _record(officer, b, "revenue", H2, Decimal("1234567.89"))
    revenue = _indicator("revenue")
    assert services.totals([a.id, b.id]) == {revenue: Decimal("1234568.19")}
    assert services.series([a.id, b.id]) == {revenue: [(H1[1], Decimal("0.10")),
                                                       (H2[1], Decimal("1234568.09"))]}
    assert [(m.indicator.code, m.value) for m in services.latest(a.id)] == [
        ("revenue", Decimal("0.20"))]


def test_a_headcount_totals_each_projects_latest_figure(app, officer):
    a, b = make_project(), make_project()
    _record(officer, a, "volunteers", H1, 10)
    _record(officer, a, "volunteers", H2, 12)
    _record(officer, b, "volunteers", H1, 5)
    _record(officer, a, "jobs", H1, 3)
    _record(officer, a, "jobs", H2, 4)
    totals = {i.code: v for i, v in services.totals([a.id, b.id]).items()}
    assert totals == {"volunteers": Decimal("17"), "jobs": Decimal("7")}


def test_an_admin_says_whether_an_indicators_figures_add_up(app, db, officer):
    volunteers = _indicator("volunteers")
    assert not volunteers.adds_up and _indicator("jobs").adds_up
    project = make_project()
    _record(officer, project, "volunteers", H1, 10)
    _record(officer, project, "volunteers", H2, 12)
    names = {name: getattr(volunteers, name) for name in ("name_ar", "name_fr", "name_en", "unit")}
    services.save_indicator(None, volunteers, **names, adds_up=True)
    assert services.totals([project.id]) == {volunteers: Decimal("22")}


def _panel(app, **kwargs) -> str:
    with app.test_request_context():
        return render_template("impact/_panel.html",
                               impact=services.impact_panel(**kwargs))


def _cells(page: str, label: str) -> str:
    row = re.search(rf"<th scope=\"row\"[^>]*>{re.escape(label)}(?:<div[^>]*>[^<]*</div>)?"
                    r"</th>\s*<td[^>]*>(.*?)</td>", page)
    return row.group(1).strip() if row else ""


def test_the_organization_panel_totals_equal_the_sums_of_the_records(app, officer):
    organization = make_organization()
    a = make_project(organization=organization)
    b = make_project(organization=organization)
    make_project()  # another organization's figures stay out
    for project, period, value in ((a, H1, "0.10"), (a, H2, "0.20"), (b, H1, "1234567.89")):
        _record(officer, project, "revenue", period, Decimal(value))
        _record(officer, project, "volunteers", period, Decimal(value))
    _record(officer, a, "jobs", H1, 3)
    _record(officer, a, "jobs_women", H1, 2)
    _record(officer, b, "jobs", H3, 4)
    page = _panel(app, project_ids=[a.id, b.id], organization_id=organization.id)
    assert "1,234,568.19" in _cells(page, "Revenue") and "MAD" in _cells(page, "Revenue")
    # Volunteers is a headcount: each project's latest figure (a: H2, b: H1), not every period.
    assert _cells(page, "Volunteers") == "1,234,568.09"
    assert "Latest figure of each project" in page
    assert _cells(page, "Jobs created") == "7"
    assert _cells(page, "Jobs created — of which women") == "2"
    assert "over all periods" in page


def test_the_project_panel_shows_the_latest_figures_with_period_and_source(app, officer,
                                                                          project):
    _record(officer, project, "jobs", H1, 3, source=MeasurementSource.VERIFIED)
    _record(officer, project, "jobs", H2, Decimal("1234567.89"))
    _record(officer, project, "revenue", H1, Decimal("0.30"))
    page = _panel(app, project_ids=[project.id])
    assert _cells(page, "Jobs created") == "1,234,567.89"
    assert "MAD0.30" in _cells(page, "Revenue")
    assert "Jul 1, 2024 – Dec 31, 2024" in page and "Entered by the foundation" in page
    charts = re.findall(r"data-labels='([^']*)' data-series='([^']*)'", page)
    labels, series = json.loads(charts[0][0]), json.loads(charts[0][1])
    assert labels == ["Jun 30, 2024", "Dec 31, 2024"]
    assert series == [{"label": "Jobs created", "values": [3.0, 1234567.89]}]
    assert "Jobs created per period" in page  # the table beside the chart


def test_parts_are_drawn_in_the_chart_of_their_total(app, officer, project):
    _record(officer, project, "jobs", H1, 10)
    _record(officer, project, "jobs_women", H1, 4)
    _record(officer, project, "jobs", H2, 12)
    page = _panel(app, project_ids=[project.id])
    charts = re.findall(r"data-series='([^']*)'", page)
    assert len(charts) == 1
    assert json.loads(charts[0]) == [{"label": "Jobs created", "values": [10.0, 12.0]},
                                     {"label": "of which women", "values": [4.0, None]}]


def test_internal_notes_never_appear_when_only_shared_notes_are_asked(app, officer):
    organization = make_organization()
    project = make_project(organization=organization, name="Argan digital")
    services.add_note(officer, "Secret du comité", date(2025, 1, 5), Visibility.INTERNAL,
                      project=project)
    services.add_note(officer, "Bravo pour les embauches", date(2025, 1, 6),
                      Visibility.SHARED, project=project)
    services.add_note(officer, "Gouvernance fragile", date(2025, 1, 7), Visibility.INTERNAL,
                      organization=organization)
    services.add_note(officer, "Nouvelle présidente élue", date(2025, 1, 8),
                      Visibility.SHARED, organization=organization)
    for kwargs in ({"project_ids": [project.id]},
                   {"project_ids": [project.id], "organization_id": organization.id}):
        shared = _panel(app, shared_only=True, **kwargs)
        assert "Bravo pour les embauches" in shared
        assert "Secret du comité" not in shared and "Gouvernance fragile" not in shared
        assert "Internal" not in shared
        everything = _panel(app, **kwargs)
        assert "Secret du comité" in everything
    organization_page = _panel(app, project_ids=[project.id], organization_id=organization.id)
    assert "Nouvelle présidente élue" in organization_page and "Argan digital" in (
        organization_page)


def test_an_empty_panel_says_so(app):
    organization = make_organization()
    page = _panel(app, project_ids=[], organization_id=organization.id)
    assert "No figure recorded yet." in page and "No impact note yet." in page


# --- periods offered in one click -------------------------------------------------------------


@pytest.mark.parametrize("today, semester, year", [
    (date(2025, 8, 14), (date(2025, 1, 1), date(2025, 6, 30)),
     (date(2024, 1, 1), date(2024, 12, 31))),
    (date(2025, 1, 2), (date(2024, 7, 1), date(2024, 12, 31)),
     (date(2024, 1, 1), date(2024, 12, 31))),
    (date(2025, 6, 30), (date(2024, 7, 1), date(2024, 12, 31)),
     (date(2024, 1, 1), date(2024, 12, 31))),
])
def test_quick_periods_are_the_last_semester_and_year_that_are_over(today, semester, year):
    assert services.quick_periods(today) == {"last-semester": semester, "last-year": year}


# --- demo data --------------------------------------------------------------------------------


def test_the_demo_figures_follow_the_rules_and_are_added_once(app, db, officer):
    from crm.demo.impact import seed_impact

    make_user(Role.OFFICER)
    projects = [make_project(officer=officer, stage=stage)
                for stage in ("incubated", "accelerated", "alumni")]
    unassigned = make_project(stage="alumni")
    make_project(stage="applied")  # too early for figures
    seed_impact(today=date(2025, 9, 1))
    count = _count(db)
    assert count == 4 * 4 * 8  # four projects, four semesters, eight indicators
    seed_impact(today=date(2025, 9, 1))
    assert _count(db) == count
    figures = list(db.session.scalars(db.select(Measurement)))
    assert {m.source for m in figures} == {MeasurementSource.SELF_REPORTED,
                                           MeasurementSource.VERIFIED}
    assert min(m.period_start for m in figures) == date(2023, 7, 1)
    assert max(m.period_end for m in figures) == date(2025, 6, 30)
    by_key = {(m.project_id, m.indicator.code, m.period_end): m.value for m in figures}
    for (project_id, code, end), value in by_key.items():
        if code.endswith(("_women", "_youth")):
            assert value <= by_key[(project_id, code.rsplit("_", 1)[0], end)]
    notes = list(db.session.scalars(db.select(ImpactNote)))
    assert {n.visibility for n in notes} == set(Visibility)
    assert {n.project_id for n in notes} == {p.id for p in projects + [unassigned]}
    assert len(services.notes_of(project_id=projects[0].id)) == 2


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_a_period_must_have_ended_where_the_foundation_works(app, db, officer, project, zone):
    """Today is the foundation's (CRM_TIMEZONE), not the server's: at any hour one of these
    two zones (UTC+14, UTC-11) is on another date than UTC."""
    app.config["BABEL_DEFAULT_TIMEZONE"] = zone
    today = datetime.now(ZoneInfo(zone)).date()
    with pytest.raises(ServiceError, match="has not ended yet") as refused:
        _record(officer, project, "jobs", (today - timedelta(days=9), today + timedelta(days=1)),
                5)
    assert refused.value.field == "period_end"
    figure = _record(officer, project, "jobs", (today - timedelta(days=9), today), 5)
    with pytest.raises(ServiceError, match="has not ended yet"):
        services.update_measurement(officer, figure, figure.version, figure.period_start,
                                    today + timedelta(days=1), 5)
    assert _count(db) == 1

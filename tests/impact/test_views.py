"""Impact screens: the indicator catalog, notes, recording, correcting and verifying figures."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from crm.auth.models import Role
from crm.impact import services
from crm.impact.forms import parse_number
from crm.impact.models import ImpactNote, Indicator, Measurement, MeasurementSource, Visibility
from tests.factories import make_organization, make_project, make_user, sign_in
from tests.queries import count_queries

H1 = (date(2024, 1, 1), date(2024, 6, 30))
H2 = (date(2024, 7, 1), date(2024, 12, 31))


def _text(response) -> str:
    return response.get_data(as_text=True)


def _count(db, model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def _reload(db, measurement_id: int) -> Measurement:
    db.session.expire_all()
    return db.session.get(Measurement, measurement_id)


def _indicator(code: str) -> Indicator:
    return services.get_indicator(code)


def _record(actor, project, code: str, period, value, **kwargs) -> Measurement:
    return services.record_measurement(actor, project, _indicator(code), *period,
                                       Decimal(value), **kwargs)


def _errors_of(page: str, field: str) -> str:
    """The messages shown next to a field (render_field puts them in `<id>-errors`)."""
    found = re.search(rf'<div id="{field}-errors"[^>]*>(.*?)</div>\s*</div>', page, re.S)
    return re.sub(r"<[^>]+>", " ", found.group(1)) if found else ""


def _input_value(page: str, field: str) -> str:
    found = re.search(rf'<input[^>]*id="{field}"[^>]*>', page)
    value = re.search(r'value="([^"]*)"', found.group(0)) if found else None
    return value.group(1) if value else ""


def _figure_form(indicator: str, period=H1, value="10", note="") -> dict:
    return {"indicator_id": str(_indicator(indicator).id), "period_start": period[0].isoformat(),
            "period_end": period[1].isoformat(), "value": value, "note": note}


# --- numbers as people type them --------------------------------------------------------------


@pytest.mark.parametrize("typed, locale, expected", [
    ("1 234,5", "en", "1234.5"), ("1 234,5", "fr", "1234.5"), ("1\u202f234,50", "fr", "1234.50"),
    ("1,234.50", "en", "1234.50"), ("1,234", "en", "1234"), ("1,5", "en", "1.5"),
    ("1.234.567,89", "fr", "1234567.89"), ("١٢٣٤٫٥", "ar", "1234.5"), ("-3", "en", "-3"),
])
def test_numbers_are_read_as_typed_in_each_language(typed, locale, expected):
    assert parse_number(typed, locale) == Decimal(expected)


@pytest.mark.parametrize("typed", ["abc", "1,2,3", "1..2", "12 kg", "1,234.5.6"])
def test_what_is_not_a_number_is_refused(typed):
    with pytest.raises(ValueError):
        parse_number(typed, "en")


# --- the indicator catalog --------------------------------------------------------------------


def test_admins_see_the_catalog(client, login_as):
    login_as(Role.ADMIN)
    page = _text(client.get("/impact/indicators"))
    assert "jobs_women" in page and "Emplois créés" in page and "مناصب الشغل المحدثة" in page
    assert "Beneficiaries reached" in page and "PI3687" in page and "MAD" in page
    assert "<code>jobs</code> · Jobs created" in page  # the "of which" parent
    volunteers = page[page.index("<code>volunteers</code>"):]
    assert "Latest figure of each project" in volunteers[:volunteers.index("</tr>")]


def test_an_admin_creates_an_indicator_with_its_three_names(client, login_as, db):
    login_as(Role.ADMIN)
    form = client.get("/impact/indicators/new")
    assert form.status_code == 200 and "Part of" in _text(form)
    data = {"code": "trainees_women", "name_ar": "منهم متدربات", "name_fr": "dont femmes",
            "name_en": "of which women", "unit": "people", "sdgs": ["4", "5"],
            "standard_reference": "PI2998", "part_of_id": str(_indicator("beneficiaries").id),
            "position": "90", "active": "y"}
    response = client.post("/impact/indicators/new", data=data)
    assert response.status_code == 302 and response.location.endswith("/impact/indicators")
    created = _indicator("trainees_women")
    assert created.name_ar == "منهم متدربات" and created.sdgs == {4, 5}
    assert created.part_of.code == "beneficiaries" and created.standard_reference == "PI2998"


@pytest.mark.parametrize("missing", ["name_ar", "name_fr", "name_en"])
def test_an_indicator_needs_a_name_in_each_language(client, login_as, db, missing):
    login_as(Role.ADMIN)
    data = {"code": "trainees", "name_ar": "المتدربون", "name_fr": "Stagiaires",
            "name_en": "Trainees", "unit": "people", "position": "0"}
    response = client.post("/impact/indicators/new", data=data | {missing: ""})
    page = _text(response)
    assert response.status_code == 200
    assert "An indicator needs a name in each language." in _errors_of(page, missing)
    assert 'value="Stagiaires"' in page or missing == "name_fr"  # typed values kept
    assert _indicator("trainees") is None and _count(db, Indicator) == 8


def test_an_admin_edits_an_indicator(client, login_as, db):
    login_as(Role.ADMIN)
    volunteers = _indicator("volunteers")
    page = _text(client.get(f"/impact/indicators/{volunteers.id}/edit"))
    assert 'value="Bénévoles"' in page and "OI1682" in page
    data = {"name_ar": "المتطوعون", "name_fr": "Bénévoles actifs", "name_en": "Volunteers",
            "unit": "people", "sdgs": ["17"], "standard_reference": "OI1682",
            "part_of_id": "", "position": "70"}
    response = client.post(f"/impact/indicators/{volunteers.id}/edit", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    volunteers = _indicator("volunteers")
    assert volunteers.name_fr == "Bénévoles actifs" and volunteers.active is False
    assert volunteers not in services.list_indicators()
    assert volunteers.adds_up is False  # the box stays unticked

    data |= {"adds_up": "y", "active": "y"}
    assert client.post(f"/impact/indicators/{volunteers.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert _indicator("volunteers").adds_up is True


def test_a_total_cannot_become_a_part(client, login_as, db):
    login_as(Role.ADMIN)
    jobs = _indicator("jobs")
    data = {"name_ar": "أ", "name_fr": "Emplois", "name_en": "Jobs", "unit": "jobs",
            "part_of_id": str(_indicator("beneficiaries").id), "position": "0", "active": "y"}
    page = _text(client.post(f"/impact/indicators/{jobs.id}/edit", data=data))
    assert "it cannot be a part" in _errors_of(page, "part_of_id")
    db.session.expire_all()
    assert _indicator("jobs").part_of_id is None and _indicator("jobs").name_en == (
        "Jobs created")


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MANAGER, Role.INNOVATOR])
def test_the_catalog_is_for_admins_only(client, login_as, db, role):
    login_as(role)
    jobs = _indicator("jobs")
    for path in ("/impact/indicators", "/impact/indicators/new",
                 f"/impact/indicators/{jobs.id}/edit"):
        assert client.get(path).status_code == 404, path
    data = {"code": "x", "name_ar": "x", "name_fr": "x", "name_en": "x", "unit": "x",
            "position": "0"}
    assert client.post("/impact/indicators/new", data=data).status_code == 404
    assert client.post(f"/impact/indicators/{jobs.id}/edit",
                       data=data | {"name_en": "Hacked"}).status_code == 404
    db.session.expire_all()
    assert _count(db, Indicator) == 8 and _indicator("jobs").name_en == "Jobs created"


# --- notes ------------------------------------------------------------------------------------


def test_an_officer_adds_an_internal_note_by_default(client, login_as, db):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    page = _text(client.get(f"/projects/{project.id}/impact/notes/new"))
    assert "Internal (never shown to innovators)" in page
    assert re.search(r'<input checked[^>]*value="internal"|value="internal"[^>]*checked', page)
    assert 'dir="auto"' in page
    response = client.post(f"/projects/{project.id}/impact/notes/new",
                           data={"written_on": "2025-03-02", "body": "Deux embauches.",
                                 "visibility": "internal"})
    assert response.status_code == 302 and response.location.endswith(f"/projects/{project.id}")
    note = db.session.scalar(db.select(ImpactNote))
    assert note.visibility == Visibility.INTERNAL and note.author_id == officer.id
    assert note.written_on == date(2025, 3, 2) and note.project_id == project.id


def test_a_note_may_be_shared_and_needs_a_body(client, login_as, db):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    response = client.post(f"/projects/{project.id}/impact/notes/new",
                           data={"written_on": "2025-03-02", "body": "  ",
                                 "visibility": "shared"})
    page = _text(response)
    assert response.status_code == 200 and "Write the note." in _errors_of(page, "body")
    assert _input_value(page, "written_on") == "2025-03-02"
    assert _count(db, ImpactNote) == 0
    client.post(f"/projects/{project.id}/impact/notes/new",
                data={"written_on": "2025-03-02", "body": "Bravo", "visibility": "shared"})
    assert db.session.scalar(db.select(ImpactNote)).visibility == Visibility.SHARED


def test_an_officer_adds_a_note_on_an_organization_of_their_portfolio(client, login_as, db):
    officer = login_as(Role.OFFICER)
    organization = make_organization(name="Coopérative Al Baraka")
    make_project(organization=organization, officer=officer)
    page = _text(client.get(f"/organizations/{organization.id}/impact/notes/new"))
    assert "Coopérative Al Baraka" in page
    response = client.post(f"/organizations/{organization.id}/impact/notes/new",
                           data={"written_on": "2025-03-02", "body": "AG tenue.",
                                 "visibility": "shared"})
    assert response.location.endswith(f"/organizations/{organization.id}")
    assert db.session.scalar(db.select(ImpactNote)).organization_id == organization.id


@pytest.mark.parametrize("role", [Role.INNOVATOR, Role.MANAGER, Role.OFFICER])
def test_notes_are_refused_to_who_may_not_change_the_record(client, login_as, db, role):
    login_as(role)
    other_officer = make_user(Role.OFFICER)
    organization = make_organization()
    project = make_project(organization=organization, officer=other_officer)
    data = {"written_on": "2025-03-02", "body": "Intrus", "visibility": "shared"}
    for path in (f"/projects/{project.id}/impact/notes/new",
                 f"/organizations/{organization.id}/impact/notes/new",
                 "/projects/99999/impact/notes/new"):
        assert client.get(path).status_code == 404, path
        assert client.post(path, data=data).status_code == 404, path
    assert _count(db, ImpactNote) == 0


# --- recording a figure -----------------------------------------------------------------------


def test_an_officer_records_a_figure_typed_as_in_french(client, login_as, db):
    officer = login_as(Role.OFFICER, full_name="Salma Alaoui")
    project = make_project(officer=officer, name="Argan digital")
    page = _text(client.get(f"/projects/{project.id}/impact/new"))
    assert "Jobs created — of which women" in page and "Revenue" in page
    response = client.post(f"/projects/{project.id}/impact/new",
                           data=_figure_form("revenue", value="1 234,5", note="Bilan"))
    assert response.status_code == 302
    assert response.location.endswith(f"/projects/{project.id}/impact")
    figure = db.session.scalar(db.select(Measurement))
    assert figure.value == Decimal("1234.50") and figure.indicator.code == "revenue"
    assert (figure.period_start, figure.period_end) == H1 and figure.note == "Bilan"
    # Typed by the officer: the foundation's figure, never labelled self-reported.
    assert figure.source == MeasurementSource.STAFF_REPORTED
    assert figure.reported_by_id == officer.id
    listing = _text(client.get(response.location))
    assert "MAD1,234.50" in listing and "Salma Alaoui" in listing
    assert "Entered by the foundation" in listing and "Self-reported" not in listing


def test_the_quick_periods_prefill_the_form(client, login_as):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    periods = services.quick_periods(date.today())
    page = _text(client.get(f"/projects/{project.id}/impact/new"))
    assert "period=last-semester" in page and "period=last-year" in page
    jobs = _indicator("jobs")
    page = _text(client.get(f"/projects/{project.id}/impact/new?period=last-semester"
                            f"&indicator={jobs.id}"))
    start, end = periods["last-semester"]
    assert _input_value(page, "period_start") == start.isoformat()
    assert _input_value(page, "period_end") == end.isoformat()
    assert f'<option selected value="{jobs.id}">' in page
    page = _text(client.get(f"/projects/{project.id}/impact/new?period=last-year"))
    assert _input_value(page, "period_start") == periods["last-year"][0].isoformat()


def _refused(client, db, project, data: dict, field: str, message: str) -> str:
    before = _count(db, Measurement)
    response = client.post(f"/projects/{project.id}/impact/new", data=data)
    page = _text(response)
    assert response.status_code == 200
    assert message in _errors_of(page, field), page
    assert _count(db, Measurement) == before
    assert _input_value(page, "value") == data["value"]  # what was typed is kept
    assert _input_value(page, "period_start") == data["period_start"]
    assert _input_value(page, "period_end") == data["period_end"]
    assert f'<option selected value="{data["indicator_id"]}">' in page
    return page


def test_every_rule_of_figures_is_explained_next_to_its_field(client, login_as, db):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    _refused(client, db, project, _figure_form("jobs", value="-3"), "value",
             "A figure cannot be negative.")
    _record(officer, project, "jobs", H1, 10)
    _refused(client, db, project, _figure_form("jobs_women", value="10,5"), "value",
             "This part cannot be above its total (10).")
    _record(officer, project, "beneficiaries_youth", H1, "1250")
    _refused(client, db, project, _figure_form("beneficiaries", value="1 249"), "value",
             "The total cannot be below one of its parts (1,250).")
    _refused(client, db, project, _figure_form("jobs", period=(date(2024, 6, 1), H2[1])),
             "period_start", "There is already a figure for this indicator over part of this "
             "period.")
    _refused(client, db, project, _figure_form("volunteers", period=(H1[1], H1[0])),
             "period_end", "The period cannot end before it starts.")
    _refused(client, db, project, _figure_form("volunteers", value="douze"), "value",
             "Give a number")
    _refused(client, db, project, _figure_form("volunteers", value="1.234"), "value",
             "Give at most two decimal places.")
    client.post(f"/projects/{project.id}/impact/new", data=_figure_form("jobs", period=H2))
    assert _count(db, Measurement) == 3  # the next semester touches the first: accepted


def test_a_figure_needs_an_indicator_dates_and_a_value(client, login_as, db):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    page = _text(client.post(f"/projects/{project.id}/impact/new",
                             data={"indicator_id": "", "period_start": "2024-13-01",
                                   "period_end": "", "value": ""}))
    assert "Choose an indicator." in _errors_of(page, "indicator_id")
    assert "Give a valid date." in _errors_of(page, "period_start")
    assert "Give the figure." in _errors_of(page, "value")
    assert _count(db, Measurement) == 0


# --- correcting and verifying -----------------------------------------------------------------


def test_an_officer_corrects_a_figure_and_the_rules_still_hold(client, login_as, db):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    jobs = _record(officer, project, "jobs", H1, 10)
    _record(officer, project, "jobs_women", H1, 6)
    page = _text(client.get(f"/impact/measurements/{jobs.id}/edit"))
    assert _input_value(page, "value") == "10" and "Jobs created" in page
    data = {"period_start": "2024-01-01", "period_end": "2024-06-30", "value": "5",
            "note": "", "version": str(jobs.version)}
    page = _text(client.post(f"/impact/measurements/{jobs.id}/edit", data=data))
    assert "The total cannot be below one of its parts (6)." in _errors_of(page, "value")
    assert _input_value(page, "value") == "5" and _reload(db, jobs.id).value == Decimal("10.00")
    response = client.post(f"/impact/measurements/{jobs.id}/edit", data=data | {"value": "12"})
    assert response.status_code == 302  # its own period does not overlap itself
    assert _reload(db, jobs.id).value == Decimal("12.00")


def test_a_stale_edit_shows_the_conflict_and_overwrites_nothing(client, login_as, db):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    figure = _record(officer, project, "jobs", H1, 10)
    read_version = figure.version
    services.update_measurement(officer, figure, read_version, *H1, Decimal("11"))
    response = client.post(f"/impact/measurements/{figure.id}/edit",
                           data={"period_start": "2024-01-01", "period_end": "2024-06-30",
                                 "value": "15", "note": "", "version": str(read_version)})
    page = _text(response)
    assert response.status_code == 200 and 'id="conflict"' in page
    assert "15.00" in page and "11.00" in page
    assert _reload(db, figure.id).value == Decimal("11.00")
    assert f'name="version" type="hidden" value="{read_version + 1}"' in page


def test_changing_a_verified_figure_makes_it_unverified_again(client, login_as, db):
    officer = login_as(Role.OFFICER, full_name="Salma Alaoui")
    project = make_project(officer=officer)
    figure = _record(officer, project, "jobs", H1, 10, source=MeasurementSource.VERIFIED)
    page = _text(client.get(f"/impact/measurements/{figure.id}/edit"))
    assert "This figure was verified by <bdi>Salma Alaoui</bdi>" in page
    assert "it is no longer verified until someone verifies it anew" in page
    response = client.post(f"/impact/measurements/{figure.id}/edit", follow_redirects=True,
                           data={"period_start": "2024-01-01", "period_end": "2024-06-30",
                                 "value": "11", "note": "", "version": str(figure.version)})
    assert "it needs to be verified anew" in _text(response)
    figure = _reload(db, figure.id)
    assert figure.source == MeasurementSource.STAFF_REPORTED and figure.verified_by_id is None


def test_an_officer_verifies_a_figure_and_who_and_when_are_shown(client, login_as, db):
    officer = login_as(Role.OFFICER, full_name="Salma Alaoui")
    project = make_project(officer=officer)
    figure = _record(make_user(Role.ADMIN), project, "jobs", H1, 10)
    page = _text(client.get(f"/projects/{project.id}/impact"))
    assert f"/impact/measurements/{figure.id}/verify" in page and "data-confirm=" in page
    response = client.post(f"/impact/measurements/{figure.id}/verify",
                           data={"version": str(figure.version)}, follow_redirects=True)
    page = _text(response)
    assert "was verified" in page and "by <bdi>Salma Alaoui</bdi>" in page
    figure = _reload(db, figure.id)
    assert figure.source == MeasurementSource.VERIFIED and figure.verified_by_id == officer.id
    assert figure.verified_at is not None
    assert f"/impact/measurements/{figure.id}/verify" not in page  # nothing left to verify


def test_a_figure_changed_since_the_page_was_read_is_not_verified(client, login_as, db):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    figure = _record(officer, project, "jobs", H1, 10)
    read_version = figure.version
    services.update_measurement(officer, figure, read_version, *H1, Decimal("99"))
    page = _text(client.post(f"/impact/measurements/{figure.id}/verify",
                             data={"version": str(read_version)}, follow_redirects=True))
    assert "was changed while you were reading it" in page
    assert _reload(db, figure.id).source == MeasurementSource.STAFF_REPORTED


# --- who may do what --------------------------------------------------------------------------


def _forbidden_changes(client, db, project, figure) -> None:
    """Every change to the project's figures answers 404 and changes nothing."""
    before, source = _count(db, Measurement), figure.source
    assert client.get(f"/projects/{project.id}/impact/new").status_code == 404
    assert client.post(f"/projects/{project.id}/impact/new",
                       data=_figure_form("volunteers")).status_code == 404
    assert client.get(f"/impact/measurements/{figure.id}/edit").status_code == 404
    assert client.post(f"/impact/measurements/{figure.id}/edit",
                       data={"period_start": "2024-01-01", "period_end": "2024-06-30",
                             "value": "99", "version": str(figure.version)}).status_code == 404
    assert client.post(f"/impact/measurements/{figure.id}/verify",
                       data={"version": str(figure.version)}).status_code == 404
    figure = _reload(db, figure.id)
    assert figure.value == Decimal("10.00") and figure.source == source
    assert _count(db, Measurement) == before


def test_innovators_reach_no_impact_screen(client, login_as, db):
    login_as(Role.INNOVATOR)
    project = make_project()
    figure = _record(None, project, "jobs", H1, 10)
    assert client.get(f"/projects/{project.id}/impact").status_code == 404
    _forbidden_changes(client, db, project, figure)


def test_managers_read_figures_but_neither_record_nor_verify(client, login_as, db):
    login_as(Role.MANAGER)
    project = make_project(officer=make_user(Role.OFFICER))
    figure = _record(None, project, "jobs", H1, 10)
    page = _text(client.get(f"/projects/{project.id}/impact"))
    assert "Jobs created" in page and "/verify" not in page and "/edit" not in page
    assert "Record a figure" not in page
    _forbidden_changes(client, db, project, figure)


def test_an_officer_cannot_touch_another_officers_figures(client, login_as, db):
    login_as(Role.OFFICER)
    project = make_project(officer=make_user(Role.OFFICER))
    figure = _record(None, project, "jobs", H1, 10)
    page = _text(client.get(f"/projects/{project.id}/impact"))
    assert "/verify" not in page and "Record a figure" not in page
    _forbidden_changes(client, db, project, figure)


def test_an_officer_records_on_unassigned_projects_and_admins_everywhere(client, login_as,
                                                                           db):
    login_as(Role.ADMIN)
    project = make_project(officer=make_user(Role.OFFICER))
    assert client.post(f"/projects/{project.id}/impact/new",
                       data=_figure_form("jobs")).status_code == 302
    officer = make_user(Role.OFFICER)
    other = app_client_logged_in(client, officer)
    unassigned = make_project()
    assert other.post(f"/projects/{unassigned.id}/impact/new",
                      data=_figure_form("jobs")).status_code == 302
    assert _count(db, Measurement) == 2


def app_client_logged_in(client, user):
    other = client.application.test_client()
    assert sign_in(other, user).status_code == 302  # with the code, for an admin
    return other


def test_archived_projects_take_no_new_figure(client, login_as, db):
    from crm.projects import services as project_services

    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    figure = _record(officer, project, "jobs", H1, 10)
    project_services.archive_project(officer, project)
    assert client.get(f"/projects/{project.id}/impact").status_code == 200
    _forbidden_changes(client, db, project, figure)


def test_unknown_records_answer_404(client, login_as):
    login_as(Role.ADMIN)
    for path in ("/projects/99999/impact", "/projects/99999/impact/new",
                 "/impact/measurements/99999/edit", "/impact/indicators/99999/edit",
                 "/organizations/99999/impact/notes/new"):
        assert client.get(path).status_code == 404, path
    assert client.post("/impact/measurements/99999/verify").status_code == 404


# --- the figures page -------------------------------------------------------------------------


def test_the_figures_page_groups_figures_by_period_with_their_source(client, login_as, db):
    officer = login_as(Role.MANAGER)
    verifier = make_user(Role.OFFICER, full_name="Youssef Tazi")
    project = make_project(officer=verifier, name="Argan digital")
    old = _record(verifier, project, "jobs", H1, 10)
    services.verify_measurement(verifier, old)
    _record(verifier, project, "jobs", H2, 12)
    _record(verifier, project, "jobs_youth", H2, 4, note="moins de 30 ans")
    page = _text(client.get(f"/projects/{project.id}/impact"))
    assert page.index("Jul 1, 2024") < page.index("Jan 1, 2024")  # newest period first
    assert "Jobs created — of which youth" in page and "moins de 30 ans" in page
    assert "Verified" in page and "by <bdi>Youssef Tazi</bdi>" in page
    assert "Entered by the foundation" in page
    assert officer.id


def test_the_figures_page_says_when_there_is_nothing(client, login_as):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    page = _text(client.get(f"/projects/{project.id}/impact"))
    assert "No figure recorded for this project yet." in page and "Record a figure" in page


def _figures(officer, project, count: int) -> None:
    codes = ["jobs", "beneficiaries", "revenue", "volunteers"]
    for n in range(count):
        month = n // len(codes)
        start = date(2015 + month // 12, month % 12 + 1, 1)
        end = date(start.year, start.month, 28)
        figure = _record(officer if n % 3 else None, project, codes[n % len(codes)],
                         (start, end), n)
        if n % 2:
            services.verify_measurement(officer, figure)


def test_the_figures_page_issues_a_fixed_number_of_queries(client, login_as, db):
    officer = login_as(Role.OFFICER)
    small, big = make_project(officer=officer), make_project(officer=officer)
    _figures(officer, small, 10)
    _figures(make_user(Role.OFFICER), big, 60)
    client.get(f"/projects/{small.id}/impact")  # warm-up

    def queries(project) -> int:
        with count_queries(db) as statements:
            assert client.get(f"/projects/{project.id}/impact").status_code == 200
        return len(statements)

    assert queries(small) == queries(big)


def test_the_pages_are_right_to_left_in_arabic_without_inline_script_or_style(client,
                                                                             login_as):
    officer = login_as(Role.OFFICER, language="ar")
    project = make_project(officer=officer)
    figure = _record(officer, project, "revenue", H1, "1234.5")
    admin_pages = ["/impact/indicators", "/impact/indicators/new",
                   f"/impact/indicators/{_indicator('jobs').id}/edit"]
    for path in (f"/projects/{project.id}/impact", f"/projects/{project.id}/impact/new",
                 f"/impact/measurements/{figure.id}/edit",
                 f"/projects/{project.id}/impact/notes/new",
                 f"/organizations/{project.organization_id}/impact/notes/new"):
        page = _text(client.get(path))
        assert '<html lang="ar" dir="rtl">' in page, path
        assert "<script>" not in page and "onclick=" not in page and "style=" not in page, path
    admin = app_client_logged_in(client, make_user(Role.ADMIN, language="ar"))
    for path in admin_pages:
        page = _text(admin.get(path))
        assert '<html lang="ar" dir="rtl">' in page and "style=" not in page, path


def test_an_officer_cannot_record_a_figure_for_a_period_that_has_not_ended(client, login_as, db):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    today = date.today()
    period = (today.replace(day=1), today + timedelta(days=40))
    response = client.post(f"/projects/{project.id}/impact/new",
                           data=_figure_form("jobs", period=period))
    assert response.status_code == 200
    assert "This period has not ended yet" in _text(response)
    assert 'id="period_end-errors"' in _text(response)  # next to the field it is about
    assert _count(db, Measurement) == 0

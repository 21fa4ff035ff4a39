"""The reports pages: who sees what, filters, exports, print."""

import io

from openpyxl import load_workbook

from crm.auth.models import Role
from crm.common.reference import Region
from crm.reports.registry import REPORTS
from tests.factories import make_organization, make_project, make_user


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_every_report_shows_a_chart_and_a_table(client, login_as, db):
    make_project(name="Projet Alpha")
    login_as(Role.MANAGER)
    index = _text(client.get("/reports/"))
    for report in REPORTS:
        assert f'href="/reports/{report.slug}"' in index
        response = client.get(f"/reports/{report.slug}")
        assert response.status_code == 200, report.slug
        page = _text(response)
        assert str(report.title) in page
    funnel = _text(client.get("/reports/funnel"))
    assert 'data-chart="bar"' in funnel and "<table" in funnel and "Identified" in funnel


def test_an_empty_report_says_so(client, login_as):
    login_as(Role.MANAGER)
    page = _text(client.get("/reports/crowdfunding"))
    assert "No data for these filters." in page and "<canvas" not in page


def test_an_unknown_report_is_404(client, login_as):
    login_as(Role.MANAGER)
    assert client.get("/reports/nothing").status_code == 404
    assert client.get("/reports/funnel/export.pdf").status_code == 404


def test_innovators_have_no_reports(client, login_as):
    login_as(Role.INNOVATOR)
    assert client.get("/reports/").status_code == 404
    assert client.get("/reports/funnel").status_code == 404
    assert client.get("/reports/funnel/export.csv").status_code == 404


def test_an_officer_sees_only_their_portfolio_whatever_the_query_says(client, login_as):
    other = make_user(Role.OFFICER)
    make_project(name="Projet d'un autre", officer=other)
    officer = login_as(Role.OFFICER)
    make_project(name="Mon projet", officer=officer)
    csv = _text(client.get(f"/reports/funnel/export.csv?officer={other.id}"))
    assert "Identified,1,100.0" in csv  # their own project only, not the other officer's
    page = _text(client.get("/reports/funnel"))
    assert 'name="officer"' not in page and "You see the projects of your own portfolio." in page


def test_the_csv_export_follows_the_filters(client, login_as):
    souss = make_organization(region=Region("souss-massa"))
    make_project(organization=souss)
    make_project(organization=make_organization(region=Region("oriental")))
    make_project(organization=make_organization(region=Region("oriental")), stage="applied")
    login_as(Role.MANAGER)
    body = _text(client.get("/reports/funnel/export.csv?region=souss-massa"))
    assert body.startswith("\ufeffStage,Projects,Share of the projects (%)")
    assert "Identified,1,100.0" in body and "Applied,0," in body
    page = _text(client.get("/reports/funnel?region=souss-massa"))
    assert "/reports/funnel/export.xlsx?region=souss-massa" in page


def test_the_excel_export_has_numbers_and_an_arabic_sheet_right_to_left(client, login_as):
    make_project()
    login_as(Role.MANAGER, language="ar")
    response = client.get("/reports/funnel/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.sheet_view.rightToLeft is True
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    identified = next(row for row in values[1:] if row[1] == 1)
    assert isinstance(identified[1], int) and identified[2] == 100.0


def test_a_bad_filter_is_ignored_not_an_error(client, login_as):
    make_project()
    login_as(Role.MANAGER)
    response = client.get("/reports/funnel?start=not-a-date&region=atlantis&officer=x")
    assert response.status_code == 200
    assert "Identified" in _text(response)


def test_the_filters_show_what_was_chosen_and_refuse_an_unknown_officer(client, login_as):
    officer = make_user(Role.OFFICER, full_name="Salma Idrissi")
    make_project(officer=officer)
    login_as(Role.MANAGER)
    page = _text(client.get(f"/reports/funnel?officer={officer.id}&region=souss-massa"))
    assert f'<option value="{officer.id}" selected>Salma Idrissi</option>' in page
    assert '<option value="souss-massa" selected>Souss-Massa</option>' in page
    assert '<option value="" selected>' not in page.split('id="officer"')[1].split("</select>")[0]
    assert '<select class="form-select" id="officer"' in page

    page = _text(client.get("/reports/funnel?officer=999999"))
    officer_select = page.split('id="officer"')[1].split("</select>")[0]
    assert "selected" not in officer_select and 'aria-invalid="true"' in page
    assert "Not a valid choice." in page


def test_printing_hides_the_filters_and_shows_them_as_text(client, login_as):
    make_project()
    login_as(Role.MANAGER)
    page = _text(client.get("/reports/funnel?region=souss-massa"))
    assert 'class="border rounded p-3 mb-4 no-print report-filters"' in page
    assert "print-only" in page and "Souss-Massa" in page
    assert "data-print" in page

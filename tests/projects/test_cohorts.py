"""A project's cohort is a forum edition (or, failing that, a free text): the form, the page,
the lists' filters and the reports grouped by cohort, newest first."""

import re
from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from crm.auth.models import Role
from crm.errors import ServiceError
from crm.forums.models import Forum
from crm.pipeline import services as pipeline
from crm.projects import services
from crm.projects.models import Project
from crm.reports import pipeline as pipeline_report
from crm.reports.filters import ReportFilters
from tests.factories import make_forum, make_organization, make_project


def _text(response) -> str:
    return response.get_data(as_text=True)


def _editions():
    """Three editions, created out of order: 2023, 2025, 2024."""
    return (make_forum(name="WeXchange 2023", held_on=date(2023, 10, 12)),
            make_forum(name="WeXchange 2025", held_on=date(2025, 10, 16)),
            make_forum(name="WeXchange 2024", held_on=date(2024, 10, 17)))


def test_the_form_offers_the_editions_newest_first_and_links_one(client, login_as, db):
    login_as(Role.OFFICER)
    org = make_organization()
    older, newest, middle = _editions()
    form = _text(client.get(f"/projects/new?organization_id={org.id}"))
    options = re.findall(r'<option[^>]*value="(\d*)"[^>]*>([^<]*)</option>',
                         form.split('name="forum_id"')[1].split("</select>")[0])
    assert [label for _value, label in options] == [
        "Not a forum edition", "WeXchange 2025", "WeXchange 2024", "WeXchange 2023"]
    response = client.post(f"/projects/new?organization_id={org.id}", data={
        "name": "Eau pour tous", "forum_id": str(middle.id), "cohort": "Promo B"})
    assert response.status_code == 302
    project = db.session.scalar(sa.select(Project).where(Project.name == "Eau pour tous"))
    assert (project.forum_id, project.cohort) == (middle.id, "")  # the text gives way
    page = _text(client.get(f"/projects/{project.id}"))
    assert f'href="/forums/{middle.id}"><bdi>WeXchange 2024</bdi></a>' in page
    assert "forum edition held on October 17, 2024" in page


def test_the_free_text_stays_for_a_cohort_that_is_no_edition(client, login_as, db):
    login_as(Role.OFFICER)
    project = make_project(cohort="Promo A")
    _editions()
    page = _text(client.get(f"/projects/{project.id}"))
    assert "<bdi>Promo A</bdi>" in page and "forum edition held on" not in page


def test_an_unknown_edition_is_a_form_error_not_a_crash(client, login_as, db):
    login_as(Role.OFFICER)
    org = make_organization()
    for value in ("999", "abc"):
        response = client.post(f"/projects/new?organization_id={org.id}",
                               data={"name": "Projet", "forum_id": value})
        assert response.status_code == 200
        assert 'id="forum_id-errors"' in _text(response)  # said beside the select
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Project)) == 0


def test_editing_links_the_edition_and_the_service_refuses_an_unknown_one(client, login_as,
                                                                          db):
    login_as(Role.ADMIN)
    project = make_project(cohort="2024")
    _older, newest, _middle = _editions()
    response = client.post(f"/projects/{project.id}/edit", data={
        "name": project.name, "forum_id": str(newest.id), "cohort": "2024",
        "version": str(project.version)})
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Project, project.id)
    assert (saved.cohort_name, saved.cohort) == ("WeXchange 2025", "")
    with pytest.raises(ServiceError) as error:
        services.update_project(None, saved, None, name=saved.name, forum_id=12345)
    assert error.value.field == "forum_id"


def test_cohorts_are_listed_newest_first_and_filter_the_lists(client, login_as, db):
    login_as(Role.OFFICER)
    older, newest, middle = _editions()
    make_project(name="Alpha", forum_id=middle.id)
    make_project(name="Bravo", forum_id=older.id)
    make_project(name="Charlie", cohort="2022")
    make_project(name="Delta", cohort="2021")
    make_project(name="Echo", forum_id=newest.id)
    assert services.list_cohorts() == ["WeXchange 2025", "WeXchange 2024", "WeXchange 2023",
                                       "2022", "2021"]
    page = _text(client.get("/projects"))
    cohort_filter = page.split('name="cohort"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([^"]+)"', cohort_filter) == services.list_cohorts()
    listed = _text(client.get("/projects?cohort=WeXchange+2024"))
    assert "Alpha" in listed and "Bravo" not in listed and "Charlie" not in listed
    assert "<bdi>WeXchange 2024</bdi>" in listed
    board = _text(client.get("/pipeline?cohort=2022"))
    assert "Charlie" in board and "Alpha" not in board


def test_the_reports_group_by_the_edition_newest_first(db):
    older, _newest, middle = _editions()
    start = datetime.combine(date.today() - timedelta(days=60), time(9))
    for name, cohort in (("Alpha", {"forum_id": middle.id}), ("Bravo", {"forum_id": older.id}),
                         ("Charlie", {"cohort": "2022"})):
        project = make_project(name=name, stage="applied", started_at=start, **cohort)
        pipeline.move_project(None, project, pipeline.get_stage("incubated"),
                              at=start + timedelta(days=10))
    table = pipeline_report.stage_to_stage(ReportFilters())
    assert [row[0] for row in table.rows] == ["WeXchange 2024", "WeXchange 2023", "2022"]
    only = pipeline_report.stage_to_stage(ReportFilters(cohort="WeXchange 2023"))
    assert [row[0] for row in only.rows] == ["WeXchange 2023"]


def test_an_edition_with_projects_cannot_be_deleted(db):
    forum = make_forum()
    make_project(forum_id=forum.id)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.delete(Forum).where(Forum.id == forum.id))
    db.session.rollback()
    assert db.session.get(Forum, forum.id) is not None

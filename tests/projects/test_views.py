"""The project screens: list, export, page, create, edit, move, assign, archive, home pages."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from crm.auth.models import Role
from crm.common.reference import Region, Theme
from crm.common.time import utcnow
from crm.interactions import services as interaction_services
from crm.interactions.models import InteractionKind
from crm.organizations.models import OrganizationKind
from crm.pipeline import services as pipeline
from crm.pipeline.models import StageTransition
from crm.projects.models import Project
from tests.factories import (
    make_membership,
    make_organization,
    make_person,
    make_project,
    make_user,
    sign_in,
)
from tests.queries import queries_on_page
from tests.spreadsheets import column, csv_rows, sheet_as_csv, xlsx_sheet


def _text(response) -> str:
    return response.get_data(as_text=True)


def _reload(db, project_id: int) -> Project:
    db.session.expire_all()
    return db.session.get(Project, project_id)


def _transitions(db, project_id: int) -> list[StageTransition]:
    db.session.expire_all()
    query = sa.select(StageTransition).where(StageTransition.project_id == project_id)
    return list(db.session.scalars(query.order_by(StageTransition.id)))


def _set_stage_entered(db, project: Project, days_ago: int) -> None:
    """Pretend the project entered its stage `days_ago` days ago (and its transition too)."""
    when = utcnow() - timedelta(days=days_ago)
    db.session.execute(sa.update(Project).where(Project.id == project.id)
                       .values(stage_entered_at=when, last_activity_at=when))
    last = max(_transitions(db, project.id), key=lambda t: t.id)
    db.session.execute(sa.update(StageTransition).where(StageTransition.id == last.id)
                       .values(at=when))
    db.session.commit()


def _logged_in_client(app, user):
    other = app.test_client()
    assert sign_in(other, user).status_code == 302  # with the code, for an admin
    return other


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_projects_with_organization_stage_and_officer(client, login_as):
    login_as(Role.MANAGER)
    officer = make_user(Role.OFFICER, full_name="Salma Alaoui")
    org = make_organization(name="Coopérative Al Baraka")
    make_project(name="Argan digital", organization=org, officer=officer, stage="incubated",
                 cohort="WeXchange 2024")
    page = _text(client.get("/projects"))
    assert "Argan digital" in page and "Coopérative Al Baraka" in page
    assert "Salma Alaoui" in page and "Incubated" in page and "WeXchange 2024" in page


def test_the_list_searches_by_name_in_both_scripts(client, login_as):
    login_as(Role.OFFICER)
    make_project(name="Eau potable pour les douars", name_arabic="الماء الصالح للشرب")
    make_project(name="Miel des montagnes")
    page = _text(client.get("/projects?q=potable"))
    assert "Eau potable pour les douars" in page and "Miel des montagnes" not in page
    page = _text(client.get("/projects", query_string={"q": "الماء"}))
    assert "Eau potable pour les douars" in page and "Miel des montagnes" not in page


def test_the_list_filters(client, login_as, db):
    login_as(Role.MANAGER)
    officer = make_user(Role.OFFICER)
    souss = make_organization(kind=OrganizationKind.COOPERATIVE, region=Region.SOUSS_MASSA)
    rabat = make_organization(kind=OrganizationKind.ASSOCIATION,
                              region=Region.RABAT_SALE_KENITRA)
    a = make_project(name="Alpha", organization=souss, officer=officer, stage="applied",
                     cohort="2023", themes={Theme.WATER}, tag_names=["rural"])
    b = make_project(name="Bravo", organization=rabat, stage="incubated", cohort="2024",
                     themes={Theme.HEALTH})
    archived = make_project(name="Charlie", organization=rabat)
    from crm.projects import services as project_services

    project_services.archive_project(None, archived)
    tag_id = _reload(db, a.id).tags[0].id

    def names(**args) -> set[str]:
        page = _text(client.get("/projects", query_string=args))
        return {n for n in ("Alpha", "Bravo", "Charlie") if f"<bdi>{n}</bdi>" in page}

    assert names() == {"Alpha", "Bravo"}
    assert names(stage="applied") == {"Alpha"}
    assert names(officer=officer.id) == {"Alpha"}
    assert names(officer="none") == {"Bravo"}
    assert names(cohort="2024") == {"Bravo"}
    assert names(theme="water") == {"Alpha"}
    assert names(tag=tag_id) == {"Alpha"}
    assert names(region="rabat-sale-kenitra") == {"Bravo"}
    assert names(kind="cooperative") == {"Alpha"}
    assert names(archived="1") == {"Charlie"}
    assert b.id and "No project matches these filters." in _text(
        client.get("/projects?stage=alumni"))


def test_the_filters_offer_stages_officers_and_cohorts(client, login_as):
    login_as(Role.OFFICER)
    make_user(Role.OFFICER, full_name="Youssef Tazi")
    make_project(cohort="WeXchange 2024")
    page = _text(client.get("/projects"))
    assert '<option value="incubated">Incubated</option>' in page
    assert '<option value="none">Unassigned</option>' in page
    assert "Youssef Tazi" in page and '<option value="WeXchange 2024">' in page


def test_the_list_sorts_and_paginates(app, client, login_as):
    login_as(Role.OFFICER)
    per_page = app.config["ITEMS_PER_PAGE"]
    org = make_organization()
    for n in range(per_page + 3):
        make_project(name=f"Projet {n:03d}", organization=org)
    first = _text(client.get("/projects"))
    assert "Projet 000" in first and f"Projet {per_page:03d}" not in first
    assert 'rel="next"' in first
    second = _text(client.get("/projects?page=2"))
    assert f"Projet {per_page + 2:03d}" in second and "Projet 000" not in second
    descending = _text(client.get("/projects?sort=-name"))
    assert descending.index(f"Projet {per_page + 2:03d}") < descending.index(
        f"Projet {per_page + 1:03d}")
    assert 'aria-sort="descending"' in descending


def test_the_list_sorts_by_stage_and_by_last_move(client, login_as, db):
    login_as(Role.OFFICER)
    old = make_project(name="Zulu", stage="alumni")
    make_project(name="Yankee", stage="identified")
    _set_stage_entered(db, old, 200)
    by_stage = _text(client.get("/projects?sort=stage"))
    assert by_stage.index(">Yankee<") < by_stage.index(">Zulu<")
    by_move = _text(client.get("/projects?sort=moved"))
    assert by_move.index(">Zulu<") < by_move.index(">Yankee<")


def test_the_csv_export_follows_the_filters_with_translated_headers(client, login_as):
    officer = login_as(Role.OFFICER, language="fr")
    org = make_organization(name="=Formule")
    make_project(name="Alpha", organization=org, officer=officer, cohort="2024",
                 tag_names=["rural", "femmes"])
    make_project(name="Bravo", cohort="2023")
    response = client.get("/projects/export?cohort=2024")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    header = body.lstrip("\ufeff").splitlines()[0]
    assert header.startswith("ID,Nom,")  # translated to the user's language (French)
    assert "Alpha" in body and "Bravo" not in body
    assert "'=Formule" in body  # no formula injection
    assert officer.display_name in body


def test_the_excel_export_follows_the_filters_with_date_cells(client, login_as, db):
    officer = login_as(Role.OFFICER, language="fr")
    org = make_organization(name="=Formule")
    alpha = make_project(name="Alpha", name_arabic="ألفا", organization=org, officer=officer,
                         cohort="2024", tag_names=["rural"])
    make_project(name="Bravo", cohort="2023")
    _set_stage_entered(db, alpha, 12)
    page = _text(client.get("/projects?cohort=2024"))
    assert "/projects/export?cohort=2024&amp;format=xlsx" in page
    sheet = xlsx_sheet(client.get("/projects/export?cohort=2024&format=xlsx"))
    assert sheet_as_csv(sheet) == csv_rows(client.get("/projects/export?cohort=2024"))
    assert [cell.value for cell in sheet[1]][:2] == ["ID", "Nom"]
    assert sheet.max_row == 2 and not sheet.sheet_view.rightToLeft
    assert (sheet["A2"].data_type, sheet["A2"].value) == ("n", alpha.id)
    assert sheet["C2"].value == "ألفا"
    assert (sheet["D2"].data_type, sheet["D2"].value) == ("s", "=Formule")
    since = column(sheet, "À cette étape depuis")[0]
    assert since.is_date and since.number_format == "yyyy-mm-dd"
    assert since.value.date() == (utcnow() - timedelta(days=12)).date()


def test_innovators_see_no_project_screen(client, login_as):
    login_as(Role.INNOVATOR)
    project = make_project()
    for path in ("/projects", "/projects/export", "/projects/export?format=xlsx",
                 f"/projects/{project.id}",
                 f"/projects/{project.id}/edit"):
        assert client.get(path).status_code == 404, path


# --- the project page -------------------------------------------------------------------------


def test_the_project_page_tells_the_whole_story(client, login_as, db):
    officer = login_as(Role.OFFICER, full_name="Salma Alaoui")
    org = make_organization(name="Association Tifawin", name_arabic="جمعية تيفاوين")
    founder = make_person(first_name="Nadia", last_name="El Amrani")
    make_membership(org, founder, "founder")
    project = make_project(officer, organization=org, officer=officer, name="Argan digital",
                           name_arabic="الأركان الرقمي", cohort="WeXchange 2024",
                           description="Vendre l'argan en ligne.", themes={Theme.DIGITAL},
                           sdgs={5, 8}, tag_names=["femmes"])
    _set_stage_entered(db, project, 30)
    pipeline.move_project(officer, _reload(db, project.id), pipeline.get_stage("contacted"),
                          "Rencontrée au forum", at=utcnow() - timedelta(days=10))

    response = client.get(f"/projects/{project.id}")
    page = _text(response)
    assert response.status_code == 200
    assert "Argan digital" in page and "الأركان الرقمي" in page
    assert f'href="/organizations/{org.id}"' in page and "Association Tifawin" in page
    assert f'href="/people/{founder.id}"' in page and "Nadia El Amrani" in page
    assert "Founder" in page
    assert "Salma Alaoui" in page and "WeXchange 2024" in page
    assert "Digital and data" in page and "Gender equality" in page and "femmes" in page
    assert "Vendre l&#39;argan en ligne." in page
    history = page[page.index("Stage history"):page.index("Interactions")]
    assert "Identified" in history and "Contacted" in history
    assert "20 days" in history and "10 days" in history
    assert "Rencontrée au forum" in history and "Salma Alaoui" in history
    assert "current stage" in history
    assert 'id="interactions-title"' in page
    assert 'id="history-title"' in page  # the audit log
    assert f'action="/projects/{project.id}/move"' in page
    assert "coming soon" not in page.lower()


def test_the_project_page_shows_interactions(client, login_as):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    interaction_services.log_interaction(officer, InteractionKind.CALL, date.today(),
                                         "Appel de suivi", project=project)
    assert "Appel de suivi" in _text(client.get(f"/projects/{project.id}"))


def test_a_manager_sees_the_officer_select_but_no_move_or_edit(client, login_as):
    login_as(Role.MANAGER)
    project = make_project()
    page = _text(client.get(f"/projects/{project.id}"))
    assert f'action="/projects/{project.id}/officer"' in page
    assert f'action="/projects/{project.id}/move"' not in page
    assert f"/projects/{project.id}/edit" not in page


def test_unknown_project_is_404(client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/projects/9999").status_code == 404


# --- create -----------------------------------------------------------------------------------


NEW_PROJECT = {"name": "Eau pour tous", "name_arabic": "الماء للجميع",
               "description": "Puits solaires.", "cohort": "WeXchange 2024",
               "themes": ["water", "environment"], "sdgs": ["6", "13"],
               "tag_names": "rural, eau"}


def test_an_officer_creates_a_project_assigned_to_them(client, login_as, db):
    officer = login_as(Role.OFFICER)
    org = make_organization(name="Dar Si Hmad")
    form = _text(client.get(f"/projects/new?organization_id={org.id}"))
    assert "Dar Si Hmad" in form and 'name="officer_id"' not in form
    assert 'dir="rtl"' in form
    response = client.post(f"/projects/new?organization_id={org.id}", data=NEW_PROJECT)
    assert response.status_code == 302
    project = db.session.scalar(sa.select(Project).where(Project.name == "Eau pour tous"))
    assert response.headers["Location"] == f"/projects/{project.id}"
    assert project.officer_id == officer.id and project.organization_id == org.id
    assert project.themes == {Theme.WATER, Theme.ENVIRONMENT} and project.sdgs == {6, 13}
    assert sorted(t.name for t in project.tags) == ["eau", "rural"]
    assert project.stage.code == "identified" and len(project.transitions) == 1


def test_an_admin_chooses_the_officer_or_nobody(client, login_as, db):
    login_as(Role.ADMIN)
    officer = make_user(Role.OFFICER, full_name="Youssef Tazi")
    org = make_organization()
    form = _text(client.get(f"/projects/new?organization_id={org.id}"))
    assert 'name="officer_id"' in form and "Youssef Tazi" in form
    client.post(f"/projects/new?organization_id={org.id}",
                data={**NEW_PROJECT, "officer_id": str(officer.id)})
    client.post(f"/projects/new?organization_id={org.id}",
                data={**NEW_PROJECT, "name": "Sans officier", "officer_id": ""})
    assert db.session.scalar(sa.select(Project.officer_id).where(
        Project.name == "Eau pour tous")) == officer.id
    assert db.session.scalar(sa.select(Project.officer_id).where(
        Project.name == "Sans officier")) is None


def test_a_project_needs_a_name_and_keeps_what_was_typed(client, login_as, db):
    login_as(Role.OFFICER)
    org = make_organization()
    response = client.post(f"/projects/new?organization_id={org.id}",
                           data={**NEW_PROJECT, "name": "", "name_arabic": ""})
    page = _text(response)
    assert response.status_code == 200
    assert "Give the name in Latin or in Arabic script." in page
    assert 'value="WeXchange 2024"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Project)) == 0


@pytest.mark.parametrize("role", [Role.MANAGER, Role.INNOVATOR])
def test_managers_and_innovators_cannot_create_projects(client, login_as, db, role):
    login_as(role)
    org = make_organization()
    assert client.get(f"/projects/new?organization_id={org.id}").status_code == 404
    response = client.post(f"/projects/new?organization_id={org.id}", data=NEW_PROJECT)
    assert response.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Project)) == 0


def test_creating_needs_a_known_organization(client, login_as):
    login_as(Role.OFFICER)
    assert client.get("/projects/new").status_code == 404
    assert client.get("/projects/new?organization_id=9999").status_code == 404
    assert client.get("/projects/new?organization_id=abc").status_code == 404


# --- edit -------------------------------------------------------------------------------------


def _edit_data(project: Project, **changes) -> dict:
    return {"name": project.name, "name_arabic": project.name_arabic,
            "description": project.description, "cohort": project.cohort,
            "themes": [t.value for t in project.themes],
            "sdgs": [str(n) for n in project.sdgs], "tag_names": "",
            "version": str(project.version), **changes}


def test_an_officer_edits_their_project(client, login_as, db):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer, name="Ancien nom", tag_names=["rural"])
    form = _text(client.get(f"/projects/{project.id}/edit"))
    assert 'value="Ancien nom"' in form and 'value="rural"' in form
    response = client.post(f"/projects/{project.id}/edit",
                           data=_edit_data(project, name="Nouveau nom", cohort="2025",
                                           themes=["youth"], tag_names="jeunes"))
    assert response.status_code == 302
    saved = _reload(db, project.id)
    assert (saved.name, saved.cohort, saved.themes) == ("Nouveau nom", "2025", {Theme.YOUTH})
    assert [t.name for t in saved.tags] == ["jeunes"]
    assert saved.version == 2


def test_the_second_of_two_concurrent_edits_is_refused(app, client, login_as, db):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer, name="Nom initial")
    admin_client = _logged_in_client(app, make_user(Role.ADMIN))
    first = _text(client.get(f"/projects/{project.id}/edit"))
    second = _text(admin_client.get(f"/projects/{project.id}/edit"))
    version = re.search(r'name="version" type="hidden" value="(\d+)"', first).group(1)
    assert version in second

    assert client.post(f"/projects/{project.id}/edit", data=_edit_data(
        project, name="Nom de Salma", version=version)).status_code == 302
    response = admin_client.post(f"/projects/{project.id}/edit", data=_edit_data(
        project, name="Nom de l'admin", version=version))
    page = _text(response)
    assert response.status_code == 200
    assert 'id="conflict"' in page and "Nom de Salma" in page
    saved = _reload(db, project.id)
    assert saved.name == "Nom de Salma"
    # the refused form now carries the saved version: saving again is a conscious choice
    assert f'value="{saved.version}"' in page


@pytest.mark.parametrize("role", [Role.MANAGER, Role.INNOVATOR])
def test_managers_and_innovators_cannot_edit(client, login_as, db, role):
    login_as(role)
    project = make_project(name="Intact")
    assert client.get(f"/projects/{project.id}/edit").status_code == 404
    assert client.post(f"/projects/{project.id}/edit",
                       data=_edit_data(project, name="Changé")).status_code == 404
    assert _reload(db, project.id).name == "Intact"


def test_an_officer_cannot_edit_another_officers_project(client, login_as, db):
    login_as(Role.OFFICER)
    project = make_project(officer=make_user(Role.OFFICER), name="Intact")
    assert client.get(f"/projects/{project.id}/edit").status_code == 404
    assert client.post(f"/projects/{project.id}/edit",
                       data=_edit_data(project, name="Changé")).status_code == 404
    assert _reload(db, project.id).name == "Intact"


# --- archive, restore, assign -----------------------------------------------------------------


def test_archive_and_restore(client, login_as, db):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer, name="Archivable")
    page = _text(client.get(f"/projects/{project.id}"))
    assert "data-confirm=" in page
    assert client.post(f"/projects/{project.id}/archive").status_code == 302
    assert _reload(db, project.id).archived_at is not None
    assert "<bdi>Archivable</bdi>" not in _text(client.get("/projects"))
    page = _text(client.get(f"/projects/{project.id}"))
    assert "Archived" in page and f"/projects/{project.id}/move" not in page
    assert client.post(f"/projects/{project.id}/restore").status_code == 302
    assert _reload(db, project.id).archived_at is None


def test_archive_is_404_for_managers_and_others_officers(client, login_as, db):
    login_as(Role.OFFICER)
    project = make_project(officer=make_user(Role.OFFICER))
    assert client.post(f"/projects/{project.id}/archive").status_code == 404
    assert _reload(db, project.id).archived_at is None


def test_a_manager_assigns_and_unassigns_an_officer(client, login_as, db):
    login_as(Role.MANAGER)
    officer = make_user(Role.OFFICER, full_name="Youssef Tazi")
    project = make_project()
    response = client.post(f"/projects/{project.id}/officer",
                           data={"assign-officer_id": str(officer.id),
                                 "assign-version": str(project.version)},
                           follow_redirects=True)
    assert "is now followed by Youssef Tazi" in _text(response)
    assert _reload(db, project.id).officer_id == officer.id
    client.post(f"/projects/{project.id}/officer",
                data={"assign-officer_id": "", "assign-version": "2"})
    assert _reload(db, project.id).officer_id is None


def test_the_history_names_the_officers_rather_than_their_ids(client, login_as, db):
    login_as(Role.MANAGER)
    first = make_user(Role.OFFICER, full_name="Youssef Tazi")
    second = make_user(Role.OFFICER, full_name="Nadia Berrada")
    project = make_project()
    for version, officer in enumerate((first, second), start=project.version):
        client.post(f"/projects/{project.id}/officer",
                    data={"assign-officer_id": str(officer.id), "assign-version": str(version)})
    page = _text(client.get(f"/projects/{project.id}"))
    history = page[page.index('id="history-title"'):]
    assert "<del><bdi>Youssef Tazi</bdi></del> → <ins><bdi>Nadia Berrada</bdi></ins>" in history
    assert f"<bdi>{second.id}</bdi>" not in history


def test_assigning_a_stale_version_is_refused(client, login_as, db):
    login_as(Role.MANAGER)
    first, second = make_user(Role.OFFICER), make_user(Role.OFFICER)
    project = make_project(officer=first)
    response = client.post(f"/projects/{project.id}/officer",
                           data={"assign-officer_id": str(second.id), "assign-version": "0"})
    assert response.status_code == 200 and 'id="conflict"' in _text(response)
    assert _reload(db, project.id).officer_id == first.id


@pytest.mark.parametrize("role", [Role.OFFICER, Role.INNOVATOR])
def test_officers_and_innovators_cannot_assign(client, login_as, db, role):
    user = login_as(role)
    project = make_project()
    response = client.post(f"/projects/{project.id}/officer",
                           data={"assign-officer_id": str(user.id), "assign-version": "1"})
    assert response.status_code == 404
    assert _reload(db, project.id).officer_id is None


# --- move -------------------------------------------------------------------------------------


def test_moving_records_the_transition_with_note_and_actor(client, login_as, db):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    response = client.post(f"/projects/{project.id}/move", data={
        "to_stage": "contacted", "note": "Appel après le forum", "version": "1"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/projects/{project.id}"
    saved = _reload(db, project.id)
    assert saved.stage.code == "contacted"
    last = _transitions(db, project.id)[-1]
    assert (last.to_stage.code, last.from_stage.code) == ("contacted", "identified")
    assert last.note == "Appel après le forum" and last.by_id == officer.id
    page = _text(client.get(f"/projects/{project.id}"))
    assert "moved to Contacted" in page


def test_the_move_choices_are_the_other_active_stages(client, login_as):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer, stage="applied")
    page = _text(client.get(f"/projects/{project.id}"))
    form = page[page.index(f'action="/projects/{project.id}/move"'):]
    form = form[:form.index("</form>")]
    assert 'value="contacted"' in form and 'value="declined"' in form
    assert 'value="applied"' not in form


def test_an_exit_without_a_note_is_refused_and_nothing_is_saved(client, login_as, db):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    response = client.post(f"/projects/{project.id}/move",
                           data={"to_stage": "declined", "note": "  ", "version": "1"})
    page = _text(response)
    assert response.status_code == 200
    errors = page[page.index('id="note-errors"'):]
    assert errors.index("Give the reason why the project leaves the pipeline.") < 200
    assert _reload(db, project.id).stage.code == "identified"
    assert len(_transitions(db, project.id)) == 1


def test_an_exit_with_a_note_is_recorded(client, login_as, db):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    client.post(f"/projects/{project.id}/move",
                data={"to_stage": "withdrawn", "note": "Projet abandonné", "version": "1"})
    assert _reload(db, project.id).stage.code == "withdrawn"


@pytest.mark.parametrize("role", [Role.MANAGER, Role.INNOVATOR])
def test_managers_and_innovators_cannot_move(client, login_as, db, role):
    login_as(role)
    project = make_project()
    response = client.post(f"/projects/{project.id}/move",
                           data={"to_stage": "contacted", "note": "", "version": "1"})
    assert response.status_code == 404
    assert _reload(db, project.id).stage.code == "identified"
    assert len(_transitions(db, project.id)) == 1


def test_an_officer_moves_unassigned_projects_but_not_another_officers(client, login_as, db):
    login_as(Role.OFFICER)
    theirs = make_project(officer=make_user(Role.OFFICER))
    nobodys = make_project()
    response = client.post(f"/projects/{theirs.id}/move",
                           data={"to_stage": "contacted", "version": "1"})
    assert response.status_code == 404
    assert _reload(db, theirs.id).stage.code == "identified"
    response = client.post(f"/projects/{nobodys.id}/move",
                           data={"to_stage": "contacted", "version": "1"})
    assert response.status_code == 302
    assert _reload(db, nobodys.id).stage.code == "contacted"


def test_a_move_from_the_board_without_javascript_goes_back_to_the_board(client, login_as):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    response = client.post(f"/projects/{project.id}/move", data={
        "to_stage": "contacted", "version": "1", "next": "/pipeline?cohort=2024"})
    assert response.headers["Location"] == f"/pipeline?cohort=2024&moved={project.id}"
    board = client.get(response.headers["Location"]).text  # not in cohort 2024: its column
    assert 'id="stage-contacted" tabindex="-1" data-focus' in board
    board = client.get(f"/pipeline?moved={project.id}").text
    assert f'id="card-{project.id}" tabindex="-1" data-focus' in board
    response = client.post(f"/projects/{project.id}/move", data={
        "to_stage": "applied", "version": "2", "next": "https://evil.example/"})
    assert response.headers["Location"] == f"/projects/{project.id}"


def test_a_move_with_a_stale_version_is_refused(client, login_as, db):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    response = client.post(f"/projects/{project.id}/move",
                           data={"to_stage": "contacted", "version": "0"})
    assert response.status_code == 200
    assert "Someone else saved this record" in _text(response)
    assert _reload(db, project.id).stage.code == "identified"


def test_an_htmx_move_returns_the_updated_board(client, login_as, db):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer, name="Argan digital", cohort="2024")
    response = client.post(f"/projects/{project.id}/move?cohort=2024",
                           data={"to_stage": "applied", "version": "1"},
                           headers={"HX-Request": "true"})
    page = _text(response)
    assert response.status_code == 200
    assert "<html" not in page and page.lstrip().startswith('<div id="board">')
    applied = page[page.index('id="column-applied"'):page.index('id="column-assessed"')]
    assert "Argan digital" in applied
    assert "Argan digital moved to Applied." in page
    assert f'hx-post="/projects/{project.id}/move?cohort=2024"' in page  # filters kept
    assert _reload(db, project.id).stage.code == "applied"


def test_an_htmx_exit_without_note_shows_the_error_on_the_card(client, login_as, db):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    response = client.post(f"/projects/{project.id}/move",
                           data={"to_stage": "declined", "note": "", "version": "1"},
                           headers={"HX-Request": "true"})
    page = _text(response)
    assert response.status_code == 200 and "<html" not in page
    assert f'id="move-{project.id}-error"' in page
    assert "Give the reason why the project leaves the pipeline." in page
    assert _reload(db, project.id).stage.code == "identified"


# --- home pages -------------------------------------------------------------------------------


def test_the_officer_home_shows_the_portfolio_and_stale_projects(client, login_as, db):
    officer = login_as(Role.OFFICER)
    stale = make_project(officer=officer, name="Projet endormi", stage="applied")
    make_project(officer=officer, name="Projet actif", stage="applied")
    make_project(officer=officer, name="Projet incubé", stage="incubated")
    make_project(officer=make_user(Role.OFFICER), name="Projet d'un autre")
    _set_stage_entered(db, stale, 100)
    page = _text(client.get("/"))
    assert "My portfolio" in page
    assert f"/projects?officer={officer.id}&amp;stage=applied" in page
    counts = page[page.index("My portfolio"):page.index("Without activity for longer")]
    assert re.search(r"Applied</span>\s*<span[^>]*>2<", counts)
    assert re.search(r"Incubated</span>\s*<span[^>]*>1<", counts)
    stale_part = page[page.index("Without activity for longer"):]
    assert "Projet endormi" in stale_part and "100 days" in stale_part
    assert "Projet actif" not in stale_part and "Projet d&#39;un autre" not in page


def test_the_officer_home_without_projects_says_so(client, login_as):
    login_as(Role.OFFICER)
    page = _text(client.get("/"))
    assert "No project is assigned to you yet." in page


def test_the_manager_home_counts_projects_per_stage(client, login_as):
    login_as(Role.MANAGER)
    officer = make_user(Role.OFFICER)
    make_project(officer=officer, stage="applied")
    make_project(stage="applied")
    make_project(stage="incubated")
    page = _text(client.get("/"))
    assert "The pipeline at a glance" in page and 'href="/pipeline"' in page
    assert re.search(r'href="/projects\?stage=applied">2<', page)
    assert re.search(r'href="/projects\?stage=incubated">1<', page)
    assert re.search(r'href="/projects\?stage=identified">0<', page)
    unassigned = page[page.index("Unassigned projects"):]
    assert re.search(r">2</p>", unassigned) and "/projects?officer=none" in unassigned


def test_the_admin_home_links_to_the_stages(client, login_as):
    login_as(Role.ADMIN)
    page = _text(client.get("/"))
    assert 'href="/pipeline/stages"' in page and 'href="/admin/users"' in page


# --- no query per row -------------------------------------------------------------------------


def _add_projects(count: int, officers, organizations, measured) -> None:
    stages = ["identified", "contacted", "applied", "incubated", "declined"]
    for n in range(count):
        project = make_project(officer=officers[n % len(officers)],
                               organization=organizations[n % len(organizations)],
                               stage=stages[n % len(stages)], cohort=f"{2020 + n % 4}",
                               tag_names=[f"tag{n % 7}", "commun"])
        if n % 3 == 0:
            pipeline.move_project(officers[0], project, pipeline.get_stage("assessed"), "")
    # the measured project's organization and story grow too
    for _ in range(count // 5):
        person = make_person()
        make_membership(measured.organization, person)
        interaction_services.log_interaction(officers[0], InteractionKind.MEETING,
                                             date.today(), "Réunion", project=measured)


def test_list_project_page_and_board_issue_a_constant_number_of_queries(client, login_as, db):
    admin = login_as(Role.ADMIN)
    officers = [admin, make_user(Role.OFFICER), make_user(Role.OFFICER)]
    organizations = [make_organization() for _ in range(4)]
    measured = make_project(officer=officers[1], organization=organizations[0])
    pages = ["/projects", f"/projects/{measured.id}", "/pipeline", "/projects?officer=none",
             "/"]
    _add_projects(9, officers, organizations, measured)
    pipeline.move_project(admin, measured, pipeline.get_stage("contacted"), "Premier appel")
    small = {path: queries_on_page(client, db, path) for path in pages}
    _add_projects(50, officers, organizations, measured)
    pipeline.move_project(admin, measured, pipeline.get_stage("applied"), "Dossier reçu")
    large = {path: queries_on_page(client, db, path) for path in pages}
    assert large == small, (small, large)


def test_a_refused_move_on_the_board_without_javascript_stays_on_the_board(client, login_as, db):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer, name="Ruche Atlas")
    response = client.post(f"/projects/{project.id}/move", data={
        "to_stage": "declined", "version": "1", "note": "", "next": "/pipeline"})
    assert response.status_code == 200
    assert 'aria-label="Pipeline board, one column per stage"' in response.text
    assert "A reason is required" in response.text or "reason" in response.text.lower()
    note = re.search(rf'<textarea[^>]*id="move-{project.id}-note"[^>]*>', response.text).group(0)
    assert re.search(r"\sdata-focus\s", note)
    assert _reload(db, project.id).stage.code == "identified"


def test_after_a_move_through_htmx_the_focus_goes_to_the_moved_card(client, login_as):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer)
    response = client.post(f"/projects/{project.id}/move?", headers={"HX-Request": "true"},
                           data={"to_stage": "contacted", "version": "1", "next": "/pipeline"})
    assert response.status_code == 200
    assert f'id="card-{project.id}" tabindex="-1" data-focus' in response.text
    assert response.text.count("data-focus") == 1

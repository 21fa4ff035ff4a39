"""The pipeline board and the administration of stages."""

import pytest
import sqlalchemy as sa

from crm.auth.models import Role
from crm.pipeline import services as pipeline
from crm.pipeline.models import Stage
from crm.projects import services as project_services
from tests.factories import make_organization, make_project, make_user


def _text(response) -> str:
    return response.get_data(as_text=True)


def _column(page: str, code: str) -> str:
    """The HTML of one column of the board."""
    start = page.index(f'aria-labelledby="column-{code}"')
    end = page.find("<section", start + 1)
    return page[start:end if end != -1 else len(page)]


def _stage(db, code: str) -> Stage:
    db.session.expire_all()
    return db.session.scalar(sa.select(Stage).where(Stage.code == code))


# --- the board --------------------------------------------------------------------------------


def test_the_board_has_a_column_per_active_stage_with_cards_and_counts(client, login_as):
    login_as(Role.MANAGER)
    officer = make_user(Role.OFFICER, full_name="Salma Alaoui")
    org = make_organization(name="Coopérative Al Baraka")
    make_project(name="Argan digital", organization=org, officer=officer, stage="applied")
    make_project(name="Miel bio", stage="applied")
    make_project(name="Projet refusé", stage="declined")
    response = client.get("/pipeline")
    page = _text(response)
    assert response.status_code == 200
    assert "flex-nowrap" in page and "overflow-auto" in page
    applied = _column(page, "applied")
    assert "Argan digital" in applied and "Miel bio" in applied
    assert "Coopérative Al Baraka" in applied and "Salma Alaoui" in applied
    assert "Unassigned" in applied and "0 days in this stage" in applied
    assert '>2<span class="visually-hidden"> projects</span>' in applied
    assert "No project at this stage." in _column(page, "incubated")
    # exits come after the path
    assert page.index('id="column-alumni"') < page.index('id="column-declined"')
    assert "Projet refusé" in _column(page, "declined")


def test_inactive_stages_and_archived_projects_stay_off_the_board(client, login_as, db):
    login_as(Role.OFFICER)
    unused = _stage(db, "accelerated")
    pipeline.update_stage(None, unused, name_ar=unused.name_ar, name_fr=unused.name_fr,
                          name_en=unused.name_en, position=unused.position, active=False)
    archived = make_project(name="Projet archivé")
    project_services.archive_project(None, archived)
    page = _text(client.get("/pipeline"))
    assert 'id="column-accelerated"' not in page and "Projet archivé" not in page


def test_the_board_cards_carry_a_move_control_for_those_who_may_move(client, login_as):
    officer = login_as(Role.OFFICER)
    mine = make_project(officer=officer, name="Le mien", stage="contacted")
    theirs = make_project(officer=make_user(Role.OFFICER), name="Le sien")
    page = _text(client.get("/pipeline?cohort="))
    assert f'hx-post="/projects/{mine.id}/move"' in page
    assert 'hx-target="#board"' in page and 'hx-swap="outerHTML"' in page
    assert f'<label class="form-label small" for="move-{mine.id}-stage">' in page
    form = page[page.index(f'id="move-{mine.id}-stage"'):]
    form = form[:form.index("</form>")]
    assert 'value="applied"' in form and 'value="contacted"' not in form
    assert ">Move</button>" in form
    assert f"/projects/{theirs.id}/move" not in page


def test_managers_see_the_board_without_move_controls(client, login_as):
    login_as(Role.MANAGER)
    project = make_project()
    page = _text(client.get("/pipeline"))
    assert "Projet" in page and f"/projects/{project.id}/move" not in page


def test_the_board_filters_by_officer_unassigned_and_cohort(client, login_as):
    login_as(Role.MANAGER)
    officer = make_user(Role.OFFICER)
    make_project(name="Alpha", officer=officer, cohort="2023")
    make_project(name="Bravo", cohort="2024")
    make_project(name="Charlie", officer=officer, cohort="2024")

    def names(**args) -> set[str]:
        page = _text(client.get("/pipeline", query_string=args))
        return {n for n in ("Alpha", "Bravo", "Charlie") if f"<bdi>{n}</bdi>" in page}

    assert names() == {"Alpha", "Bravo", "Charlie"}
    assert names(officer=officer.id) == {"Alpha", "Charlie"}
    assert names(officer="none") == {"Bravo"}
    assert names(cohort="2024") == {"Bravo", "Charlie"}
    assert names(officer=officer.id, cohort="2024") == {"Charlie"}
    page = _text(client.get("/pipeline", query_string={"officer": "none"}))
    assert '<option value="none" selected>Unassigned</option>' in page


def test_innovators_do_not_see_the_board(client, login_as):
    login_as(Role.INNOVATOR)
    assert client.get("/pipeline").status_code == 404


# --- stages -----------------------------------------------------------------------------------


def test_the_admin_lists_the_stages_with_their_projects(client, login_as):
    login_as(Role.ADMIN)
    make_project(stage="applied")
    make_project(stage="applied")
    page = _text(client.get("/pipeline/stages"))
    assert "Candidature déposée" in page and "قدّم ترشيحه" in page and "Applied" in page
    assert 'href="/projects?stage=applied">2<' in page
    assert 'href="/pipeline/stages/declined"' in page


@pytest.mark.parametrize("role", [Role.MANAGER, Role.OFFICER, Role.INNOVATOR])
def test_only_admins_manage_stages(client, login_as, db, role):
    login_as(role)
    assert client.get("/pipeline/stages").status_code == 404
    assert client.get("/pipeline/stages/new").status_code == 404
    response = client.post("/pipeline/stages/applied", data={
        "name_ar": "x", "name_fr": "x", "name_en": "Renamed", "position": "30"})
    assert response.status_code == 404
    assert _stage(db, "applied").name_en == "Applied"
    response = client.post("/pipeline/stages/new", data={
        "code": "mentored", "name_ar": "x", "name_fr": "x", "name_en": "x", "position": "1"})
    assert response.status_code == 404
    assert _stage(db, "mentored") is None


def test_the_admin_renames_and_reorders_a_stage(client, login_as, db):
    login_as(Role.ADMIN)
    form = _text(client.get("/pipeline/stages/applied"))
    assert 'value="Candidature déposée"' in form
    response = client.post("/pipeline/stages/applied", data={
        "name_ar": "مترشح", "name_fr": "Candidat", "name_en": "Candidate", "position": "35",
        "active": "y"})
    assert response.status_code == 302
    stage = _stage(db, "applied")
    assert (stage.name_ar, stage.name_fr, stage.name_en, stage.position, stage.active) == (
        "مترشح", "Candidat", "Candidate", 35, True)


def test_a_stage_needs_its_three_names(client, login_as, db):
    login_as(Role.ADMIN)
    response = client.post("/pipeline/stages/applied", data={
        "name_ar": "", "name_fr": "Candidat", "name_en": "  ", "position": "35",
        "active": "y"})
    page = _text(response)
    assert response.status_code == 200
    assert page.count("A stage needs a name in each language.") == 2
    assert 'value="Candidat"' in page
    assert _stage(db, "applied").name_fr == "Candidature déposée"


def test_a_stage_holding_projects_cannot_be_deactivated(client, login_as, db):
    login_as(Role.ADMIN)
    project = make_project(stage="incubated")
    project_services.archive_project(None, project)  # archived projects count too
    response = client.post("/pipeline/stages/incubated", data={
        "name_ar": "في الاحتضان", "name_fr": "Incubé", "name_en": "Incubated",
        "position": "50"})  # "active" unchecked
    assert response.status_code == 200
    assert "Projects are at this stage" in _text(response)
    assert _stage(db, "incubated").active is True


def test_an_unused_stage_can_be_deactivated(client, login_as, db):
    login_as(Role.ADMIN)
    response = client.post("/pipeline/stages/accelerated", data={
        "name_ar": "في التسريع", "name_fr": "Accéléré", "name_en": "Accelerated",
        "position": "60"})
    assert response.status_code == 302
    assert _stage(db, "accelerated").active is False
    page = _text(client.get("/pipeline/stages"))
    assert '<span class="badge text-bg-secondary">No</span>' in page


def test_the_admin_creates_a_stage(client, login_as, db):
    login_as(Role.ADMIN)
    response = client.post("/pipeline/stages/new", data={
        "code": " Mentored ", "name_ar": "في المواكبة", "name_fr": "Accompagné",
        "name_en": "Mentored", "position": "55"})
    assert response.status_code == 302
    stage = _stage(db, "mentored")
    assert stage is not None and stage.position == 55 and stage.active and not stage.is_exit
    assert 'id="column-mentored"' in _text(client.get("/pipeline"))


def test_a_new_stage_needs_a_free_code_and_its_names(client, login_as, db):
    login_as(Role.ADMIN)
    response = client.post("/pipeline/stages/new", data={
        "code": "applied", "name_ar": "x", "name_fr": "x", "name_en": "x", "position": "5"})
    assert response.status_code == 200
    assert "A stage with this code already exists." in _text(response)
    response = client.post("/pipeline/stages/new", data={
        "code": "nouveau stade", "name_ar": "", "name_fr": "x", "name_en": "x",
        "position": "abc"})
    page = _text(response)
    assert response.status_code == 200
    assert "Use lower-case Latin letters, digits, - and _." in page
    assert "A stage needs a name in each language." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Stage)) == 9


def test_an_unknown_stage_is_404(client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/pipeline/stages/nowhere").status_code == 404


def test_a_crowded_column_shows_the_longest_waiting_and_links_to_the_rest(client, login_as,
                                                                          monkeypatch):
    monkeypatch.setattr(project_services, "BOARD_COLUMN_SIZE", 2)
    login_as(Role.MANAGER)
    names = [f"Projet attente {n}" for n in range(4)]
    for name in names:
        make_project(name=name)
    page = client.get("/pipeline").get_data(as_text=True)
    assert names[0] in page and names[1] in page  # the first recorded waited longest
    assert names[2] not in page and names[3] not in page
    assert "4<span class=\"visually-hidden\"> projects" in page
    assert "stage=identified" in page and "sort=moved" in page

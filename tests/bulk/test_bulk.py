"""Bulk actions on projects: each project checked as if changed alone, counted done or
skipped with its reason, recorded in its history; many rows go to the background."""

from datetime import date, timedelta

from crm.audit.models import AuditEntry
from crm.auth.models import Role
from crm.bulk import services
from crm.bulk.models import BulkAction, BulkJob, BulkStatus
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.projects.models import Project
from tests.factories import make_project, make_user


def _post(client, **data):
    return client.post("/bulk/projects", data=data, follow_redirects=True)


def test_an_officer_moves_the_ticked_projects_and_others_are_skipped(client, login_as):
    officer = login_as(Role.OFFICER)
    mine = [make_project(officer=officer, stage="contacted") for _ in range(3)]
    theirs = make_project(officer=make_user(Role.OFFICER), stage="contacted")
    page = _post(client, scope="selected", action="move", stage="applied",
                 project_id=[str(p.id) for p in [*mine, theirs]])
    assert "3 done and 1 skipped of 4 projects" in page.text
    assert "not yours to change: 1" in page.text
    db.session.expire_all()
    assert {db.session.get(Project, p.id).stage.code for p in mine} == {"applied"}
    assert db.session.get(Project, theirs.id).stage.code == "contacted"
    moves = db.session.scalar(db.select(db.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "stage", AuditEntry.entity_id.in_([p.id for p in mine])))
    assert moves == 3


def test_an_exit_needs_its_reason_and_the_whole_list_can_be_chosen(client, login_as):
    officer = login_as(Role.OFFICER)
    projects = [make_project(officer=officer, stage="assessed", cohort="2031")
                for _ in range(4)]
    make_project(officer=officer, stage="assessed", cohort="2030")
    refused = _post(client, scope="all", query="cohort=2031", action="move", stage="declined")
    assert "Give the reason why the projects leave the pipeline." in refused.text
    assert db.session.scalar(db.select(BulkJob.id)) is None
    done = _post(client, scope="all", query="cohort=2031", action="move", stage="declined",
                 note="Hors du champ de la fondation")
    assert "4 done and 0 skipped of 4 projects" in done.text
    db.session.expire_all()
    assert {db.session.get(Project, p.id).stage.code for p in projects} == {"declined"}


def test_tags_and_follow_ups_for_each(client, login_as):
    officer = login_as(Role.OFFICER)
    tagged = make_project(officer=officer, tag_names=["Femmes"])
    plain = make_project(officer=officer)
    ids = [str(tagged.id), str(plain.id)]
    page = _post(client, scope="selected", action="tag", tag="femmes", project_id=ids)
    assert "1 done and 1 skipped" in page.text and "already so: 1" in page.text
    _post(client, scope="selected", action="untag", tag="Femmes", project_id=ids)
    db.session.expire_all()
    assert [t.name for t in db.session.get(Project, plain.id).tags] == []
    due = (date.today() + timedelta(days=7)).isoformat()
    _post(client, scope="selected", action="follow-up", title="Point trimestriel",
          kind="meeting", due_on=due, project_id=ids)
    followups = db.session.scalars(db.select(FollowUp)).all()
    assert {(f.project_id, f.assignee_id) for f in followups} == {(tagged.id, officer.id),
                                                                 (plain.id, officer.id)}


def test_managers_assign_in_bulk_but_move_nothing(client, login_as):
    officer = make_user(Role.OFFICER)
    projects = [make_project(officer=None) for _ in range(2)]
    login_as(Role.MANAGER)
    page = _post(client, scope="selected", action="assign", officer_id=str(officer.id),
                 project_id=[str(p.id) for p in projects])
    assert "2 done" in page.text
    moved = _post(client, scope="selected", action="move", stage="applied",
                  project_id=[str(p.id) for p in projects])
    assert "0 done and 2 skipped" in moved.text
    db.session.expire_all()
    assert {db.session.get(Project, p.id).officer_id for p in projects} == {officer.id}


def test_many_projects_go_to_the_background_with_their_progress(app, login_as, client,
                                                               monkeypatch):
    officer = login_as(Role.OFFICER)
    projects = [make_project(officer=officer, stage="contacted") for _ in range(5)]
    monkeypatch.setattr(services, "INLINE_UP_TO", 2)  # the inline runner runs it at once
    page = _post(client, scope="selected", action="move", stage="applied",
                 project_id=[str(p.id) for p in projects])
    job = db.session.scalar(db.select(BulkJob))
    assert job.status == BulkStatus.DONE and job.done == 5
    assert "5 done and 0 skipped of 5 projects" in page.text
    other = make_user(Role.OFFICER)
    db.session.commit()
    assert job.action == BulkAction.MOVE and job.created_by_id == officer.id
    client.post("/logout")
    client.post("/login", data={"email": other.email, "password": "correct-horse-battery"})
    assert client.get(f"/bulk/{job.id}").status_code == 404


def test_nothing_chosen_is_a_clear_message(client, login_as):
    login_as(Role.OFFICER)
    page = _post(client, scope="selected", action="move", stage="applied",
                 project_id=["x", "99999999999999999999"])
    assert "Tick the projects to act on" in page.text
    assert _post(client, scope="selected", action="nonsense").status_code == 200


def test_the_second_step_counts_the_projects_and_asks_only_what_the_action_needs(client,
                                                                               login_as):
    officer = login_as(Role.OFFICER)
    projects = [make_project(officer=officer, cohort="2032") for _ in range(3)]
    page = client.post("/bulk/projects/prepare", data={
        "scope": "all", "query": "cohort=2032", "action": "move"})
    assert page.status_code == 200 and "3 projects are chosen" in page.text
    assert 'id="stage"' in page.text and 'id="tag"' not in page.text
    page = client.post("/bulk/projects/prepare", data={
        "scope": "selected", "project_id": [str(projects[0].id)], "action": "tag"})
    assert "1 project is chosen" in page.text and 'id="tag"' in page.text
    assert f'name="project_id" value="{projects[0].id}"' in page.text
    empty = client.post("/bulk/projects/prepare", data={"scope": "selected",
                                                        "action": "tag"},
                        follow_redirects=True)
    assert "Tick the projects to act on" in empty.text
    wrong = client.post("/bulk/projects/prepare", data={"scope": "all", "action": "x"},
                        follow_redirects=True)
    assert "Choose an action." in wrong.text

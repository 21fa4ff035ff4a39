"""Undoing a bulk action: a new job, with its own page and history, puts back record by record
what the first one changed (through the same services and rules), never over a record changed
again since; once, by its author or an admin, within a week."""

from datetime import date, timedelta

import pytest
from sqlalchemy.orm.attributes import set_committed_value

from crm.audit.models import AuditEntry
from crm.auth.models import Role
from crm.bulk import services, undo
from crm.bulk.models import BulkAction, BulkJob, BulkStatus
from crm.common.time import utcnow
from crm.errors import ServiceError
from crm.extensions import db
from crm.followups import services as followups
from crm.followups.models import FollowUp, FollowUpStatus
from crm.people.models import Person
from crm.pipeline import services as pipeline
from crm.pipeline.models import StageTransition
from crm.projects import services as project_services
from crm.projects.models import Project
from tests.factories import (
    make_forum,
    make_person,
    make_project,
    make_user,
    sign_in,
)


def _bulk(client, entity="projects", **data) -> BulkJob:
    """Run a bulk action through the page; the job it made."""
    page = client.post(f"/bulk/{entity}", data=data, follow_redirects=True)
    assert page.status_code == 200
    return db.session.scalars(db.select(BulkJob).order_by(BulkJob.id.desc())).first()


def _undo(client, job: BulkJob):
    return client.post(f"/bulk/{job.id}/undo", follow_redirects=True)


def _ids(records) -> list[str]:
    return [str(r.id) for r in records]


def _stage(project) -> str:
    return db.session.get(Project, project.id).stage.code


def _log_in(client, user) -> None:
    client.post("/logout")
    assert sign_in(client, user).status_code == 302  # with the code, for an admin


def test_moved_projects_go_back_except_one_moved_again_since(client, login_as, monkeypatch):
    officer = login_as(Role.OFFICER)
    projects = [make_project(officer=officer, stage="contacted") for _ in range(3)]
    job = _bulk(client, scope="selected", action="move", stage="applied",
                project_id=_ids(projects))
    assert job.changes == {str(p.id): "contacted" for p in projects}
    pipeline.move_project(officer, db.session.get(Project, projects[2].id),
                          pipeline.get_stage("assessed"))
    shown = client.get(f"/bulk/{job.id}")
    assert f'action="/bulk/{job.id}/undo"' in shown.text
    monkeypatch.setattr(services, "INLINE_UP_TO", 1)  # the background runner (inline here)
    page = _undo(client, job)
    assert "Undo — Move to a stage — Applied" in page.text
    assert "2 done and 1 skipped of 3 projects" in page.text
    assert "changed again since: 1" in page.text
    assert f'href="/bulk/{job.id}"' in page.text  # the job it undoes
    assert [_stage(p) for p in projects] == ["contacted", "contacted", "assessed"]
    undoing = db.session.scalar(db.select(BulkJob).where(BulkJob.undoes_id == job.id))
    assert undoing.action == BulkAction.UNDO and undoing.status == BulkStatus.DONE
    back = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.action == "stage", AuditEntry.entity_id.in_([p.id for p in projects]),
        AuditEntry.at >= undoing.created_at)).all()
    assert sorted(e.changes["stage"] for e in back) == [["applied", "contacted"]] * 2


def test_an_action_is_undone_once(client, login_as):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer, stage="contacted")
    job = _bulk(client, scope="selected", action="move", stage="applied",
                project_id=_ids([project]))
    _undo(client, job)
    again = _undo(client, job)
    assert "This bulk action was already undone." in again.text
    assert db.session.scalar(db.select(db.func.count()).select_from(BulkJob)) == 2
    page = client.get(f"/bulk/{job.id}")
    assert "Undone on" in page.text and f'action="/bulk/{job.id}/undo"' not in page.text
    assert _stage(project) == "contacted"


def test_an_exit_is_undone_only_where_the_pipeline_allows(client, login_as):
    officer = login_as(Role.OFFICER)
    assessed = make_project(officer=officer, stage="assessed")
    applied = make_project(officer=officer, stage="applied")
    job = _bulk(client, scope="selected", action="move", stage="declined",
                note="Hors du champ", project_id=_ids([assessed, applied]))
    pipeline.get_stage("assessed").active = False  # no longer in use: nobody moves there
    db.session.commit()
    page = _undo(client, job)
    assert "1 done and 1 skipped" in page.text
    assert "refused by a rule of the pipeline: 1" in page.text
    assert (_stage(assessed), _stage(applied)) == ("declined", "applied")
    note = db.session.scalar(db.select(StageTransition.note).where(
        StageTransition.project_id == applied.id).order_by(StageTransition.id.desc()))
    assert note == f"Bulk action {job.id} undone"


def test_assignments_go_back_to_the_officer_each_project_had(client, login_as):
    before, after = make_user(Role.OFFICER), make_user(Role.OFFICER)
    nobodys, befores, moved_on = (make_project(officer=None), make_project(officer=before),
                                  make_project(officer=before))
    manager = login_as(Role.MANAGER)
    job = _bulk(client, scope="selected", action="assign", officer_id=str(after.id),
                project_id=_ids([nobodys, befores, moved_on]))
    project_services.assign_officer(manager, db.session.get(Project, moved_on.id), before)
    page = _undo(client, job)
    assert "2 done and 1 skipped" in page.text and "changed again since: 1" in page.text
    officers = [db.session.get(Project, p.id).officer_id for p in (nobodys, befores, moved_on)]
    assert officers == [None, before.id, before.id]


def test_tags_are_taken_off_only_where_the_action_put_them(client, login_as):
    officer = login_as(Role.OFFICER)
    had_it = make_project(officer=officer, tag_names=["Prioritaire"])
    tagged, untagged_since = make_project(officer=officer), make_project(officer=officer)
    job = _bulk(client, scope="selected", action="tag", tag="prioritaire",
                project_id=_ids([had_it, tagged, untagged_since]))
    assert set(job.changes) == {str(tagged.id), str(untagged_since.id)}
    project_services.set_tags(officer, db.session.get(Project, untagged_since.id), [])
    page = _undo(client, job)
    assert "1 done and 1 skipped of 2 projects" in page.text
    names = {p.id: [t.name for t in db.session.get(Project, p.id).tags]
             for p in (had_it, tagged, untagged_since)}
    assert names == {had_it.id: ["Prioritaire"], tagged.id: [], untagged_since.id: []}
    untag = _bulk(client, scope="selected", action="untag", tag="Prioritaire",
                  project_id=_ids([had_it]))
    _undo(client, untag)
    assert [t.name for t in db.session.get(Project, had_it.id).tags] == ["Prioritaire"]


def test_people_tagged_in_bulk_are_untagged_by_the_undo(client, login_as):
    officer = login_as(Role.OFFICER)
    people = [make_person(), make_person()]
    job = _bulk(client, "people", scope="selected", action="tag", tag="Alumni",
                person_id=_ids(people))
    page = _undo(client, job)
    assert "2 done and 0 skipped of 2 people" in page.text
    assert [[t.name for t in db.session.get(Person, p.id).tags] for p in people] == [[], []]
    removed = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.entity_type == "person", AuditEntry.actor_id == officer.id,
        AuditEntry.entity_id.in_([p.id for p in people]))).all()
    assert sorted(e.changes["tags"] for e in removed) == [
        ["", "Alumni"], ["", "Alumni"], ["Alumni", ""], ["Alumni", ""]]


def test_follow_ups_planned_in_bulk_are_cancelled_unless_closed_since(client, login_as):
    officer = login_as(Role.OFFICER)
    projects = [make_project(officer=officer) for _ in range(2)]
    due = (date.today() + timedelta(days=7)).isoformat()
    job = _bulk(client, scope="selected", action="follow-up", title="Point trimestriel",
                kind="call", due_on=due, project_id=_ids(projects))
    done = db.session.scalar(db.select(FollowUp).where(FollowUp.project_id == projects[0].id))
    followups.complete_followup(officer, done, "Appel passé")
    page = _undo(client, job)
    assert "1 done and 1 skipped" in page.text and "changed again since: 1" in page.text
    statuses = {f.project_id: f.status for f in db.session.scalars(db.select(FollowUp))}
    assert statuses == {projects[0].id: FollowUpStatus.DONE,
                        projects[1].id: FollowUpStatus.CANCELLED}


def test_only_its_author_or_an_admin_undoes_it(client, login_as):
    author = login_as(Role.OFFICER)
    project = make_project(officer=None, stage="contacted")
    job = _bulk(client, scope="selected", action="move", stage="applied",
                project_id=_ids([project]))
    _log_in(client, make_user(Role.OFFICER))
    assert client.get(f"/bulk/{job.id}").status_code == 404
    assert client.post(f"/bulk/{job.id}/undo").status_code == 404
    assert db.session.scalar(db.select(BulkJob.id).where(BulkJob.undoes_id == job.id)) is None
    admin = make_user(Role.ADMIN)
    _log_in(client, admin)
    response = client.post(f"/bulk/{job.id}/undo")
    undoing = db.session.scalar(db.select(BulkJob).where(BulkJob.undoes_id == job.id))
    assert response.status_code == 302 and undoing.created_by_id == admin.id
    assert _stage(project) == "contacted"
    _log_in(client, author)
    assert "Undone on" in client.get(f"/bulk/{job.id}").text
    assert client.get(f"/bulk/{undoing.id}").status_code == 200  # the undo of their job


def test_what_cannot_be_undone_offers_no_button(client, login_as):
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer, stage="contacted")
    old = _bulk(client, scope="selected", action="move", stage="applied",
                project_id=_ids([project]))
    old.finished_at = utcnow() - timedelta(days=8)
    db.session.commit()
    assert f'action="/bulk/{old.id}/undo"' not in client.get(f"/bulk/{old.id}").text
    refused = _undo(client, old)
    assert "This bulk action can no longer be undone." in refused.text
    session = make_forum().sessions[0]
    listed = _bulk(client, "people", scope="selected", action="participate",
                   session_id=str(session.id), role="participant",
                   person_id=_ids([make_person()]))
    assert listed.done == 1
    assert f'action="/bulk/{listed.id}/undo"' not in client.get(f"/bulk/{listed.id}").text
    nothing = _bulk(client, scope="selected", action="move", stage="applied",
                    project_id=_ids([project]))
    assert nothing.skipped == 1 and nothing.changes == {}
    assert f'action="/bulk/{nothing.id}/undo"' not in client.get(f"/bulk/{nothing.id}").text
    assert _stage(project) == "applied"


def test_two_undos_at_once_make_one(client, login_as):
    """The second request read the job before the first one's undo was saved: the unique
    link refuses it."""
    officer = login_as(Role.OFFICER)
    project = make_project(officer=officer, stage="contacted")
    job = _bulk(client, scope="selected", action="move", stage="applied",
                project_id=_ids([project]))
    db.session.execute(db.insert(BulkJob).values(
        action=BulkAction.UNDO, entity="projects", params={}, record_ids=[], total=0,
        done=0, skipped=0, reasons={}, undoes_id=job.id, created_by_id=officer.id,
        status=BulkStatus.DONE, created_at=utcnow()))
    db.session.commit()
    set_committed_value(job, "undone_by", None)  # what the second request had read
    assert undo.undoable(job)
    with pytest.raises(ServiceError, match="already undone"):
        services.start_undo(officer, job)
    assert db.session.scalar(db.select(db.func.count()).select_from(BulkJob)) == 2
    assert _stage(project) == "applied"

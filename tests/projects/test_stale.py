"""Projects left without activity: each stage has its own threshold, set by an admin; a move,
an interaction or a follow-up done counts as activity; officers, managers and the daily
reminder see them."""

from datetime import date, timedelta

import sqlalchemy as sa

from crm.auth.models import Role
from crm.common.time import utcnow
from crm.followups import services as followups
from crm.followups.reminders import send_reminders
from crm.interactions import services as interactions
from crm.interactions.models import Interaction, InteractionKind
from crm.pipeline import services as pipeline
from crm.pipeline.models import Stage
from crm.projects import stale
from crm.projects.models import Project
from tests.factories import make_followup, make_project, make_user


def _idle_for(db, project, days: int) -> None:
    when = utcnow() - timedelta(days=days)
    db.session.execute(sa.update(Project).where(Project.id == project.id)
                       .values(stage_entered_at=when, last_activity_at=when))
    db.session.commit()


def _threshold(db, code: str, days: int | None) -> None:
    db.session.execute(sa.update(Stage).where(Stage.code == code)
                       .values(stale_after_days=days))
    db.session.commit()


def test_each_stage_flags_after_its_own_number_of_days(db):
    officer = make_user(Role.OFFICER)
    contacted = make_project(officer=officer, stage="contacted", name="Contacté")
    incubated = make_project(officer=officer, stage="incubated", name="Incubé")
    alumni = make_project(officer=officer, stage="alumni", name="Ancien")
    for project in (contacted, incubated, alumni):
        _idle_for(db, project, 40)
    _threshold(db, "contacted", 30)
    assert [p.name for p in stale.stale_projects(officer.id)] == ["Contacté"]
    _threshold(db, "incubated", 39)
    assert {p.name for p in stale.stale_projects(officer.id)} == {"Contacté", "Incubé"}
    assert stale.count_stale(officer.id) == 2  # alumni: never flagged
    by_stage = {stage.code: count for stage, count in stale.stale_by_stage()}
    assert by_stage["contacted"] == 1 and "alumni" not in by_stage


def test_an_interaction_or_a_follow_up_done_counts_as_activity(db):
    officer = make_user(Role.OFFICER)
    talked, helped = (make_project(officer=officer, stage="contacted") for _ in range(2))
    _threshold(db, "contacted", 30)
    for project in (talked, helped):
        _idle_for(db, project, 60)
    interactions.log_interaction(officer, InteractionKind.CALL, date.today() - timedelta(days=5),
                                 "Appel de suivi", project=talked)
    followup = make_followup(officer, project=helped)
    followups.complete_followup(officer, followup, "Rencontre faite")
    assert stale.stale_projects(officer.id) == []
    interactions.log_interaction(officer, InteractionKind.CALL,
                                 date.today() - timedelta(days=45), "Vieil appel",
                                 project=talked)
    assert stale.count_stale(officer.id) == 0  # the recent call still counts


def test_an_admin_sets_the_threshold_of_a_stage(client, login_as, db):
    login_as(Role.ADMIN)
    stage = pipeline.get_stage("assessed")
    data = {"name_ar": stage.name_ar, "name_fr": stage.name_fr, "name_en": stage.name_en,
            "position": stage.position, "active": "y"}
    for bad in ("0", "5000", "abc", "99999999999999999999"):
        response = client.post("/pipeline/stages/assessed", data=data | {"stale_after_days": bad})
        assert response.status_code == 200, bad
        assert "Give a number of days from 1 to 3,650" in response.text or "Not a valid" in (
            response.text), bad
    client.post("/pipeline/stages/assessed", data=data | {"stale_after_days": "21"})
    db.session.expire_all()
    assert pipeline.get_stage("assessed").stale_after_days == 21
    client.post("/pipeline/stages/assessed", data=data | {"stale_after_days": ""})
    db.session.expire_all()
    assert pipeline.get_stage("assessed").stale_after_days is None
    assert "never" in client.get("/pipeline/stages").text


def test_a_move_is_activity_and_a_bulk_load_recomputes_the_dates(db):
    officer = make_user(Role.OFFICER)
    project = make_project(officer=officer, stage="contacted")
    _idle_for(db, project, 200)
    assert stale.count_stale(officer.id) == 1
    pipeline.move_project(officer, project, pipeline.get_stage("applied"))
    assert stale.count_stale(officer.id) == 0
    _idle_for(db, project, 200)
    quiet = make_project(officer=officer, stage="contacted")
    _idle_for(db, quiet, 200)
    db.session.execute(sa.insert(Interaction), [{
        "kind": "call", "occurred_on": date.today() - timedelta(days=days), "summary": "x",
        "notes": "", "project_id": project.id, "created_at": utcnow(),
        "updated_at": utcnow()} for days in (30, 3, 300)])
    stale.recompute_last_activity()
    db.session.refresh(project)
    db.session.refresh(quiet)
    assert project.idle_days == 3 and quiet.idle_days == 200
    assert stale.count_stale(officer.id) == 1


def test_managers_see_the_flagged_projects_per_stage(client, login_as, db):
    project = make_project(officer=make_user(Role.OFFICER), stage="applied")
    _idle_for(db, project, 120)
    login_as(Role.MANAGER)
    page = client.get("/").text
    assert "Without activity for longer than their stage allows" in page
    assert "/projects?stage=applied&amp;sort=moved" in page


def test_the_daily_reminder_lists_the_officer_s_flagged_projects(db, smtp_server):
    officer = make_user(Role.OFFICER, language="fr")
    project = make_project(officer=officer, stage="applied", name="Projet endormi")
    _idle_for(db, project, 120)
    make_user(Role.OFFICER)  # nothing to tell them
    assert send_reminders() == 1
    (message,) = smtp_server.messages
    assert message["To"].addresses[0].addr_spec == officer.email
    body = message.get_content()
    assert "Projet endormi" in body and f"/projects/{project.id}" in body
    assert "1 projet" in message["Subject"]

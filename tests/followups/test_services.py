"""Follow-up rules: who may be given one, bulk creation, closing, the agenda and reminders."""

from datetime import date, timedelta

import pytest

from crm.auth.models import Role
from crm.common.records import ConflictError
from crm.errors import ServiceError
from crm.followups import services
from crm.followups.models import FollowUp, FollowUpKind, FollowUpStatus
from crm.interactions.models import Interaction, InteractionKind
from tests.factories import make_followup, make_person, make_project, make_user

TODAY = date(2025, 3, 12)  # a Wednesday


def _count(db, model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_the_agenda_sorts_open_followups_into_overdue_this_week_and_later(db):
    officer = make_user(Role.OFFICER)
    other = make_user(Role.OFFICER)
    days = {"yesterday": -1, "long ago": -40, "today": 0, "in a week": 7, "in 8 days": 8,
            "in a month": 30}
    for title, delta in days.items():
        make_followup(officer, due_on=TODAY + timedelta(days=delta), title=title)
    make_followup(other, due_on=TODAY, title="someone else's")
    services.cancel_followup(officer, make_followup(officer, due_on=TODAY, title="cancelled"))
    done = make_followup(officer, due_on=TODAY - timedelta(days=2), title="done")
    services.complete_followup(officer, done, "Appel passé", done_on=TODAY)

    agenda = services.agenda(officer, today=TODAY)

    titles = {key: [f.title for f in getattr(agenda, key)] for key in agenda.counts}
    assert titles == {"overdue": ["long ago", "yesterday"], "this_week": ["today", "in a week"],
                      "later": ["in 8 days", "in a month"]}
    assert agenda.counts == {"overdue": 2, "this_week": 2, "later": 2}


def test_a_long_agenda_lists_the_soonest_and_counts_them_all(db, monkeypatch):
    monkeypatch.setattr(services, "AGENDA_SECTION_SIZE", 2)
    officer = make_user(Role.OFFICER)
    for days in (-3, -2, -1):
        make_followup(officer, due_on=TODAY + timedelta(days=days), title=f"{days}")
    agenda = services.agenda(officer, today=TODAY)
    assert [f.title for f in agenda.overdue] == ["-3", "-2"]
    assert agenda.counts["overdue"] == 3


def test_only_officers_and_admins_can_be_given_a_followup(db):
    officer, admin = make_user(Role.OFFICER), make_user(Role.ADMIN)
    manager, innovator = make_user(Role.MANAGER), make_user(Role.INNOVATOR)
    gone = make_user(Role.OFFICER, active=False)
    assert set(services.assignees()) == {officer, admin}
    for user in (manager, innovator, gone):
        with pytest.raises(ServiceError) as error:
            services.create_followup(officer, user, FollowUpKind.CALL, "Appeler", TODAY,
                                     person=make_person())
        assert error.value.field == "assignee_id"
    assert _count(db, FollowUp) == 0


def test_bulk_creation_makes_one_per_person_and_never_twice(db):
    officer = make_user(Role.OFFICER)
    people = [make_person() for _ in range(3)]
    ids = [p.id for p in people]
    created = services.create_followups_for_people(
        officer, officer, FollowUpKind.CALL, "Suivi WeXchange", TODAY, ids + [ids[0]],
        participation_of={})
    assert created == 3
    again = services.create_followups_for_people(
        officer, officer, FollowUpKind.CALL, " Suivi WeXchange ", TODAY, ids)
    assert again == 0
    assert sorted(db.session.scalars(db.select(FollowUp.person_id))) == sorted(ids)


def test_completing_records_the_outcome_as_an_interaction(db):
    officer = make_user(Role.OFFICER)
    project = make_project(officer=officer)
    followup = make_followup(officer, kind="meeting", title="Réunion de cadrage",
                             project=project)
    interaction = services.complete_followup(officer, followup, "  Dossier à compléter  ",
                                             expected_version=followup.version, done_on=TODAY)
    db.session.expire_all()
    followup = db.session.get(FollowUp, followup.id)
    assert followup.status == FollowUpStatus.DONE and followup.outcome == "Dossier à compléter"
    assert followup.interaction_id == interaction.id and followup.done_at is not None
    saved = db.session.get(Interaction, interaction.id)
    assert (saved.kind, saved.project_id, saved.occurred_on, saved.notes, saved.summary) == (
        InteractionKind.MEETING, project.id, TODAY, "Dossier à compléter", "Réunion de cadrage")
    with pytest.raises(ServiceError):
        services.complete_followup(officer, followup, "encore")
    with pytest.raises(ServiceError):
        services.reschedule_followup(officer, followup, TODAY, officer)
    with pytest.raises(ServiceError):
        services.cancel_followup(officer, followup)


def test_a_stale_version_closes_nothing_and_records_no_interaction(db):
    officer = make_user(Role.OFFICER)
    followup = make_followup(officer)
    stale = followup.version
    services.reschedule_followup(officer, followup, TODAY, officer)
    with pytest.raises(ConflictError):
        services.complete_followup(officer, followup, "Fait", expected_version=stale)
    assert _count(db, Interaction) == 0
    assert db.session.get(FollowUp, followup.id).status == FollowUpStatus.OPEN


def test_an_outcome_is_required(db):
    officer = make_user(Role.OFFICER)
    followup = make_followup(officer)
    with pytest.raises(ServiceError) as error:
        services.complete_followup(officer, followup, "   ")
    assert error.value.field == "outcome" and _count(db, Interaction) == 0


def test_the_followups_of_a_record_list_open_ones_first(db):
    officer = make_user(Role.OFFICER)
    person = make_person()
    done = make_followup(officer, due_on=TODAY - timedelta(days=9), title="fait", person=person)
    services.complete_followup(officer, done, "ok")
    cancelled = make_followup(officer, due_on=TODAY - timedelta(days=8), title="annulé",
                              person=person)
    services.cancel_followup(officer, cancelled)
    make_followup(officer, due_on=TODAY + timedelta(days=3), title="plus tard", person=person)
    make_followup(officer, due_on=TODAY, title="bientôt", person=person)
    make_followup(officer, title="ailleurs")
    titles = [f.title for f in services.followups_of(person_id=person.id)]
    assert titles[:2] == ["bientôt", "plus tard"] and set(titles[2:]) == {"fait", "annulé"}


def test_reminders_go_to_active_users_with_followups_overdue_or_due_within_three_days(db):
    late, soon, relaxed = (make_user(Role.OFFICER) for _ in range(3))
    gone = make_user(Role.OFFICER)
    make_followup(late, due_on=TODAY - timedelta(days=5))
    make_followup(soon, due_on=TODAY + timedelta(days=3))
    make_followup(relaxed, due_on=TODAY + timedelta(days=4))
    make_followup(gone, due_on=TODAY)
    gone.active = False
    db.session.commit()
    closed = make_followup(relaxed, due_on=TODAY)
    services.cancel_followup(relaxed, closed)
    assert services.reminder_recipients(TODAY) == [late, soon]
    assert [f.due_on for f in services.due_for_reminder(soon, TODAY)] == [
        TODAY + timedelta(days=3)]

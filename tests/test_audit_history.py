"""A record's history names the records its ids point to, in a fixed number of queries."""

from crm.audit import history as audit_history
from crm.audit import services as audit
from tests.factories import make_organization, make_person, make_user
from tests.queries import count_queries


def test_ids_are_named_and_a_deleted_record_keeps_its_id(app, db):
    officer = make_user(full_name="Salma Alaoui")
    organization = make_organization(name="Coopérative Tamount")
    person = make_person(first_name="Nadia", last_name="El Amrani")
    audit.record(None, "update", "person", person.id, {
        "organization_id": [999999, organization.id], "notes": ["", "Vue au forum"]})
    audit.record(None, "update", "person", person.id, {"assignee_id": [None, officer.id]})
    db.session.commit()

    history = audit_history.history("person", person.id)

    [assigned, _moved, _created] = list(history)
    assert history.shown("assignee_id", assigned.changes["assignee_id"][1]) == "Salma Alaoui"
    assert history.shown("organization_id", organization.id) == "Coopérative Tamount"
    assert history.shown("organization_id", 999999) == "999999"  # no such record any more
    assert history.shown("notes", "Vue au forum") == "Vue au forum"
    assert history.shown("shared", True) == "Yes"


def test_naming_costs_one_query_per_kind_of_record(app, db):
    person = make_person()
    for _ in range(5):
        audit.record(None, "update", "person", person.id, {
            "organization_id": [None, make_organization().id],
            "assignee_id": [None, make_user().id]})
    person_id = person.id
    db.session.commit()
    with count_queries(db) as statements:
        history = audit_history.history("person", person_id)
    assert len(history) == 6  # the person's creation and the five updates
    assert len(statements) == 3  # the entries, the organizations, the users

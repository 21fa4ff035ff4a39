"""A file whose workshops the forum does not have yet: no "Import now" on nothing, and the
missing sessions created from the file's values in one step."""

from datetime import date

import sqlalchemy as sa

from crm.auth.models import Role
from crm.forums import services as forum_services
from crm.forums.models import ForumSession, Participation, SessionKind
from tests.imports.test_views import _text, confirm, preview_counts, run, upload_ok

FILE = ("Prénom;Nom;Téléphone;Atelier\n"
        "Salma;Idrissi;0661234567;Finance solidaire\n"
        "Karim;Tazi;0662345678;  finance   solidaire \n"
        "Nadia;Amrani;0663456789;Numérique rural\n").encode()


def _forum():
    return forum_services.create_forum(None, name="Forum 2026", number=9,
                                       held_on=date(2026, 5, 2), city="Rabat")


def test_nothing_importable_offers_to_create_the_missing_sessions(client, login_as, db):
    login_as(Role.OFFICER)
    forum = _forum()
    job_id = upload_ok(client, forum, FILE)
    confirm(client, forum, job_id)
    page = _text(client.get(f"/forums/{forum.id}/imports/{job_id}"))
    assert preview_counts(page).get("invalid") == 3
    assert "Import now" not in page and 'id="nothing-to-import"' in page
    assert "2 workshops named in the file are not sessions of this forum" in page
    assert "Finance solidaire" in page and "Numérique rural" in page

    response = client.post(f"/forums/{forum.id}/imports/{job_id}/sessions")
    assert response.status_code == 302
    names = db.session.scalars(sa.select(ForumSession.name_fr).where(
        ForumSession.forum_id == forum.id)).all()
    assert sorted(names) == ["Finance solidaire", "Numérique rural"]
    page = _text(client.get(f"/forums/{forum.id}/imports/{job_id}"))
    assert preview_counts(page).get("new") == 3 and "Import now" in page
    assert 'id="missing-workshops"' not in page
    run(client, forum, job_id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Participation)) == 3


def test_an_innovator_cannot_create_sessions(client, login_as, db):
    login_as(Role.OFFICER)
    forum = _forum()
    job_id = upload_ok(client, forum, FILE)
    confirm(client, forum, job_id)
    client.post("/logout")
    login_as(Role.INNOVATOR)
    response = client.post(f"/forums/{forum.id}/imports/{job_id}/sessions")
    assert response.status_code in (403, 404)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ForumSession)) == 0


def test_a_repeated_person_is_created_with_the_cleaner_spelling(client, login_as, db):
    from crm.people.models import Person

    login_as(Role.OFFICER)
    forum = _forum()
    forum_services.add_session(None, forum, SessionKind.PLENARY, "Plénière")
    content = ("Prénom;Nom;Téléphone\n"
               "KARIM;CHRAIBI;0661234567\n"
               "Karim;Chraïbi;0661234567\n").encode()
    job_id = upload_ok(client, forum, content)
    confirm(client, forum, job_id)
    page = _text(client.get(f"/forums/{forum.id}/imports/{job_id}"))
    assert "Spelled as on line 3, the cleaner spelling." in page
    run(client, forum, job_id)
    people = db.session.execute(sa.select(Person.first_name, Person.last_name)).all()
    assert people == [("Karim", "Chraïbi")]


def test_the_cleaner_spelling_is_well_cased_then_more_complete_then_accented():
    from crm.imports.spelling import cleaner

    assert cleaner({"first_name": "KARIM", "last_name": "CHRAÏBI"},
                   {"first_name": "Karim", "last_name": "Chraibi"})
    assert cleaner({"first_name": "Fatima", "last_name": "Tazi"},
                   {"first_name": "Fatima Zahra", "last_name": "Tazi"})
    assert cleaner({"first_name": "Karim", "last_name": "Chraibi"},
                   {"first_name": "Karim", "last_name": "Chraïbi"})
    assert not cleaner({"first_name": "Karim", "last_name": "Chraïbi"},
                       {"first_name": "karim", "last_name": "chraïbi"})
    assert not cleaner({"first_name": "Karim", "last_name": "Chraïbi"}, {"first_name": ""})


def test_the_officer_corrects_a_name_split_at_the_wrong_place_on_the_preview(client, login_as,
                                                                               db):
    from crm.imports.models import ImportRow
    from crm.people.models import Person

    login_as(Role.OFFICER)
    forum = _forum()
    forum_services.add_session(None, forum, SessionKind.PLENARY, "Plénière")
    content = "Nom complet;Téléphone\nTazi Fatima Zahra;0661234567\n".encode()
    job_id = upload_ok(client, forum, content)
    confirm(client, forum, job_id, {"full_name": "0", "phone": "1"})
    page = _text(client.get(f"/forums/{forum.id}/imports/{job_id}"))
    assert 'form="name-2"' in page and 'id="name-2"' in page
    response = client.post(f"/forums/{forum.id}/imports/{job_id}/lines/2/name",
                           data={"first_name": " Fatima  Zahra ", "last_name": "Tazi"})
    assert response.status_code == 302 and response.location.endswith("#line-2")
    page = _text(client.get(f"/forums/{forum.id}/imports/{job_id}"))
    assert "Name corrected by hand." in page
    for bad in ({"first_name": "", "last_name": ""}, {"first_name": "x\x00"},
                {"first_name": "a" * 101}):
        client.post(f"/forums/{forum.id}/imports/{job_id}/lines/2/name", data=bad)
    missing = client.post(f"/forums/{forum.id}/imports/{job_id}/lines/99/name",
                          data={"first_name": "A", "last_name": "B"})
    assert missing.status_code == 302
    values = db.session.scalar(sa.select(ImportRow.values).where(ImportRow.line == 2))
    assert (values["first_name"], values["last_name"]) == ("Fatima Zahra", "Tazi")
    run(client, forum, job_id)
    assert db.session.execute(sa.select(Person.first_name, Person.last_name)).all() == [
        ("Fatima Zahra", "Tazi")]

"""Saved segments: a filtered list kept under a name, live, private or shared."""

from crm.auth.models import Role
from crm.extensions import db
from crm.segments.models import Segment
from tests.factories import make_project, make_user


def _save(client, entity, query, name, shared=False):
    data = {"entity": entity, "query": query, "name": name}
    if shared:
        data["shared"] = "y"
    return client.post("/segments", data=data, follow_redirects=True)


def test_an_officer_saves_a_filtered_list_and_it_stays_live(client, login_as):
    officer = login_as(Role.OFFICER)
    make_project(officer=officer, stage="applied", name="Premier")
    page = client.get("/projects?stage=applied&page=3")
    assert "Save this list as a segment" in page.text
    saved = _save(client, "projects", "stage=applied&page=3&evil=1", "Candidatures")
    assert "The segment Candidatures was saved" in saved.text
    segment = db.session.scalar(db.select(Segment))
    assert (segment.query, segment.owner_id, segment.shared) == ("stage=applied", officer.id,
                                                                  False)
    make_project(officer=officer, stage="applied", name="Second")
    listing = client.get("/segments").text
    assert "Candidatures" in listing and ">2</td>" in listing  # counted when opened
    opened = client.get(f"/segments/{segment.id}")
    assert opened.status_code == 302 and opened.headers["Location"].endswith(
        "/projects?stage=applied")
    home = client.get("/").text
    assert "Candidatures" in home


def test_segments_are_private_unless_shared(app, client, login_as):
    owner = make_user(Role.OFFICER)
    mine = Segment(name="Mes incubés", entity="projects", query="stage=incubated",
                   owner_id=owner.id)
    team = Segment(name="Tous les refusés", entity="projects", query="stage=declined",
                   owner_id=owner.id, shared=True)
    db.session.add_all([mine, team])
    db.session.commit()
    login_as(Role.MANAGER)
    listing = client.get("/segments").text
    assert "Tous les refusés" in listing and "Mes incubés" not in listing
    assert client.get(f"/segments/{mine.id}").status_code == 404
    assert client.post(f"/segments/{mine.id}/delete").status_code == 404
    refused = client.post(f"/segments/{team.id}/delete", follow_redirects=True)
    assert "Only the one who saved a segment can delete it." in refused.text
    assert db.session.get(Segment, team.id) is not None


def test_a_segment_needs_a_name_a_filter_and_a_known_list(client, login_as):
    login_as(Role.OFFICER)
    assert "Name the segment." in _save(client, "people", "region=souss-massa", "").text
    assert "Filter or search the list" in _save(client, "people", "page=2", "Tous").text
    assert client.post("/segments", data={"entity": "users", "query": "x=1",
                                          "name": "x"}).status_code == 400
    _save(client, "people", "region=souss-massa", "Souss")
    again = _save(client, "people", "region=oriental", "Souss")
    assert "You already have a segment of that name." in again.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Segment)) == 1


def test_innovators_have_no_segments(client, login_as):
    login_as(Role.INNOVATOR)
    assert client.get("/segments").status_code == 404
    assert _save(client, "projects", "stage=applied", "x").status_code == 404

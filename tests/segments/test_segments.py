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


def test_lists_filter_on_related_facts_and_a_segment_keeps_them(client, login_as):
    from datetime import date, timedelta

    import sqlalchemy as sa

    from crm.common.time import utcnow
    from crm.privacy import services as privacy
    from crm.privacy.models import ConsentPurpose, ConsentSource
    from crm.projects.models import Project
    from tests.factories import make_opportunity, make_person

    officer = login_as(Role.OFFICER)
    asleep = make_project(officer=officer, name="Projet endormi", sdgs={5})
    awake = make_project(officer=officer, name="Projet actif")
    db.session.execute(sa.update(Project).where(Project.id == asleep.id)
                       .values(last_activity_at=utcnow() - timedelta(days=200)))
    db.session.commit()
    make_opportunity(awake, actor=officer, status="committed", requested="1000",
                     committed="1000")
    page = client.get("/projects?idle=180").text
    assert "Projet endormi" in page and "Projet actif" not in page
    page = client.get("/projects?funding=committed").text
    assert "Projet actif" in page and "Projet endormi" not in page
    page = client.get("/projects?sdg=5").text
    assert "Projet endormi" in page and "Projet actif" not in page
    assert client.get("/projects?idle=7&sdg=99&funding=x").status_code == 200  # ignored

    agreed = make_person(officer, first_name="Amina", last_name="Oui")
    withdrew = make_person(officer, first_name="Badr", last_name="Non")
    privacy.record_consent(officer, agreed, ConsentPurpose.COMMUNICATIONS,
                           ConsentSource.FORUM, date.today())
    consent = privacy.record_consent(officer, withdrew, ConsentPurpose.COMMUNICATIONS,
                                     ConsentSource.FORUM, date.today())
    privacy.withdraw_consent(officer, consent, date.today())
    page = client.get("/people?consent=communications").text
    assert "Amina" in page and "Badr" not in page
    _save(client, "people", "consent=communications", "Newsletter")
    segment = db.session.scalar(db.select(Segment))
    assert segment.query == "consent=communications"


# --- repeated values and match=any ------------------------------------------------------------

ANY_QUERY = "stage=applied&stage=assessed&region=souss-massa&match=any"


def _combined_projects(officer):
    """Two projects at the chosen stages, one at another stage in Souss, and one that meets
    no filter (incubated, in Rabat)."""
    from crm.common.reference import Region
    from tests.factories import make_organization

    souss = make_organization(region=Region.SOUSS_MASSA)
    rabat = make_organization(region=Region.RABAT_SALE_KENITRA)
    return {
        "Candidat": make_project(officer=officer, organization=rabat, stage="applied"),
        "Examiné": make_project(officer=officer, organization=rabat, stage="assessed"),
        "Soussi": make_project(officer=officer, organization=souss, stage="incubated"),
        "Hors liste": make_project(officer=officer, organization=rabat, stage="incubated"),
    }


def _listed(client, path) -> set[int]:
    import re

    return {int(i) for i in re.findall(r'id="project-(\d+)"', client.get(path).text)}


def test_a_segment_keeps_every_value_and_match_any_and_reopens_the_same_list(client,
                                                                            login_as):
    officer = login_as(Role.OFFICER)
    projects = _combined_projects(officer)
    shown = _listed(client, f"/projects?{ANY_QUERY}")
    assert shown == {p.id for name, p in projects.items() if name != "Hors liste"}
    _save(client, "projects", f"page=2&{ANY_QUERY}&stage=applied&evil=1", "Tout Souss")
    segment = db.session.scalar(db.select(Segment))
    assert segment.query == ("match=any&stage=applied&stage=assessed&region=souss-massa")
    assert ">3</td>" in client.get("/segments").text  # counted as the list shows it
    opened = client.get(f"/segments/{segment.id}")
    location = opened.headers["Location"]
    assert location.endswith("/projects?match=any&stage=applied&stage=assessed"
                             "&region=souss-massa")
    assert _listed(client, location) == shown


def test_match_all_is_not_kept_and_a_segment_needs_a_filter_beside_match(client, login_as):
    login_as(Role.OFFICER)
    assert "Filter or search the list" in _save(client, "projects", "match=any", "Tout").text
    _save(client, "projects", "match=all&stage=applied&stage=assessed", "Deux étapes")
    assert db.session.scalar(db.select(Segment.query)) == "stage=applied&stage=assessed"


def test_the_bulk_whole_list_acts_on_the_rows_the_combined_list_shows(client, login_as):
    from crm.projects.models import Project

    officer = login_as(Role.OFFICER)
    projects = _combined_projects(officer)
    page = client.post("/bulk/projects", data={"scope": "all", "query": ANY_QUERY,
                                               "action": "tag", "tag": "Revue 2027"},
                       follow_redirects=True)
    assert "3 done and 0 skipped of 3 projects" in page.text
    db.session.expire_all()
    tagged = {name for name, p in projects.items()
              if [t.name for t in db.session.get(Project, p.id).tags] == ["Revue 2027"]}
    assert tagged == {"Candidat", "Examiné", "Soussi"}

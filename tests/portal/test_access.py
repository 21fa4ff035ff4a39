"""Access proven, not assumed: every route of `app.url_map`, with every id it can take, for
every role. An innovator gets 404 for anything of another organization; a role the permission
table does not allow gets 404 whatever the id; nobody anonymous gets past the login.

A route with a URL argument this file does not know, or a public route not listed here, fails
the test: whoever adds a route says here how its access is proven."""

import io
from datetime import date, timedelta

import pytest
from flask import url_for
from werkzeug.datastructures import FileStorage

from crm.api import tokens as api_tokens
from crm.api.models import ApiToken, Scope
from crm.auth.models import Role
from crm.auth.permissions import PERMISSIONS
from crm.bulk.models import BulkAction, BulkJob, BulkStatus
from crm.calls import services as calls
from crm.common.time import utcnow
from crm.documents import services as documents
from crm.extensions import db as _db
from crm.followups.models import FollowUp
from crm.forums.models import ForumSession, Participation, ParticipationRole
from crm.funding import services as funding
from crm.impact import services as impact
from crm.impact import targets as impact_targets
from crm.imports.models import ImportJob
from crm.interactions.models import InteractionKind
from crm.interactions.services import log_interaction
from crm.invitations import services as invitations
from crm.mailings.models import Mailing
from crm.organizations.models import Membership
from crm.privacy import services as privacy
from crm.privacy.models import ConsentPurpose, ConsentSource
from crm.segments.models import Segment
from crm.webhooks.models import Delivery, DeliveryStatus, Endpoint
from tests.factories import (
    application_data,
    make_call,
    make_forum,
    make_funder,
    make_opportunity,
    make_user,
)

# Routes anyone may open; each says why it leaks nothing.
PUBLIC = {
    "auth.login": "the login form",
    "two_factor.enter_code": "answers only to a session that has just given the right "
                             "password (a few minutes); codes are throttled per account",
    "main.set_language": "a cookie",
    "main.healthz": "ok or not",
    "followups.export_calendar": "the secret token in the URL is the credential",
    "invitations.accept_invitation": "a signed, single-use token",
    "auth.forgot_password": "the same answer whether the email is known or not",
    "auth.reset_password": "a signed, single-use token",
    "apply.privacy_notice": "the same text for everyone",
    "apply.apply": "a published call's page, and a form that files a new application only",
    "apply.show_application": "the secret token in the URL is the credential (stored hashed)",
    "apply.download_document": "the same token, and only a file of that application",
    "unsubscribe.confirm": "the secret in the emailed link is the credential (stored hashed); "
                           "it only withdraws that person's consent to one purpose",
    "api.openapi_json": "the API's description, the same for everyone (no record in it)",
    "api.show_docs": "the same description, as a page",
}
# Routes without ids that an innovator reaches: they must show nothing of the other side.
OWN_PAGES = {"main.home", "auth.change_password", "auth.logout", "portal.edit_profile",
             "two_factor.show_two_factor", "two_factor.set_up_two_factor",
             "privacy.show_my_data", "privacy.export_my_data", "privacy.export_my_data_csv",
             "api.list_tokens", "api_organizations.list_organizations",
             "api_people.list_people", "api_projects.list_projects",
             "api_measurements.list_measurements"}
# The log of API requests grows with every call, as it must; nothing else may.
LOGS = {"api_requests", "api_tokens"}


def _extra_objects(world) -> dict:
    """Objects of side B (or of nobody) for the URL arguments that are not organizations,
    people or projects."""
    officer = world.officer
    forum = make_forum(officer)
    session = _db.session.scalar(_db.select(ForumSession).where(ForumSession.forum_id == forum.id))
    job = ImportJob(forum_id=forum.id, created_by_id=officer.id, filename="a.csv", content=b"")
    _db.session.add(job)
    funder = make_funder(officer)
    opportunity = make_opportunity(world.b.project, funder=funder, actor=officer,
                                   instrument="crowd-donation", status="applied", requested="100")
    campaign = funding.create_campaign(officer, opportunity, goal="100",
                                       starts_on=date(2024, 1, 1), ends_on=date(2024, 3, 1))
    measurement = impact.measurements_of(world.b.project.id)[0]
    target = impact_targets.save_target(officer, None, indicator_id=measurement.indicator_id,
                                        year=2024, value="10")
    membership = _db.session.scalar(_db.select(Membership).where(
        Membership.person_id == world.b.person.id))
    followup = _db.session.scalar(_db.select(FollowUp).where(
        FollowUp.project_id == world.b.project.id))
    _db.session.commit()
    ids = {"forum_id": forum.id, "session_id": session.id, "job_id": job.id,
           "funder_id": funder.id, "opportunity_id": opportunity.id,
           "campaign_id": campaign.id, "measurement_id": measurement.id,
           "membership_id": membership.id, "followup_id": followup.id,
           "indicator_id": measurement.indicator_id, "target_id": target.id,
           "stage_code": "incubated",
           "user_id": world.b.user.id, "filename": "css/app.css", "token": "x",
           "slug": "funnel", "fmt": "csv", "line": 2, "entity": "people",
           "token_id": api_tokens.create_token(world.b.user, "B", Scope.READ).token.id,
           "interaction_id": _interaction(world), "participation_id": _participation(world,
                                                                                   session)}
    ids |= _privacy_objects(world)
    ids |= _call_objects(world)
    ids |= _webhook_objects(world)
    return ids


def _webhook_objects(world) -> dict:
    """A disabled endpoint (it takes no event of the walk) and a delivery given up."""
    endpoint = Endpoint(url="http://127.0.0.1:9/hooks", events=["project.created"],
                        secret_sealed="x", active=False, acting_as_id=world.officer.id)
    delivery = Delivery(endpoint=endpoint, event="project.created", payload="{}",
                        status=DeliveryStatus.GIVEN_UP, attempt_count=6)
    _db.session.add_all([endpoint, delivery])
    _db.session.commit()
    return {"endpoint_id": endpoint.id, "delivery_id": delivery.id}


def _interaction(world) -> int:
    return log_interaction(world.officer, InteractionKind.CALL, date(2024, 10, 20), "Appel",
                           project=world.b.project).id


def _participation(world, session) -> int:
    participation = Participation(session_id=session.id, person_id=world.b.person.id,
                                  role=ParticipationRole.PARTICIPANT)
    _db.session.add(participation)
    _db.session.commit()
    return participation.id


def _call_objects(world) -> dict:
    call = make_call(world.officer)
    filed = calls.submit_application(
        call, {k: v for k, v in application_data(call).items()
               if k in calls.APPLICANT_FIELDS} | {"phone": None},
        {}, language="fr", notice_version="1", address="", today=call.opens_on)
    from crm.calls import review

    criterion = review.add_criterion(world.officer, call, {"label_fr": "Impact", "weight": 1,
                                                           "scale_max": 5})
    assigned = review.assign(world.officer, filed.application, world.officer)
    document = documents.attach(world.officer, world.b.organization, FileStorage(
        io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "statuts.pdf"))
    return {"call_id": call.id, "question_id": call.questions[0].id,
            "application_id": filed.application.id, "document_id": document.id,
            "owner_type": "organization", "owner_id": world.b.organization.id,
            "criterion_id": criterion.id, "review_id": assigned.id,
            "segment_id": _segment(world.officer), "bulk_id": _bulk_job(world),
            "mailing_id": _mailing(world.officer), "secret": "x"}


def _bulk_job(world) -> int:
    """A finished tag job on side B's project, that its author could still undo."""
    project_id = world.b.project.id
    job = BulkJob(action=BulkAction.TAG, params={"tag": "x"}, record_ids=[project_id],
                  total=1, done=1, changes={str(project_id): False}, status=BulkStatus.DONE,
                  finished_at=utcnow(), created_by_id=world.officer.id)
    _db.session.add(job)
    _db.session.commit()
    return job.id


def _mailing(officer) -> int:
    mailing = Mailing(purpose=ConsentPurpose.COMMUNICATIONS, subject_fr="Invitation",
                      body_fr="Bonjour {name}", query="region=souss-massa",
                      created_by_id=officer.id)
    _db.session.add(mailing)
    _db.session.commit()
    return mailing.id


def _segment(officer) -> int:
    segment = Segment(name="Candidatures", entity="projects", query="stage=applied",
                      owner_id=officer.id, shared=True)
    _db.session.add(segment)
    _db.session.commit()
    return segment.id


def _privacy_objects(world) -> dict:
    consent = privacy.record_consent(world.officer, world.b.person, ConsentPurpose.SUPPORT,
                                     ConsentSource.FORUM, date(2024, 10, 17))
    invitation = invitations.invitations_of(world.b.person.id)
    return {"consent_id": consent.id,
            "invitation_id": invitation[0].id if invitation else 999_999}


def _ids_of(side) -> dict:
    return {"organization_id": side.organization.id, "person_id": side.person.id,
            "project_id": side.project.id}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue  # Flask's own: the vendored files, public by nature
        view = app.view_functions[rule.endpoint]
        permission = getattr(view, "required_permission", None)
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        yield rule, permission, methods


def _url(app, rule, ids: dict) -> str:
    unknown = set(rule.arguments) - set(ids)
    assert not unknown, (f"{rule.endpoint}: no id known for {sorted(unknown)}; say in "
                         f"tests/portal/test_access.py which object such an argument names")
    with app.test_request_context():
        return url_for(rule.endpoint, **{a: ids[a] for a in rule.arguments})


def _is_token_route(app, rule) -> bool:
    return getattr(app.view_functions[rule.endpoint], "token_authenticated", False)


def _token(client, url: str) -> dict:
    """The API (token routes) takes the client's token; a session alone opens nothing there."""
    return getattr(client, "api_headers", {}) if url.startswith("/api/v1/") else {}


def _call(client, method: str, url: str):
    return client.open(url, method=method, data={},
                       headers={"HX-Request": "true"} | _token(client, url))


def _with_token(client, user):
    """The client, holding a read-write API token of `user`'s (made directly for those the
    service gives none, so that theirs is proven refused too)."""
    token = ApiToken(user_id=user.id, name="walk", prefix="crm_", scope=Scope.READ_WRITE,
                     token_hash=api_tokens.hash_secret(f"crm_walk{user.id}"),
                     expires_at=utcnow() + timedelta(days=1))
    _db.session.add(token)
    _db.session.commit()
    client.api_headers = {"Authorization": f"Bearer crm_walk{user.id}"}
    return client


def _row_counts(app) -> dict:
    return {table.name: _db.session.scalar(_db.select(_db.func.count()).select_from(table))
            for table in _db.metadata.sorted_tables if table.name not in LOGS}


@pytest.fixture
def everyone(world, log_in):
    users = {role: make_user(role) for role in (Role.ADMIN, Role.MANAGER, Role.OFFICER)}
    users["innovator_a"] = world.a.user
    users[Role.REVIEWER] = make_user(Role.REVIEWER)  # given no application
    return {role: _with_token(log_in(user), user) for role, user in users.items()}


def test_every_route_is_declared_and_public_routes_are_listed(app):
    for rule, permission, _ in _routes(app):
        assert permission is not None, f"{rule.endpoint} declares no permission"
        if permission == "public":
            assert rule.endpoint in PUBLIC, f"{rule.endpoint} is public: add it to PUBLIC"


def test_anonymous_visitors_are_sent_to_the_login(app, world):
    """... and the API, which has no login page, answers 401."""
    ids = _ids_of(world.b) | _extra_objects(world)
    client = app.test_client()
    for rule, permission, methods in _routes(app):
        if permission == "public":
            continue
        for method in methods:
            response = _call(client, method, _url(app, rule, ids))
            if _is_token_route(app, rule):
                assert response.status_code == 401 and response.is_json, (method, rule.endpoint)
                continue
            assert response.status_code == 302, (method, rule.endpoint)
            assert "/login" in response.headers["Location"], rule.endpoint


def test_a_session_without_a_token_opens_no_api_route(app, world, log_in):
    ids = _ids_of(world.a) | _extra_objects(world)
    clients = [log_in(make_user(Role.OFFICER)), log_in(make_user(Role.MANAGER)),
               log_in(world.a.user)]
    before = _row_counts(app)
    checked = 0
    for rule, _permission, methods in _routes(app):
        if not _is_token_route(app, rule):
            continue
        for client in clients:
            for method in methods:
                response = _call(client, method, _url(app, rule, ids))
                assert response.status_code == 401, (method, rule.endpoint)
                checked += 1
    assert checked > 40
    assert _row_counts(app) == before


def test_roles_the_table_does_not_allow_get_404_whatever_the_id(app, world, everyone):
    ids = _ids_of(world.b) | _extra_objects(world)
    before = _row_counts(app)
    for rule, permission, methods in _routes(app):
        if permission == "public":
            continue
        for role, client in everyone.items():
            real_role = Role.INNOVATOR if role == "innovator_a" else role
            if real_role in PERMISSIONS[permission]:
                continue
            for method in methods:
                response = _call(client, method, _url(app, rule, ids))
                assert response.status_code == 404, (role, method, rule.endpoint,
                                                      response.status_code)
    assert _row_counts(app) == before  # nothing was created or removed on the way


def test_an_innovator_gets_404_for_anything_of_another_organization(app, world, everyone):
    ids = _ids_of(world.b) | _extra_objects(world)
    client = everyone["innovator_a"]
    before = _row_counts(app)
    checked = 0
    for rule, permission, methods in _routes(app):
        if permission == "public" or not rule.arguments:
            continue
        for method in methods:
            response = _call(client, method, _url(app, rule, ids))
            assert response.status_code == 404, (method, rule.endpoint, response.status_code)
            checked += 1
    assert checked > 80  # the walk did reach the routes
    assert _row_counts(app) == before


def test_an_external_reviewer_gets_404_for_anything_not_given_to_them(app, world, everyone):
    ids = _ids_of(world.b) | _extra_objects(world)
    client = everyone[Role.REVIEWER]
    before = _row_counts(app)
    for rule, permission, methods in _routes(app):
        if permission == "public" or not rule.arguments:
            continue
        for method in methods:
            response = _call(client, method, _url(app, rule, ids))
            assert response.status_code == 404, (method, rule.endpoint, response.status_code)
    assert _row_counts(app) == before


def test_an_innovator_reaches_their_own_portal_pages(app, world, everyone):
    ids = _ids_of(world.a) | _extra_objects(world)
    client = everyone["innovator_a"]
    reached = set()
    for rule, permission, methods in _routes(app):
        if permission is None or not permission.startswith("portal.") or "GET" not in methods:
            continue
        if rule.endpoint == "privacy.withdraw_my_consent":
            continue
        response = client.get(_url(app, rule, ids))
        assert response.status_code == 200, (rule.endpoint, response.status_code)
        reached.add(rule.endpoint)
    assert {"portal.show_project", "portal.edit_organization", "portal.report_figure"} <= reached


def test_pages_without_ids_show_an_innovator_nothing_of_the_other_side(app, world, everyone):
    client = everyone["innovator_a"]
    other = [world.b.organization.name, world.b.project.name, world.b.person.email,
             world.b.person.last_name]
    for rule, permission, methods in _routes(app):
        if rule.arguments or "GET" not in methods or permission == "public":
            continue
        if Role.INNOVATOR not in PERMISSIONS[permission]:
            continue
        assert rule.endpoint in OWN_PAGES, f"{rule.endpoint}: add it to OWN_PAGES"
        body = client.get(rule.rule, headers=_token(client, rule.rule)).get_data(as_text=True)
        for text in other:
            assert text not in body, (rule.endpoint, text)


def _columns(record) -> dict:
    return {c.key: getattr(record, c.key) for c in record.__table__.columns}


@pytest.mark.parametrize("kind", ["organization", "project", "profile"])
def test_fields_the_portal_does_not_offer_cannot_be_posted(app, world, everyone, kind):
    """Mass assignment: every column of the record is posted, with junk; only the offered
    fields change."""
    from crm.portal import services as portal

    record, url, offered = {
        "organization": (world.a.organization,
                         f"/portal/organizations/{world.a.organization.id}/edit",
                         portal.ORGANIZATION_FIELDS),
        "project": (world.a.project, f"/portal/projects/{world.a.project.id}/edit",
                    portal.PROJECT_FIELDS),
        "profile": (world.a.person, "/portal/profile", portal.PROFILE_FIELDS),
    }[kind]
    before = _columns(record)
    junk = {key: str(world.b.organization.id) for key in before}
    valid = {field: "" for field in offered} | {"name": "Nouveau nom",
                                                "first_name": "Nouveau", "phone": ""}
    response = everyone["innovator_a"].post(url, data=junk | valid | {
        "version": str(record.version), "tags": "x", "tag_names": "x"})
    assert response.status_code == 302
    _db.session.expire_all()
    after = _columns(_db.session.get(type(record), record.id))
    changed = {key for key in before if before[key] != after[key]}
    assert changed, "the offered fields should have changed"
    assert changed <= set(offered) | {"version", "updated_at"}, changed

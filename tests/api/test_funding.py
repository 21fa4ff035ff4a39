"""Funding opportunities through the API: an editor creates one, updates it with its
version (a stale one is a 409) and moves its status; others get 404, a read-only token 403,
and a broken money rule is a 422 on its field."""

from decimal import Decimal

from crm.api.models import Scope
from crm.auth.models import Role
from crm.extensions import db
from crm.funding.models import FundingOpportunity, OpportunityStatus
from tests.api.conftest import bearer
from tests.factories import make_funder, make_opportunity, make_user


def _create(api, headers, project, **body):
    funder = make_funder()
    return api("POST", "/api/v1/funding-opportunities", headers, {
        "project_id": project.id, "funder_id": funder.id, "instrument": "grant",
        "status": "applied", "amount_requested": "50000.00"} | body)


def test_an_officer_creates_updates_and_moves_an_opportunity(api, world):
    headers = bearer(world.officer)
    created = _create(api, headers, world.a.project)
    assert created.status_code == 201, created.json
    opportunity = created.json
    assert opportunity["officer_id"] == world.officer.id and opportunity["applied_on"]
    url = f"/api/v1/funding-opportunities/{opportunity['id']}"

    updated = api("PATCH", url, headers, {"notes": "Dossier complet",
                                          "version": opportunity["version"]})
    assert updated.status_code == 200 and updated.json["amount_requested"] == "50000.00"
    stale = api("PATCH", url, headers, {"notes": "Autre", "version": opportunity["version"]})
    assert stale.status_code == 409
    assert stale.json["error"]["current_version"] == updated.json["version"]

    committed = api("POST", f"{url}/status", headers, {
        "status": "committed", "amount_committed": 40000, "version": updated.json["version"]})
    assert committed.status_code == 200, committed.json
    saved = db.session.get(FundingOpportunity, opportunity["id"])
    assert saved.status == OpportunityStatus.COMMITTED
    assert saved.amount_committed == Decimal("40000.00") and saved.committed_on
    assert saved.notes == "Dossier complet"


def test_a_broken_money_rule_is_a_422_on_its_field(api, world):
    headers = bearer(world.officer) | {"Accept-Language": "fr"}
    over = _create(api, headers, world.a.project, amount_committed="60000")
    assert over.status_code == 422 and "amount_committed" in over.json["error"]["fields"]
    opportunity = make_opportunity(world.a.project, actor=world.officer)
    declined = api("POST", f"/api/v1/funding-opportunities/{opportunity.id}/status", headers,
                   {"status": "declined", "version": opportunity.version})
    assert declined.status_code == 422 and "decline_reason" in declined.json["error"]["fields"]
    unknown = _create(api, headers, world.a.project, funder_id=999_999)
    assert unknown.status_code == 422 and "funder_id" in unknown.json["error"]["fields"]


def test_others_get_404_and_a_read_only_token_403(api, world):
    opportunity = make_opportunity(world.a.project, actor=world.officer)
    url = f"/api/v1/funding-opportunities/{opportunity.id}"
    for user in (make_user(Role.MANAGER), make_user(Role.OFFICER), world.a.user):
        headers = bearer(user)
        assert _create(api, headers, world.a.project).status_code == 404
        assert api("PATCH", url, headers, {"notes": "x", "version": 1}).status_code == 404
        assert api("POST", f"{url}/status", headers,
                   {"status": "applied", "version": 1}).status_code == 404
    assert api("PATCH", url, bearer(world.officer, Scope.READ),
               {"notes": "x", "version": 1}).status_code == 403
    db.session.expire_all()
    assert db.session.get(FundingOpportunity, opportunity.id).notes == ""

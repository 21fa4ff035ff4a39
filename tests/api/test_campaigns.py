"""Crowdfunding campaigns through the API: an editor of the project's funding opens the
campaign of a crowdfunding opportunity, changes it and posts its figures with the campaign's
version (a stale one is a 409); others get 404, a read-only token 403, and a broken rule a
422."""

from datetime import date
from decimal import Decimal

from crm.api.models import Scope
from crm.audit.models import AuditEntry
from crm.auth.models import Role
from crm.extensions import db
from crm.funding import services
from crm.funding.models import CrowdfundingCampaign
from tests.api.conftest import bearer
from tests.factories import make_opportunity, make_user

TODAY = date.today().isoformat()


def _crowdfunding(world):
    return make_opportunity(world.a.project, actor=world.officer, instrument="crowd-reward")


def _campaign(world) -> CrowdfundingCampaign:
    return services.create_campaign(world.officer, _crowdfunding(world), goal="10000",
                                    starts_on=date(2024, 1, 1), ends_on=date(2030, 1, 1))


def test_an_officer_opens_a_campaign_and_posts_its_figures(api, world):
    headers = bearer(world.officer)
    opportunity = _crowdfunding(world)
    created = api("POST", "/api/v1/campaigns", headers, {
        "opportunity_id": opportunity.id, "goal": "20000.50", "starts_on": "2024-01-01",
        "ends_on": "2030-01-01", "url": "https://example.org/c"})
    assert created.status_code == 201, created.json
    url = f"/api/v1/campaigns/{created.json['id']}/updates"
    posted = api("POST", url, headers, {"on": TODAY, "raised": 5000, "backers": 12,
                                        "version": created.json["version"]})
    assert posted.status_code == 201, posted.json
    assert posted.json["raised"] == "5000.00" and posted.json["backers"] == 12
    stale = api("POST", url, headers, {"raised": 6000, "version": created.json["version"]})
    assert stale.status_code == 409
    assert stale.json["error"]["current_version"] == posted.json["version"]
    db.session.expire_all()
    saved = db.session.get(CrowdfundingCampaign, created.json["id"])
    assert saved.goal == Decimal("20000.50") and saved.url == "https://example.org/c"
    assert saved.raised == Decimal("5000.00") and len(saved.updates) == 1


def test_a_broken_rule_is_a_422_on_its_field(api, world):
    headers = bearer(world.officer) | {"Accept-Language": "fr"}
    body = {"opportunity_id": _crowdfunding(world).id, "goal": "0", "starts_on": "2024-02-01",
            "ends_on": "2024-01-01"}
    zero = api("POST", "/api/v1/campaigns", headers, body)
    assert zero.status_code == 422 and "goal" in zero.json["error"]["fields"]
    backwards = api("POST", "/api/v1/campaigns", headers, body | {"goal": "100"})
    assert backwards.status_code == 422 and "ends_on" in backwards.json["error"]["fields"]
    grant = make_opportunity(world.a.project, actor=world.officer)
    not_crowd = api("POST", "/api/v1/campaigns", headers,
                    body | {"goal": "100", "ends_on": "2024-03-01", "opportunity_id": grant.id})
    assert not_crowd.status_code == 422 and not_crowd.json["error"]["message"]
    missing = api("POST", "/api/v1/campaigns", headers, {})
    assert missing.json["error"]["fields"]["goal"] == ["Ce champ est obligatoire."]
    campaign = _campaign(world)
    negative = api("POST", f"/api/v1/campaigns/{campaign.id}/updates", headers,
                   {"raised": "-1", "version": campaign.version})
    assert negative.status_code == 422 and "raised" in negative.json["error"]["fields"]


def test_others_get_404_and_a_read_only_token_403(api, world):
    campaign = _campaign(world)
    opportunity = _crowdfunding(world)
    create = {"opportunity_id": opportunity.id, "goal": "100", "starts_on": "2024-01-01",
              "ends_on": "2030-01-01"}
    update = {"raised": "10", "version": campaign.version}
    url = f"/api/v1/campaigns/{campaign.id}/updates"
    for user in (make_user(Role.MANAGER), make_user(Role.OFFICER), world.a.user):
        headers = bearer(user)
        assert api("POST", "/api/v1/campaigns", headers, create).status_code == 404
        assert api("POST", url, headers, update).status_code == 404
    read_only = bearer(world.officer, Scope.READ)
    assert api("POST", url, read_only, update).status_code == 403
    assert api("POST", "/api/v1/campaigns", read_only, create).status_code == 403
    db.session.expire_all()
    assert db.session.get(CrowdfundingCampaign, campaign.id).raised == Decimal("0.00")
    assert opportunity.campaign is None


def test_an_officer_changes_a_campaign_with_its_version(api, world):
    headers = bearer(world.officer)
    campaign = _campaign(world)
    version = campaign.version
    url = f"/api/v1/campaigns/{campaign.id}"
    changed = api("PATCH", url, headers, {"goal": "12000.25", "ends_on": "2031-06-30",
                                          "url": "https://example.org/c",
                                          "version": version})
    assert changed.status_code == 200, changed.json
    assert changed.json["goal"] == "12000.25" and changed.json["starts_on"] == "2024-01-01"
    assert changed.json["version"] == version + 1
    stale = api("PATCH", url, headers, {"goal": "1", "version": version})
    assert stale.status_code == 409
    assert stale.json["error"]["current_version"] == changed.json["version"]
    db.session.expire_all()
    saved = db.session.get(CrowdfundingCampaign, campaign.id)
    assert saved.goal == Decimal("12000.25") and saved.ends_on == date(2031, 6, 30)
    assert saved.url == "https://example.org/c"
    entry = db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.entity_type == "campaign", AuditEntry.action == "update"))
    assert entry.actor_id == world.officer.id and entry.changes["goal"][1] == "12000.25"


def test_a_broken_rule_in_a_change_is_a_422_on_its_field(api, world):
    headers = bearer(world.officer) | {"Accept-Language": "fr"}
    campaign = _campaign(world)
    version = campaign.version
    url = f"/api/v1/campaigns/{campaign.id}"
    zero = api("PATCH", url, headers, {"goal": "0", "version": version})
    assert zero.status_code == 422
    assert zero.json["error"]["fields"]["goal"] == ["L’objectif doit être supérieur à zéro."]
    backwards = api("PATCH", url, headers, {"ends_on": "2023-12-31",
                                            "version": version})
    assert backwards.status_code == 422 and "ends_on" in backwards.json["error"]["fields"]
    missing = api("PATCH", url, headers, {"goal": "5"})
    assert missing.json["error"]["fields"]["version"] == ["Ce champ est obligatoire."]
    db.session.expire_all()
    saved = db.session.get(CrowdfundingCampaign, campaign.id)
    assert saved.goal == Decimal("10000.00") and saved.version == version == 1


def test_others_get_404_and_a_read_only_token_403_for_a_change(api, world):
    campaign = _campaign(world)
    url = f"/api/v1/campaigns/{campaign.id}"
    body = {"goal": "5", "version": campaign.version}
    for user in (make_user(Role.MANAGER), make_user(Role.OFFICER), world.a.user):
        assert api("PATCH", url, bearer(user), body).status_code == 404
    assert api("PATCH", "/api/v1/campaigns/999999", bearer(world.officer),
               body).status_code == 404
    assert api("PATCH", url, bearer(world.officer, Scope.READ), body).status_code == 403
    db.session.expire_all()
    assert db.session.get(CrowdfundingCampaign, campaign.id).goal == Decimal("10000.00")

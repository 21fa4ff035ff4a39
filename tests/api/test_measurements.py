"""Figures through the API: an editor records and verifies them (a stale version is a
409), an innovator reports and reads their own project's figures only; others get 404."""

from datetime import date

from crm.api.models import Scope
from crm.auth.models import Role
from crm.extensions import db
from crm.impact import services as impact
from crm.impact.models import Measurement, MeasurementSource
from tests.api.conftest import bearer
from tests.factories import make_user


def _figure(project, **body):
    jobs = impact.get_indicator("jobs")
    return {"project_id": project.id, "indicator_id": jobs.id, "period_start": "2023-01-01",
            "period_end": "2023-12-31", "value": "12.50"} | body


def test_an_officer_records_and_verifies_a_figure(api, world):
    headers = bearer(world.officer)
    created = api("POST", "/api/v1/measurements", headers, _figure(world.a.project))
    assert created.status_code == 201, created.json
    assert created.json["value"] == "12.50" and created.json["source"] == "staff-reported"
    measurement_id = created.json["id"]
    url = f"/api/v1/measurements/{measurement_id}/verify"
    stale = api("POST", url, headers, {"version": created.json["version"] + 1})
    assert stale.status_code == 409
    assert stale.json["error"]["current_version"] == created.json["version"]
    verified = api("POST", url, headers, {"version": created.json["version"]})
    assert verified.status_code == 200 and verified.json["source"] == "verified"
    db.session.expire_all()
    assert db.session.get(Measurement, measurement_id).verified_by_id == world.officer.id


def test_an_innovator_reports_and_reads_their_own_figures_only(api, world):
    headers = bearer(world.a.user)
    reported = api("POST", "/api/v1/measurements", headers, _figure(world.a.project, value=7))
    assert reported.status_code == 201, reported.json
    saved = db.session.get(Measurement, reported.json["id"])
    assert saved.source == MeasurementSource.SELF_REPORTED and saved.value == 7
    listed = api("GET", "/api/v1/measurements", headers).json["items"]
    assert {m["project_id"] for m in listed} == {world.a.project.id} and len(listed) == 2
    theirs = impact.measurements_of(world.b.project.id)[0]
    assert api("GET", f"/api/v1/measurements/{theirs.id}", headers).status_code == 404
    assert api("GET", f"/api/v1/measurements/{saved.id}", headers).status_code == 200
    assert api("POST", "/api/v1/measurements", headers,
               _figure(world.b.project)).status_code == 404
    assert api("POST", f"/api/v1/measurements/{saved.id}/verify", headers,
               {"version": saved.version}).status_code == 404


def test_others_get_404_and_a_read_only_token_403(api, world):
    theirs = impact.measurements_of(world.a.project.id)[0]
    for user in (make_user(Role.MANAGER), world.b.user):
        assert api("POST", "/api/v1/measurements", bearer(user),
                   _figure(world.a.project)).status_code == 404
        assert api("POST", f"/api/v1/measurements/{theirs.id}/verify", bearer(user),
                   {"version": theirs.version}).status_code == 404
    other_officer = make_user(Role.OFFICER)  # world.a's project is world.officer's
    assert api("POST", "/api/v1/measurements", bearer(other_officer),
               _figure(world.a.project)).status_code == 404
    read_only = bearer(world.officer, Scope.READ)
    assert api("POST", "/api/v1/measurements", read_only,
               _figure(world.a.project)).status_code == 403
    assert len(impact.measurements_of(world.a.project.id)) == 1


def test_an_invalid_figure_is_a_422_in_the_requesters_language(api, world):
    headers = bearer(world.officer) | {"Accept-Language": "fr"}
    for value in ("1.234", "douze", 10 ** 13):
        response = api("POST", "/api/v1/measurements", headers,
                       _figure(world.a.project, value=value))
        assert response.status_code == 422 and "value" in response.json["error"]["fields"]
    future = api("POST", "/api/v1/measurements", headers, _figure(
        world.a.project, period_end=date(date.today().year + 1, 1, 1).isoformat()))
    assert future.status_code == 422
    assert future.json["error"]["fields"]["period_end"][0].startswith("Cette période")
    unknown = api("POST", "/api/v1/measurements", headers,
                  _figure(world.a.project, indicator_id=999_999))
    assert unknown.status_code == 422 and "indicator_id" in unknown.json["error"]["fields"]


def test_an_editor_corrects_a_verified_figure_which_must_then_be_verified_again(api, world):
    headers = bearer(world.officer)
    created = api("POST", "/api/v1/measurements", headers, _figure(world.a.project)).json
    url = f"/api/v1/measurements/{created['id']}"
    verified = api("POST", f"{url}/verify", headers, {"version": created["version"]}).json
    change = {"period_start": "2023-01-01", "period_end": "2023-12-31", "value": "14"}
    stale = api("PATCH", url, headers, change | {"version": created["version"]})
    assert stale.status_code == 409
    corrected = api("PATCH", url, headers, change | {"version": verified["version"]})
    assert corrected.status_code == 200, corrected.json
    assert corrected.json["value"] == "14.00" and corrected.json["source"] != "verified"
    db.session.expire_all()
    assert db.session.get(Measurement, created["id"]).verified_at is None
    for user in (make_user(Role.MANAGER), world.a.user, make_user(Role.OFFICER)):
        assert api("PATCH", url, bearer(user), change | {"version": corrected.json["version"]}
                   ).status_code == 404
    assert api("PATCH", url, bearer(world.officer, Scope.READ),
               change | {"version": corrected.json["version"]}).status_code == 403
    bad = api("PATCH", url, headers, change | {"version": corrected.json["version"],
                                               "value": "-1"})
    assert bad.status_code == 422

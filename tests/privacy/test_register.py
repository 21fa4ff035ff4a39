"""The processing register: its activities and live figures, for administrators only."""

from datetime import date

import pytest

from crm.auth.models import Role
from crm.privacy import services
from crm.privacy.anonymize import anonymize_person
from crm.privacy.models import ConsentPurpose
from tests.factories import make_person, make_user
from tests.privacy.helpers import link_account, make_consent, text


def _figure(page: str, element_id: str) -> str:
    start = page.index(f'id="{element_id}">') + len(f'id="{element_id}">')
    return page[start:page.index("<", start)]


def test_an_admin_reads_the_register_with_live_figures(client, login_as):
    admin = login_as(Role.ADMIN)
    people = [make_person() for _ in range(3)]
    anonymize_person(admin, people[0])
    link_account(make_user(Role.INNOVATOR), people[1])
    make_user(Role.INNOVATOR, active=False)
    make_consent(people[1], ConsentPurpose.MEDIA)
    make_consent(people[2], ConsentPurpose.MEDIA)
    services.withdraw_consent(None, make_consent(people[2], ConsentPurpose.SHARING),
                              on=date.today())

    response = client.get("/admin/privacy")
    page = text(response)
    assert response.status_code == 200
    for activity in ("Program follow-up of innovators", "Forum registrations and attendee "
                     "imports", "Funding applications", "Impact reporting", "Portal accounts",
                     "Reminder emails", "Audit log"):
        assert activity in page, activity
    for heading in ("Legal basis", "People concerned", "Recipients", "Retention",
                    "Safeguards"):
        assert heading in page
    assert _figure(page, "count-people") == "3"
    assert _figure(page, "count-anonymized") == "1"
    assert _figure(page, "count-portal-accounts") == "1"
    assert _figure(page, "consents-media-active") == "2"
    assert _figure(page, "consents-sharing-withdrawn") == "1"
    assert _figure(page, "consents-support-active") == "0"


def test_the_menu_leads_admins_to_the_register(client, login_as):
    login_as(Role.ADMIN)
    page = text(client.get("/"))
    assert 'href="/admin/privacy"' in page
    assert page.index('href="/admin/privacy"') < page.index('href="/admin/users"')


@pytest.mark.parametrize("role", [Role.MANAGER, Role.OFFICER, Role.INNOVATOR])
def test_other_roles_get_404_and_no_menu_item(client, login_as, role):
    login_as(role)
    assert client.get("/admin/privacy").status_code == 404
    assert 'href="/admin/privacy"' not in text(client.get("/"))

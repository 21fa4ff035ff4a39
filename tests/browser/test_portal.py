"""From the invitation email to the portal, in Arabic: the innovator opens their account, edits
their organization's Arabic name, reports last semester's jobs; the officer then sees it."""

import re

import pytest

from crm.auth.models import User
from crm.extensions import db
from crm.organizations.models import Membership
from crm.people.models import Person
from crm.projects.models import Project
from tests.browser.conftest import log_out, screenshot, serious_accessibility_violations, sign_in
from tests.conftest import mail_settings

NEW_ARABIC_NAME = "تعاونية النور للنسيج التقليدي"


@pytest.fixture
def live_config(mailbox):
    return mail_settings(mailbox)


def _someone_to_invite(app) -> tuple[int, str, int]:
    """A member of an organization in the Arabic-speaking demo officer's portfolio, who has an
    email and no account yet: (person id, email, organization id)."""
    with app.app_context():
        officer = db.session.scalar(db.select(User).where(User.email == "officer@demo.crm"))
        accounts = db.select(User.person_id).where(User.person_id.is_not(None))
        row = db.session.execute(
            db.select(Person.id, Person.email, Membership.organization_id)
            .join(Membership, Membership.person_id == Person.id)
            .join(Project, Project.organization_id == Membership.organization_id)
            .where(Project.officer_id == officer.id, Project.archived_at.is_(None),
                   Person.email.is_not(None), Person.id.not_in(accounts))
            .order_by(Person.id).limit(1)).one()
        return row.id, row.email, row.organization_id


def test_from_the_invitation_email_to_the_portal_in_arabic(axe_page, live_app, live_server,
                                                           mailbox):
    page = axe_page  # axe-core is injected on the portal's home
    person_id, email, organization_id = _someone_to_invite(live_app)
    sign_in(page, live_server, "officer@demo.crm")  # her language is Arabic
    page.goto(f"{live_server}/people/{person_id}")
    page.select_option("#portal-access select[name=language]", "ar")
    page.locator("#portal-access form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert len(mailbox.messages) == 1
    message = mailbox.messages[0]
    assert message["To"].addresses[0].addr_spec == email
    link = re.search(r"http://\S+/invitation/\S+", message.get_content()).group(0)
    log_out(page)

    page.goto(link.replace("http://127.0.0.1:5000", live_server))
    assert page.locator("html").get_attribute("dir") == "rtl"  # the invitation was in Arabic
    page.fill("#password", "un-mot-de-passe-solide")
    page.fill("#confirm", "un-mot-de-passe-solide")
    page.select_option("#language", "ar")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "/portal/organizations/" in page.content()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "portal-home-ar")

    page.locator(f"a[href='/portal/organizations/{organization_id}/edit']").click()
    page.wait_for_load_state()
    page.fill("#name_arabic", NEW_ARABIC_NAME)
    page.locator("main form button[type=submit]").first.click()  # the documents form follows
    page.wait_for_load_state()
    assert NEW_ARABIC_NAME in page.locator("main").inner_text()

    page.locator("main a[href^='/portal/projects/']").first.click()
    page.wait_for_load_state()
    page.locator("main a[href$='/figures/new']").first.click()
    page.wait_for_load_state()
    page.locator("a[href*='period=last-semester']").click()
    page.wait_for_load_state()
    jobs = page.locator("#indicator_id option", has_text="مناصب الشغل المحدثة").first
    page.select_option("#indicator_id", jobs.get_attribute("value"))
    page.fill("#value", "4")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/figures/new" not in page.url
    assert "مناصب الشغل المحدثة" in page.locator("main").inner_text()
    screenshot(page, "portal-project-ar")
    log_out(page)

    sign_in(page, live_server, "officer@demo.crm")
    changes = page.locator("section[aria-labelledby=portal-changes-title]")
    assert changes.locator(f"a[href='/organizations/{organization_id}']").count() >= 1
    page.goto(f"{live_server}/organizations/{organization_id}")
    assert NEW_ARABIC_NAME in page.locator("main").inner_text()

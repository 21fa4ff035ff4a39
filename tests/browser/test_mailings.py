"""In Arabic: an officer saves a list of people as a segment, writes them an email from it,
sees who is left out and why, and sends it; a local mail server receives it only for the
people who consented; the unsubscribe link in it withdraws the consent without logging in."""

import re
from datetime import date

import pytest

from crm.extensions import db
from crm.people import services as people
from crm.people.models import Person
from crm.privacy import services as privacy
from crm.privacy.models import Consent, ConsentPurpose, ConsentSource
from crm.tags.models import Tag
from tests.browser.conftest import screenshot, serious_accessibility_violations, sign_in
from tests.conftest import mail_settings

SEGMENT = "نشرة منتدى 2026"
TAG = "نشرة-المنتدى"
COMMS = ConsentPurpose.COMMUNICATIONS


@pytest.fixture
def live_config(mailbox):
    return mail_settings(mailbox)


def _people(live_app) -> dict[str, int]:
    """Four people of the newsletter: one consented, one withdrew, one never consented, one
    consented but asked not to be contacted."""
    with live_app.app_context():
        made = {}
        for key, name, extra in (("yes", "حسناء بلقاسم", {"language": "ar"}),
                                 ("withdrew", "رشيد العمراني", {}), ("never", "سعاد الناصري", {}),
                                 ("dnc", "مراد الفاسي", {"do_not_contact": True})):
            person = people.create_person(None, [TAG], name_arabic=name,
                                          email=f"{key}@example.ma", **extra)
            made[key] = person.id
            if key != "never":
                consent = privacy.record_consent(None, person, COMMS, ConsentSource.FORUM,
                                                 date(2026, 10, 17))
                if key == "withdrew":
                    privacy.withdraw_consent(None, consent, date(2026, 11, 2))
        made["tag"] = db.session.scalar(db.select(Tag.id).where(Tag.name == TAG))
        return made


def test_a_mailing_reaches_only_consenting_people_and_unsubscribing_works(
        browser, axe_page, live_app, live_server, mailbox):
    page = axe_page
    made = _people(live_app)
    sign_in(page, live_server, "officer@demo.crm")
    page.goto(f"{live_server}/people?tag={made['tag']}")
    page.locator("summary", has_text="حفظ هذه القائمة كشريحة").click()
    page.fill("#segment-name", SEGMENT)
    page.get_by_role("button", name="حفظ الشريحة").click()
    page.wait_for_load_state()

    page.goto(f"{live_server}/segments")
    page.get_by_role("link", name="كتابة رسالة").click()
    page.wait_for_load_state()
    page.fill("#subject_ar", "دعوة إلى لقاء الممولين، {name}")
    page.fill("#body_ar", "مرحبا {name}،\nندعوكم إلى لقاء الممولين يوم 12 يناير.")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="حفظ المسودة").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "سيتلقاها شخص واحد" in main
    assert "سحب موافقته: 1" in main and "لم يوافق قط على هذا الغرض: 1" in main
    assert "طلب عدم الاتصال به: 1" in main
    assert serious_accessibility_violations(page) == []
    screenshot(page, "mailing-draft-ar")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="إرسال إلى شخص واحد").click()
    page.wait_for_load_state()
    assert "الرسالة في طريقها إلى شخص واحد." in page.locator("main").inner_text()

    received = mailbox.by_recipient()
    assert set(received) == {"yes@example.ma"}
    email = received["yes@example.ma"]
    assert email["Subject"] == "دعوة إلى لقاء الممولين، حسناء بلقاسم"
    link = re.search(r"http://\S+/unsubscribe/[\w-]+", email.get_content()).group(0)

    visitor = browser.new_context(locale="ar-MA")  # the recipient, not logged in
    inbox = visitor.new_page()
    inbox.goto(live_server + link.split("5000", 1)[1])
    assert inbox.locator("html").get_attribute("dir") == "rtl"
    inbox.get_by_role("button", name="إلغاء الاشتراك").click()
    inbox.wait_for_load_state()
    assert "تم: لن تتلقى بعد الآن" in inbox.locator("main").inner_text()
    visitor.close()
    with live_app.app_context():
        active = db.session.scalar(db.select(Consent).where(
            Consent.person_id == made["yes"], Consent.withdrawn_on.is_(None)))
        assert active is None
        assert db.session.get(Person, made["never"]).email == "never@example.ma"

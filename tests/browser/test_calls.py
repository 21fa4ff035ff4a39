"""A call end to end, in Arabic: an applicant files on a phone, with a document; two officers
score the application; one accepts it; the project is on the board with its application."""

import re
from urllib.parse import urlsplit

import pytest

from crm.auth.models import User
from crm.calls.models import Application, Call
from crm.demo.calls import SLUG
from crm.extensions import db
from tests.browser.conftest import log_out, screenshot, serious_accessibility_violations, sign_in
from tests.conftest import mail_settings

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PROJECT = "مطبخ تضامني"


@pytest.fixture
def live_config(mailbox, tmp_path):
    return mail_settings(mailbox) | {"DOCUMENTS_FOLDER": str(tmp_path / "documents")}


def _file_on_a_phone(browser, live_server) -> str:
    context = browser.new_context(locale="ar-MA", viewport={"width": 390, "height": 844},
                                  bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server}/apply/{SLUG}")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.fill("#name_arabic", "فاطمة الزهراء أيت علي")
    page.fill("#email", "fatima.aitali@example.ma")
    page.fill("#phone", "0661234567")
    page.fill("#organization_name_arabic", "جمعية الأمل للتنمية")
    page.select_option("#organization_kind", "association")
    page.select_option("#region", "souss-massa")
    page.fill("#project_name", PROJECT)
    page.get_by_label("ما المشكلة الاجتماعية التي يحلها مشروعكم؟").fill(
        "نساء الدوار بلا دخل قار.")
    page.get_by_label("نموذج أولي").check()
    page.get_by_label("القانون الأساسي أو وصل إيداع المنظمة").set_input_files(
        files=[{"name": "القانون الأساسي.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.locator("#consent").check()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "apply-ar-phone")
    page.get_by_role("button", name="تقديم ترشيحي").click()
    page.wait_for_load_state()
    assert "/apply/application/" in page.url
    assert "قُدّم ترشيحك" in page.locator("main").inner_text()
    assert "القانون الأساسي.pdf" in page.locator("main").inner_text()
    context.close()
    return page.url


def _score(page, live_server, call, application_id, values, check_page=False) -> None:
    page.goto(f"{live_server}/calls/{call['id']}/applications/{application_id}/review")
    if check_page:
        assert serious_accessibility_violations(page) == []
    for criterion_id, value in zip(call["criteria"], values, strict=True):
        page.check(f"input[name=score_{criterion_id}][value='{value}']")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert f"/applications/{application_id}" in page.url and "/review" not in page.url


def test_an_application_in_arabic_is_scored_accepted_and_becomes_a_project(
        browser, axe_page, live_app, live_server, mailbox):
    page = axe_page
    link = _file_on_a_phone(browser, live_server)
    (message,) = mailbox.messages
    assert urlsplit(link).path in message.get_content()  # the private link, by email
    with live_app.app_context():
        call = db.session.scalar(db.select(Call).where(Call.slug == SLUG))
        call_ids = {"id": call.id, "criteria": [c.id for c in call.criteria]}
        application_id = db.session.scalar(db.select(Application.id))
        first = db.session.scalar(db.select(User.id).where(User.email == "officer@demo.crm"))
        second = db.session.scalar(db.select(User.id).where(User.email == "officer2@demo.crm"))

    sign_in(page, live_server, "officer@demo.crm")  # reads Arabic
    page.goto(f"{live_server}/calls/{call_ids['id']}/applications/{application_id}")
    page.select_option("#reviewer_id", str(first))
    page.get_by_role("button", name="إضافة المقيّم").click()
    page.wait_for_load_state()
    page.select_option("#reviewer_id", str(second))
    page.get_by_role("button", name="إضافة المقيّم").click()
    page.wait_for_load_state()
    _score(page, live_server, call_ids, application_id, ["5", "4", "8"], check_page=True)
    log_out(page)

    sign_in(page, live_server, "officer2@demo.crm")
    _score(page, live_server, call_ids, application_id, ["4", "4", "6"])
    assert re.search(r"\d+ / 100", page.locator("#reviews").inner_text())
    log_out(page)

    sign_in(page, live_server, "officer@demo.crm")
    page.goto(f"{live_server}/calls/{call_ids['id']}")
    assert "فاطمة الزهراء أيت علي" in page.locator("#applications").inner_text()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "call-ar")
    page.goto(f"{live_server}/calls/{call_ids['id']}/applications/{application_id}")
    page.get_by_label("قبول: إنشاء المشروع في مرحلة «قدّم ترشيحه»").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="تسجيل القرار").click()
    page.wait_for_load_state()
    assert "سُجّل القرار" in page.locator("main").inner_text()
    page.get_by_role("link", name="فتح المشروع المنشأ من هذا الترشيح").click()
    page.wait_for_load_state()
    assert PROJECT in page.locator("main").inner_text()
    assert "الاحتضان 2027" in page.locator("main").inner_text()  # the call it came from
    screenshot(page, "project-from-application-ar")

    page.goto(f"{live_server}/pipeline?cohort=2027")
    applied = page.locator("#column-applied").locator("xpath=ancestor::section")
    assert PROJECT in applied.inner_text()

"""In Arabic: an officer saves her projects as a segment, finds it on her home, moves two of
them in bulk, then tags the whole segment."""

from crm.auth.models import User
from crm.extensions import db
from crm.projects.models import Project
from crm.tags.models import Tag
from tests.browser.conftest import screenshot, serious_accessibility_violations, sign_in

SEGMENT = "مشاريعي قيد الدراسة"
TAG = "أولوية 2027"


def _her_projects(live_app) -> tuple[int, dict[int, str]]:
    """The officer's id, and the stage of each of her live projects."""
    with live_app.app_context():
        officer = db.session.scalar(db.select(User).where(User.email == "officer@demo.crm"))
        projects = db.session.scalars(db.select(Project).where(
            Project.officer_id == officer.id, Project.archived_at.is_(None)))
        return officer.id, {p.id: p.stage.code for p in projects}


def test_an_officer_saves_a_segment_and_acts_on_it_in_bulk(axe_page, live_app, live_server):
    page = axe_page
    officer_id, stages = _her_projects(live_app)
    ids = sorted(stages)
    assert len(ids) >= 3, "the demo gives the officer several projects"
    sign_in(page, live_server, "officer@demo.crm")
    page.goto(f"{live_server}/projects?officer={officer_id}")
    page.locator("summary", has_text="حفظ هذه القائمة كشريحة").click()
    page.fill("#segment-name", SEGMENT)
    page.get_by_role("button", name="حفظ الشريحة").click()
    page.wait_for_load_state()
    assert "حُفظت الشريحة" in page.locator("main").inner_text()

    page.goto(f"{live_server}/")
    page.get_by_role("link", name=SEGMENT).click()
    page.wait_for_load_state()
    assert f"officer={officer_id}" in page.url
    assert serious_accessibility_violations(page) == []

    first, second = ids[:2]
    target = next(code for code in ("assessed", "applied", "incubated", "contacted")
                  if code not in (stages[first], stages[second]))
    page.locator(f"input[name=project_id][value='{first}']").check()
    page.locator(f"input[name=project_id][value='{second}']").check()
    page.locator("summary", has_text="إجراء على عدة مشاريع").click()
    page.select_option("#action", "move")
    page.get_by_role("button", name="التالي").click()  # the second step: the stage
    page.wait_for_load_state()
    assert serious_accessibility_violations(page) == []
    page.select_option("#stage", target)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="تطبيق").click()
    page.wait_for_load_state()
    assert "/bulk/" in page.url
    screenshot(page, "bulk-move-ar")
    with live_app.app_context():
        moved = {db.session.get(Project, i).stage.code for i in (first, second)}
    assert moved == {target}

    page.goto(f"{live_server}/")
    page.get_by_role("link", name=SEGMENT).click()
    page.wait_for_load_state()
    page.locator("summary", has_text="إجراء على عدة مشاريع").click()
    page.select_option("#scope", "all")
    page.select_option("#action", "tag")
    page.get_by_role("button", name="التالي").click()
    page.wait_for_load_state()
    page.fill("#tag", TAG)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="تطبيق").click()
    page.wait_for_load_state()
    with live_app.app_context():
        tag = db.session.scalar(db.select(Tag).where(Tag.name == TAG))
        tagged = {p.id for p in db.session.scalars(
            db.select(Project).where(Project.tags.any(Tag.id == tag.id)))}
    assert tagged == set(ids)  # the whole segment, as it stands now

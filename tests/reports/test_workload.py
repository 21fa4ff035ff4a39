"""One rule says who may be assigned projects and follow-ups; the pickers and the workload
report follow it (admins included, managers, innovators and deactivated accounts not)."""

import re
from datetime import date, timedelta

from bench import floors
from crm.auth import services as auth
from crm.auth.models import Role
from crm.auth.permissions import can_be_assigned
from crm.followups import services as followups
from crm.projects import services as projects
from crm.reports import activity
from crm.reports.filters import ReportFilters
from tests.factories import make_followup, make_project, make_user


def test_an_admin_with_projects_and_follow_ups_is_in_the_workload_report(app, db):
    admin = make_user(Role.ADMIN, full_name="Admin Amina")
    make_project(officer=admin)
    make_followup(admin, due_on=date.today() - timedelta(days=1))
    rows = {r[0]: r[1:] for r in activity.officer_workload(ReportFilters()).rows}
    assert rows["Admin Amina"] == [1, 1, 1]


def test_the_pickers_offer_who_may_be_assigned(app, db):
    officer, admin = make_user(Role.OFFICER), make_user(Role.ADMIN)
    manager, innovator = make_user(Role.MANAGER), make_user(Role.INNOVATOR)
    gone = make_user(Role.OFFICER, active=False)
    expected = {officer.id, admin.id}
    assert {u.id for u in projects.list_officers()} == expected
    assert {user_id for user_id, _name in projects.officer_choices()} == expected
    assert {u.id for u in followups.assignees()} == expected
    assert [can_be_assigned(u) for u in (officer, admin, manager, innovator, gone)] == [
        True, True, False, False, False]


def _options(page: str, name: str) -> set[str]:
    """The values offered by the <select name=...> of a page (the empty choice left out)."""
    select = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S)
    assert select, name
    return set(re.findall(r'<option[^>]*value="([^"]+)"', select.group(1)))


def test_every_picker_page_offers_officers_and_admins_only(client, login_as):
    officer, admin = make_user(Role.OFFICER), make_user(Role.ADMIN)
    innovator, manager = make_user(Role.INNOVATOR), make_user(Role.MANAGER)
    gone = make_user(Role.OFFICER, active=False)
    project = make_project()
    me = login_as(Role.ADMIN)
    expected = {str(officer.id), str(admin.id), str(me.id)}
    pages = {
        "assign-officer_id": client.get(f"/projects/{project.id}").get_data(as_text=True),
        "assignee_id": client.get(f"/followups/new?project_id={project.id}")
                             .get_data(as_text=True),
        "officer": client.get("/reports/workload").get_data(as_text=True),
    }
    for name, page in pages.items():
        offered = _options(page, name)
        assert offered == expected, name
        assert not offered & {str(innovator.id), str(manager.id), str(gone.id)}, name
    assert {u.id for u in auth.list_assignable_users()} == {officer.id, admin.id, me.id}


def test_the_workload_floor_counts_admins_as_the_report_does(app, db):
    admin = make_user(Role.ADMIN, full_name="Admin Amina")
    make_project(officer=admin)
    make_followup(admin, due_on=date.today() - timedelta(days=1))
    make_user(Role.INNOVATOR)
    table = activity.officer_workload(ReportFilters())
    query, params = floors.statement("workload", db.engine.dialect.name, {})
    rows = db.session.execute(query, params).all()
    assert [r[0] for r in rows] == [admin.email]
    assert floors.compare(table, rows) is None

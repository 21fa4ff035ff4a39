"""One rule says who may be assigned projects and follow-ups; the pickers and the workload
report follow it (admins included, managers, innovators and deactivated accounts not)."""

from datetime import date, timedelta

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

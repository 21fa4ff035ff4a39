"""The filters every report shares, and the projects they select."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms.validators import Optional

from crm.auth.models import Role
from crm.common.flags import has_flag
from crm.common.forms import CrmForm, LeanSelectField
from crm.common.reference import Region, Theme
from crm.extensions import db
from crm.organizations.models import Organization, OrganizationKind
from crm.projects import services as projects
from crm.projects.models import Project


@dataclass(frozen=True)
class ReportFilters:
    start: date | None = None
    end: date | None = None
    region: Region | None = None
    kind: OrganizationKind | None = None
    officer_id: int | None = None
    cohort: str = ""
    theme: Theme | None = None

    @property
    def start_at(self) -> datetime | None:
        return datetime.combine(self.start, time.min) if self.start else None

    @property
    def end_before(self) -> datetime | None:
        """The first instant after the period (the end date is included)."""
        return datetime.combine(self.end + timedelta(days=1), time.min) if self.end else None

    def within(self, column):
        """SQL conditions: a datetime column inside the period."""
        conditions = []
        if self.start:
            conditions.append(column >= self.start_at)
        if self.end:
            conditions.append(column < self.end_before)
        return conditions

    def within_dates(self, column):
        """SQL conditions: a date column inside the period."""
        conditions = []
        if self.start:
            conditions.append(column >= self.start)
        if self.end:
            conditions.append(column <= self.end)
        return conditions


def project_conditions(filters: ReportFilters) -> list:
    """Conditions on `Project` (joined to its organization when region or kind filter)."""
    conditions = [Project.archived_at.is_(None)]
    if filters.officer_id:
        conditions.append(Project.officer_id == filters.officer_id)
    if filters.cohort:
        conditions.append(Project.in_cohort(filters.cohort))
    if filters.theme:
        conditions.append(has_flag(Project.themes, filters.theme))
    if filters.region or filters.kind:
        org = db.select(Organization.id)
        if filters.region:
            org = org.where(Organization.region == filters.region)
        if filters.kind:
            org = org.where(Organization.kind == filters.kind)
        conditions.append(Project.organization_id.in_(org))
    return conditions


def scoped_project_ids(filters: ReportFilters):
    """A subquery of the ids of the projects the filters select."""
    return db.select(Project.id).where(*project_conditions(filters))


def _choices(pairs, everything) -> list[tuple[str, str]]:
    return [("", str(everything))] + [(str(k), str(v)) for k, v in pairs]


class ReportFilterForm(CrmForm):
    """Read from the query string (GET): no CSRF token, nothing changes."""

    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])
    region = LeanSelectField(_l("Region"), validators=[Optional()])
    kind = LeanSelectField(_l("Organization kind"), validators=[Optional()])
    officer = LeanSelectField(_l("Officer"), validators=[Optional()])
    cohort = LeanSelectField(_l("Cohort"), validators=[Optional()])
    theme = LeanSelectField(_l("Theme"), validators=[Optional()])

    def fill_choices(self) -> None:
        self.region.choices = _choices(Region.choices(), _l("Every region"))
        self.kind.choices = _choices(OrganizationKind.choices(), _l("Every kind"))
        self.officer.choices = _choices(projects.officer_choices(), _l("Every officer"))
        self.cohort.choices = _choices([(c, c) for c in projects.list_cohorts()],
                                       _l("Every cohort"))
        self.theme.choices = _choices(Theme.choices(), _l("Every theme"))


def _enum(enum_cls, value: str | None):
    try:
        return enum_cls(value) if value else None
    except ValueError:
        return None


def filters_from(form: ReportFilterForm, user) -> ReportFilters:
    """What the (validated) form asks; an officer only ever sees their own portfolio."""
    valid = form.validate()
    officer = form.officer.data if valid else ""
    filters = ReportFilters(
        start=form.start.data if valid else None,
        end=form.end.data if valid else None,
        region=_enum(Region, form.region.data),
        kind=_enum(OrganizationKind, form.kind.data),
        officer_id=int(officer) if officer and officer.isdigit() else None,
        cohort=form.cohort.data or "" if valid else "",
        theme=_enum(Theme, form.theme.data),
    )
    if user.role == Role.OFFICER:
        filters = replace(filters, officer_id=user.id)
    return filters

"""Forms of the organizations screens: create, edit, merge and members."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from crm.common.forms import CrmForm
from crm.common.reference import Region, Theme, sdg_labels
from crm.organizations.models import MembershipRole, Organization, OrganizationKind
from crm.tags.services import parse_tag_names, tag_names

REQUIRED = _l("This field is required.")
TOO_LONG = _l("At most %(max)d characters.")
# The fields compared with the saved record when a save conflicts.
FIELD_NAMES = ["name", "name_arabic", "kind", "legal_identifier", "founding_year", "region",
               "city", "address", "website", "description", "themes", "sdgs"]


def _kind_choices() -> list[tuple[str, str]]:
    return [("", str(_l("Choose a kind")))] + OrganizationKind.choices()


def _region_choices() -> list[tuple[str, str]]:
    return [("", "—")] + Region.choices()


def _sdg_choices() -> list[tuple[int, str]]:
    return [(number, f"{number}. {label}") for number, label in sdg_labels().items()]


class _OrganizationFields(CrmForm):
    name = StringField(_l("Name"), validators=[Length(max=200, message=TOO_LONG)])
    name_arabic = StringField(_l("Name in Arabic"), validators=[Length(max=200, message=TOO_LONG)])
    kind = SelectField(_l("Kind"), choices=_kind_choices, default="",
                       validators=[DataRequired(REQUIRED)])
    legal_identifier = StringField(_l("Legal identifier"),
                                   validators=[Length(max=60, message=TOO_LONG)])
    founding_year = IntegerField(
        _l("Founding year"),
        validators=[Optional(), NumberRange(1900, 2100, _l(
            "The founding year must be between 1900 and 2100."))],
    )
    region = SelectField(_l("Region"), choices=_region_choices, default="")
    city = StringField(_l("City"), validators=[Length(max=100, message=TOO_LONG)])
    address = StringField(_l("Address"), validators=[Length(max=300, message=TOO_LONG)])
    website = StringField(_l("Website"), validators=[Length(max=300, message=TOO_LONG)])
    description = TextAreaField(_l("Description"), render_kw={"rows": 4})
    themes = SelectMultipleField(_l("Themes"), choices=Theme.choices, render_kw={"size": 7})
    sdgs = SelectMultipleField(_l("SDGs"), choices=_sdg_choices, coerce=int,
                               render_kw={"size": 7})
    tags = StringField(_l("Tags"), validators=[Length(max=500, message=TOO_LONG)])


class OrganizationForm(_OrganizationFields):
    """Creating an organization; `confirm_new` is "1" once the user saw the look-alikes."""

    confirm_new = HiddenField()


class EditOrganizationForm(_OrganizationFields):
    version = HiddenField()


class MemberForm(CrmForm):
    """Adding a person (chosen among search results) to an organization."""

    person_id = IntegerField(_l("Person"), validators=[DataRequired(_l("Choose a person."))])
    role = SelectField(_l("Role"), choices=MembershipRole.choices, default="member")


class MergeOrganizationForm(CrmForm):
    duplicate_id = IntegerField(validators=[DataRequired()])


def organization_data(form: _OrganizationFields) -> dict:
    """The service's keyword arguments from a valid form (tags as `tag_names`)."""
    return {
        "name": form.name.data or "",
        "name_arabic": form.name_arabic.data or "",
        "kind": OrganizationKind(form.kind.data),
        "legal_identifier": form.legal_identifier.data or "",
        "founding_year": form.founding_year.data,
        "region": Region(form.region.data) if form.region.data else None,
        "city": form.city.data or "",
        "address": form.address.data or "",
        "website": form.website.data or "",
        "description": form.description.data or "",
        "themes": {Theme(value) for value in form.themes.data or []},
        "sdgs": set(form.sdgs.data or []),
        "tag_names": parse_tag_names(form.tags.data),
    }


def form_values(organization: Organization) -> dict:
    """What the edit form shows for a saved organization."""
    return {
        "name": organization.name,
        "name_arabic": organization.name_arabic,
        "kind": organization.kind.value,
        "legal_identifier": organization.legal_identifier,
        "founding_year": organization.founding_year,
        "region": organization.region.value if organization.region else "",
        "city": organization.city,
        "address": organization.address,
        "website": organization.website,
        "description": organization.description,
        "themes": [theme.value for theme in Theme if theme in organization.themes],
        "sdgs": sorted(organization.sdgs),
        "tags": tag_names(organization.tags),
        "version": organization.version,
    }

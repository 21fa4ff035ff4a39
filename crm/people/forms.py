"""Forms of the people screens: create, edit, merge and organizations."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from crm.common import phones
from crm.common.forms import CrmForm
from crm.common.reference import Region
from crm.i18n import NATIVE_NAMES
from crm.organizations.models import MembershipRole
from crm.people.models import Gender, Person
from crm.tags.services import parse_tag_names, tag_names

TOO_LONG = _l("At most %(max)d characters.")
# The fields compared with the saved record when a save conflicts.
FIELD_NAMES = ["first_name", "last_name", "name_arabic", "email", "phone", "gender", "city",
               "region", "notes", "language", "do_not_contact"]


def _gender_choices() -> list[tuple[str, str]]:
    return [("", "—")] + Gender.choices()


def _language_choices() -> list[tuple[str, str]]:
    return [("", "—")] + list(NATIVE_NAMES.items())


def _region_choices() -> list[tuple[str, str]]:
    return [("", "—")] + Region.choices()


def valid_phone(form, field) -> None:
    """A Moroccan number by default (06…, 05…), or an international one (+33…)."""
    try:
        phones.to_e164(field.data)
    except ValueError as error:
        raise ValidationError(_l("This phone number is not valid.")) from error


class _PersonFields(CrmForm):
    first_name = StringField(_l("First name"), validators=[Length(max=100, message=TOO_LONG)])
    last_name = StringField(_l("Last name"), validators=[Length(max=100, message=TOO_LONG)])
    name_arabic = StringField(_l("Name in Arabic"),
                              validators=[Length(max=200, message=TOO_LONG)])
    email = EmailField(_l("Email"), validators=[
        Optional(), Length(max=254, message=TOO_LONG),
        Email(_l("This is not a valid email address."))])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40, message=TOO_LONG),
                                                 valid_phone])
    gender = SelectField(_l("Gender"), choices=_gender_choices, default="")
    city = StringField(_l("City"), validators=[Length(max=100, message=TOO_LONG)])
    region = SelectField(_l("Region"), choices=_region_choices, default="")
    language = SelectField(_l("Language of the emails"), choices=_language_choices, default="")
    do_not_contact = BooleanField(_l("Do not contact"))
    tags = StringField(_l("Tags"), validators=[Length(max=500, message=TOO_LONG)])
    notes = TextAreaField(_l("Notes"), render_kw={"rows": 4})


class PersonForm(_PersonFields):
    """Creating a person; `confirm_new` is "1" once the user saw the look-alikes."""

    confirm_new = HiddenField()


class EditPersonForm(_PersonFields):
    version = HiddenField()


class MembershipForm(CrmForm):
    """Adding a person to an organization chosen among search results."""

    organization_id = IntegerField(_l("Organization"),
                                   validators=[DataRequired(_l("Choose an organization."))])
    role = SelectField(_l("Role"), choices=MembershipRole.choices, default="member")


class MergePersonForm(CrmForm):
    duplicate_id = IntegerField(validators=[DataRequired()])


def person_data(form: _PersonFields) -> dict:
    """The service's keyword arguments from a valid form (tags as `tag_names`)."""
    return {
        "first_name": form.first_name.data or "",
        "last_name": form.last_name.data or "",
        "name_arabic": form.name_arabic.data or "",
        "email": form.email.data or "",
        "phone": form.phone.data or "",
        "gender": Gender(form.gender.data) if form.gender.data else None,
        "city": form.city.data or "",
        "region": Region(form.region.data) if form.region.data else None,
        "notes": form.notes.data or "",
        "language": form.language.data or None,
        "do_not_contact": bool(form.do_not_contact.data),
        "tag_names": parse_tag_names(form.tags.data),
    }


def form_values(person: Person) -> dict:
    """What the edit form shows for a saved person (the phone as stored, in E.164)."""
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "name_arabic": person.name_arabic,
        "email": person.email or "",
        "phone": person.phone or "",
        "gender": person.gender.value if person.gender else "",
        "city": person.city,
        "region": person.region.value if person.region else "",
        "notes": person.notes,
        "language": person.language or "",
        "do_not_contact": person.do_not_contact,
        "tags": tag_names(person.tags),
        "version": person.version,
    }

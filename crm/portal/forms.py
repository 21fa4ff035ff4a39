"""The portal's forms: only the fields an innovator may change, nothing else is read."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from crm.common.forms import CrmForm
from crm.common.reference import Region
from crm.people.forms import valid_phone
from crm.people.models import Gender

TOO_LONG = _l("At most %(max)d characters.")


def _strip(value: str | None) -> str:
    return (value or "").strip()


def _choices(enum_cls):
    return lambda: [("", "—")] + enum_cls.choices()


class ProfileForm(CrmForm):
    first_name = StringField(_l("First name"), filters=[_strip],
                             validators=[Length(max=100, message=TOO_LONG)])
    last_name = StringField(_l("Last name"), filters=[_strip],
                            validators=[Length(max=100, message=TOO_LONG)])
    name_arabic = StringField(_l("Name in Arabic"), filters=[_strip],
                              validators=[Length(max=200, message=TOO_LONG)])
    phone = StringField(_l("Phone"), filters=[_strip],
                        validators=[Optional(), Length(max=40, message=TOO_LONG), valid_phone])
    gender = SelectField(_l("Gender"), choices=_choices(Gender), default="")
    city = StringField(_l("City"), filters=[_strip],
                       validators=[Length(max=100, message=TOO_LONG)])
    region = SelectField(_l("Region"), choices=_choices(Region), default="")
    version = HiddenField()


class OrganizationDetailsForm(CrmForm):
    name = StringField(_l("Name"), filters=[_strip],
                       validators=[Length(max=200, message=TOO_LONG)])
    name_arabic = StringField(_l("Name in Arabic"), filters=[_strip],
                              validators=[Length(max=200, message=TOO_LONG)])
    address = StringField(_l("Address"), filters=[_strip],
                          validators=[Length(max=300, message=TOO_LONG)])
    city = StringField(_l("City"), filters=[_strip],
                       validators=[Length(max=100, message=TOO_LONG)])
    website = StringField(_l("Website"), filters=[_strip],
                          validators=[Length(max=300, message=TOO_LONG)])
    description = TextAreaField(_l("Description"), filters=[_strip],
                                validators=[Length(max=5000, message=TOO_LONG)],
                                render_kw={"rows": 5})
    version = HiddenField()


class ProjectDetailsForm(CrmForm):
    name = StringField(_l("Name"), filters=[_strip],
                       validators=[Length(max=200, message=TOO_LONG)])
    name_arabic = StringField(_l("Name in Arabic"), filters=[_strip],
                              validators=[Length(max=200, message=TOO_LONG)])
    description = TextAreaField(_l("Description"), filters=[_strip],
                                validators=[Length(max=5000, message=TOO_LONG)],
                                render_kw={"rows": 5})
    version = HiddenField()


def form_data(form: CrmForm, fields: list[str]) -> dict:
    """The named fields' values, enum choices turned into their members ("" → None)."""
    enums = {"gender": Gender, "region": Region}
    data = {}
    for name in fields:
        value = form[name].data
        data[name] = (enums[name](value) if value else None) if name in enums else value
    return data


def record_values(record, fields: list[str]) -> dict:
    """What a portal form shows for a saved record."""
    values = {"version": record.version}
    for name in fields:
        value = getattr(record, name)
        values[name] = getattr(value, "value", value) if value is not None else ""
    return values

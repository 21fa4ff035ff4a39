"""Forms of the impact domain: the indicator catalog, impact notes, figures and verifying,
targets."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from babel.numbers import get_group_symbol
from flask_babel import format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp
from wtforms.widgets import TextInput

from crm.common.forms import CrmForm
from crm.common.reference import Region, sdg_labels
from crm.impact.models import Visibility

REQUIRED = _l("This field is required.")
NAME_REQUIRED = _l("An indicator needs a name in each language.")
VALID_DATE = _l("Give a valid date.")
# The fields compared with the saved figure when a save is refused as a conflict.
FIELD_NAMES = ["period_start", "period_end", "value", "note"]
TARGET_FIELD_NAMES = ["indicator_id", "year", "value", "cohort", "region", "note"]

# Arabic-Indic and Eastern Arabic-Indic digits, as typed on Arabic keyboards.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_BLANKS = re.compile(r"[\s\u00a0\u202f\u2009'’]")
_LARGEST = Decimal("1000000000000")


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def parse_number(text: str, locale: str) -> Decimal:
    """A number as people type it: "1 234,5", "1,234.50", "1234.5", "١٢٣٤٫٥"."""
    text = _BLANKS.sub("", text.translate(_DIGITS)).replace("٫", ".").replace("٬", ",")
    text = text.replace("−", "-")
    if not re.fullmatch(r"[-+]?\d[\d.,]*", text):
        raise ValueError(text)
    sign, digits = ("-" if text[0] == "-" else ""), text.lstrip("+-")
    if "," in digits and "." in digits:  # the last one marks the decimals
        decimal_mark = "," if digits.rfind(",") > digits.rfind(".") else "."
    elif digits.count(",") + digits.count(".") == 1:
        mark = "," if "," in digits else "."
        # "1,234" is a thousand in English, "1,5" one and a half everywhere.
        thousands = mark == get_group_symbol(locale) and len(digits.split(mark)[1]) == 3
        decimal_mark = "" if thousands else mark
    else:
        decimal_mark = ""
    whole, _, decimals = digits.partition(decimal_mark) if decimal_mark else (digits, "", "")
    if any(mark in decimals for mark in ".,"):
        raise ValueError(text)
    group_mark = {"": None, ",": ".", ".": ","}[decimal_mark]
    groups = re.split(r"[.,]" if group_mark is None else re.escape(group_mark), whole)
    if len(groups) > 1 and not (1 <= len(groups[0]) <= 3 and all(
            len(g) == 3 for g in groups[1:])):
        raise ValueError(text)
    return Decimal(f"{sign}{''.join(groups)}.{decimals or '0'}")


class FigureField(DecimalField):
    """A decimal typed in the user's language (spaces or commas between thousands, comma or
    point before the decimals), at most two decimal places; shown back in that language.
    A text box: a browser's number box would refuse "1 234,5"."""

    widget = TextInput(input_type="text")

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not (valuelist[0] or "").strip():
            self.data = None
            return
        try:
            value = parse_number(valuelist[0].strip(), str(get_locale() or "en"))
        except (ValueError, InvalidOperation, IndexError):
            self.data = None
            raise ValueError(str(_l("Give a number, for example 1 234,5."))) from None
        if not value.is_finite() or abs(value) >= _LARGEST:  # before quantize can overflow
            self.data = None
            raise ValueError(str(_l("This figure is too large.")))
        if value != value.quantize(Decimal("0.01")):
            self.data = None
            raise ValueError(str(_l("Give at most two decimal places.")))
        self.data = value.quantize(Decimal("0.01"))

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format_decimal(self.data, format="#,##0.##")


def _sdg_choices() -> list[tuple[int, str]]:
    return [(number, f"{number}. {label}") for number, label in sdg_labels().items()]


class IndicatorForm(CrmForm):
    """An indicator of the catalog: names in the three languages, unit, SDGs, references."""

    name_ar = StringField(_l("Name in Arabic"), filters=[_strip],
                          validators=[DataRequired(NAME_REQUIRED), Length(max=120)])
    name_fr = StringField(_l("Name in French"), filters=[_strip],
                          validators=[DataRequired(NAME_REQUIRED), Length(max=120)])
    name_en = StringField(_l("Name in English"), filters=[_strip],
                          validators=[DataRequired(NAME_REQUIRED), Length(max=120)])
    unit = StringField(_l("Unit"), filters=[_strip],
                       validators=[DataRequired(REQUIRED), Length(max=30)])
    sdgs = SelectMultipleField(_l("Sustainable Development Goals"), choices=_sdg_choices,
                               coerce=int)
    standard_reference = StringField(_l("Reference of a standard metric (IRIS+ code)"),
                                     filters=[_strip], validators=[Length(max=60)])
    part_of_id = SelectField(_l("Part of (\"of which\")"), choices=[])
    position = IntegerField(
        _l("Position"), default=0,
        validators=[InputRequired(_l("Give a whole number.")),
                    NumberRange(min=0, max=100000, message=_l("Give a whole number."))])
    active = BooleanField(_l("In use"), default=True)
    adds_up = BooleanField(_l("The figures of successive periods add up"), default=True)


class NewIndicatorForm(IndicatorForm):
    code = StringField(
        _l("Code"),
        filters=[lambda v: v.strip().lower() if isinstance(v, str) else v],
        validators=[DataRequired(REQUIRED), Length(max=40),
                    Regexp(r"^[a-z][a-z0-9_-]*$",
                           message=_l("Use lower-case Latin letters, digits, - and _."))],
    )


class NoteForm(CrmForm):
    """A dated narrative note on a project or an organization."""

    written_on = DateField(_l("Date"), default=date.today,
                           validators=[DataRequired(VALID_DATE)])
    body = TextAreaField(_l("Note"), filters=[_strip],
                         validators=[DataRequired(_l("Write the note.")), Length(max=10000)])
    visibility = RadioField(_l("Who may read it"), choices=Visibility.choices,
                            default=Visibility.INTERNAL.value)


class _FigureFields(CrmForm):
    period_start = DateField(_l("Period start"), validators=[DataRequired(VALID_DATE)])
    period_end = DateField(_l("Period end"), validators=[DataRequired(VALID_DATE)])
    value = FigureField(_l("Value"), validators=[InputRequired(_l("Give the figure."))])
    note = TextAreaField(_l("Note"), filters=[_strip], validators=[Length(max=2000)])


class MeasurementForm(_FigureFields):
    """Recording a figure for an indicator and a period."""

    indicator_id = SelectField(_l("Indicator"), choices=[],
                               validators=[DataRequired(_l("Choose an indicator."))])


class EditMeasurementForm(_FigureFields):
    """Correcting a figure: its period, value and note (the indicator stays)."""

    version = HiddenField()


class VerifyMeasurementForm(CrmForm):
    """The verify button: carries the version the officer read."""

    version = HiddenField()


def _region_choices() -> list[tuple[str, str]]:
    return [("", str(_l("Every region")))] + Region.choices()


class TargetForm(CrmForm):
    """A target: an indicator's value to reach in a year, for a cohort and a region or all."""

    indicator_id = SelectField(_l("Indicator"), choices=[],
                               validators=[DataRequired(_l("Choose an indicator."))])
    year = IntegerField(_l("Year"), default=lambda: date.today().year,
                        validators=[InputRequired(_l("Give a year.")),
                                    NumberRange(min=2000, max=2100,
                                                message=_l("Give a year between 2000 and 2100."))])
    # a text box: a number input would refuse "1 234,5" in the browser
    value = FigureField(_l("Target"), validators=[InputRequired(_l("Give the target."))],
                        widget=TextInput(), render_kw={"inputmode": "decimal",
                                                       "autocomplete": "off"})
    cohort = StringField(_l("Cohort"), filters=[_strip], validators=[Length(max=40)],
                         render_kw={"list": "target-cohorts", "autocomplete": "off"})
    region = SelectField(_l("Region"), choices=_region_choices, default="")
    note = StringField(_l("Note"), filters=[_strip], validators=[Length(max=300)])
    version = HiddenField()

"""Forms of the funding screens: funders, opportunities, campaigns and their updates."""

import re
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import TextInput

from crm.common.forms import AMOUNT_MAX, CrmForm
from crm.common.money import CENT
from crm.funding.models import FunderKind, FundingOpportunity, Instrument, OpportunityStatus

REQUIRED = _l("This field is required.")
TOO_LONG = _l("At most %(max)d characters.")
VALID_DATE = _l("Give a valid date.")
VALID_AMOUNT = _l("Give an amount in dirhams, for example 1 234,50.")
# The fields compared with the saved record when a save is refused as a conflict.
FUNDER_FIELD_NAMES = ["name", "name_arabic", "kind", "organization_id", "website", "notes"]
OPPORTUNITY_FIELD_NAMES = ["funder_id", "instrument", "status", "amount_requested",
                           "amount_committed", "amount_disbursed", "applied_on", "committed_on",
                           "disbursed_on", "declined_on", "decline_reason", "officer_id",
                           "notes"]
AMOUNT_NAMES = ("amount_requested", "amount_committed", "amount_disbursed")

_EASTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def normalise_amount(text: str) -> str:
    """An amount as typed in any of the three languages ("1 234,50", "1,234.50", "١٢٣٤٫٥")
    rewritten with no grouping and a decimal point ("1234.50"); what cannot be read is
    returned unchanged, for the field to refuse it."""
    cleaned = text.translate(_EASTERN_DIGITS).replace("\u066b", ".").replace("\u066c", "")
    cleaned = re.sub(r"\s", "", cleaned).replace("\u2212", "-")  # \s covers (narrow) NBSP
    sign = cleaned[:1] if cleaned[:1] in ("+", "-") else ""
    digits = cleaned[len(sign):]
    if "," in digits and "." in digits:  # the last separator is the decimal one
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
    elif digits.count(",") == 1 or digits.count(".") == 1:
        decimal = "," if "," in digits else "."
    else:
        decimal = None  # no separator, or the same one repeated: grouping only
    integer, fraction = digits.rsplit(decimal, 1) if decimal else (digits, None)
    grouping = {",", "."} & set(integer)
    if grouping:
        mark = grouping.pop()
        if grouping or not re.fullmatch(rf"\d{{1,3}}(\{mark}\d{{3}})+", integer):
            return text
        integer = integer.replace(mark, "")
    return sign + integer + (f".{fraction}" if fraction is not None else "")


class MoneyField(DecimalField):
    """An amount in MAD, typed freely (spaces, decimal comma), kept as typed when invalid."""

    widget = TextInput()
    is_money = True  # capped with a message naming the currency (crm.common.forms)

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, places=2, invalid_value_message=VALID_AMOUNT,
                         **kwargs)

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return
        text = normalise_amount(valuelist[0])
        if not _PLAIN_NUMBER.fullmatch(text):
            raise ValueError(VALID_AMOUNT)
        amount = Decimal(text)
        if amount.as_tuple().exponent < -2:
            raise ValueError(_l("At most two decimals (centimes)."))
        # far too large an amount is left as typed for the cap's message (quantize would fail)
        self.data = amount.quantize(CENT) if abs(amount) < AMOUNT_MAX * 1000 else amount


# -- funders -------------------------------------------------------------------------------

def _kind_choices() -> list[tuple[str, str]]:
    return [("", str(_l("Choose a kind")))] + FunderKind.choices()


class FunderForm(CrmForm):
    """Creating a funder; the organization is chosen among search results, or none."""

    name = StringField(_l("Name"), filters=[_strip],
                       validators=[Length(max=200, message=TOO_LONG)])
    name_arabic = StringField(_l("Name in Arabic"), filters=[_strip],
                              validators=[Length(max=200, message=TOO_LONG)])
    kind = SelectField(_l("Kind"), choices=_kind_choices, default="",
                       validators=[DataRequired(REQUIRED)])
    organization_id = RadioField(_l("Linked organization"), choices=[], default="")
    organization_q = StringField(_l("Find an organization by name"), filters=[_strip],
                                 validators=[Length(max=200, message=TOO_LONG)])
    website = StringField(_l("Website"), filters=[_strip],
                          validators=[Length(max=300, message=TOO_LONG)])
    notes = TextAreaField(_l("Notes"), filters=[_strip], render_kw={"rows": 4})


class EditFunderForm(FunderForm):
    version = HiddenField()


class FunderContactForm(CrmForm):
    """Adding a person (chosen among search results) to a funder's contacts."""

    person_id = IntegerField(_l("Person"), validators=[DataRequired(_l("Choose a person."))])


def funder_data(form: FunderForm) -> dict:
    """The service's keyword arguments from a valid funder form."""
    return {
        "name": form.name.data or "",
        "name_arabic": form.name_arabic.data or "",
        "kind": FunderKind(form.kind.data),
        "organization_id": int(form.organization_id.data) if form.organization_id.data else None,
        "website": form.website.data or "",
        "notes": form.notes.data or "",
    }


def funder_values(funder) -> dict:
    """What the edit form shows for a saved funder."""
    return {"name": funder.name, "name_arabic": funder.name_arabic, "kind": funder.kind.value,
            "organization_id": str(funder.organization_id or ""), "website": funder.website,
            "notes": funder.notes, "version": funder.version}


# -- opportunities -------------------------------------------------------------------------

def _date_field(label) -> DateField:
    return DateField(label, validators=[Optional()], invalid_value_message=VALID_DATE)


class OpportunityForm(CrmForm):
    """Creating a funding opportunity; the choices of funder and officer are set by the view."""

    funder_id = SelectField(_l("Funder"), choices=[], validators=[DataRequired(
        _l("Choose a funder."))])
    instrument = SelectField(_l("Instrument"), choices=Instrument.choices,
                             validators=[DataRequired(REQUIRED)])
    status = SelectField(_l("Status"), choices=OpportunityStatus.choices, default="prospect")
    amount_requested = MoneyField(_l("Amount requested (MAD)"))
    amount_committed = MoneyField(_l("Amount committed (MAD)"))
    amount_disbursed = MoneyField(_l("Amount disbursed (MAD)"))
    confirm_over_request = BooleanField(_l(
        "Yes, the amount committed is above the amount requested"))
    applied_on = _date_field(_l("Applied on"))
    committed_on = _date_field(_l("Committed on"))
    disbursed_on = _date_field(_l("Disbursed on"))
    declined_on = _date_field(_l("Declined on"))
    decline_reason = TextAreaField(_l("Reason it was declined"), filters=[_strip],
                                   validators=[Length(max=2000, message=TOO_LONG)],
                                   render_kw={"rows": 2})
    officer_id = SelectField(_l("Officer in charge"), choices=[])
    notes = TextAreaField(_l("Notes"), filters=[_strip], render_kw={"rows": 4})

    def is_over_request(self) -> bool:
        """True when the typed committed amount is above the requested one."""
        requested, committed = self.amount_requested.data, self.amount_committed.data
        return committed is not None and committed > (requested or 0)


class EditOpportunityForm(OpportunityForm):
    version = HiddenField()


def opportunity_data(form: OpportunityForm) -> dict:
    """The service's keyword arguments from a valid opportunity form."""
    data = {name: form[name].data for name in OPPORTUNITY_FIELD_NAMES}
    data["funder_id"] = int(form.funder_id.data)
    data["officer_id"] = int(form.officer_id.data) if form.officer_id.data else None
    for name in AMOUNT_NAMES:
        data[name] = data[name] if data[name] is not None else Decimal("0")
    data["decline_reason"] = data["decline_reason"] or ""
    data["notes"] = data["notes"] or ""
    data["confirm_over_request"] = bool(form.confirm_over_request.data)
    return data


def opportunity_values(opportunity: FundingOpportunity) -> dict:
    """What the edit form shows for a saved opportunity."""
    values = {name: getattr(opportunity, name) for name in OPPORTUNITY_FIELD_NAMES}
    values["funder_id"] = str(opportunity.funder_id)
    values["officer_id"] = str(opportunity.officer_id or "")
    values["instrument"] = opportunity.instrument.value
    values["status"] = opportunity.status.value
    values["confirm_over_request"] = (opportunity.amount_committed
                                      > opportunity.amount_requested)
    values["version"] = opportunity.version
    return values


# -- crowdfunding --------------------------------------------------------------------------

class CampaignForm(CrmForm):
    """Opening the crowdfunding campaign of an opportunity."""

    goal = MoneyField(_l("Goal (MAD)"), validators=[InputRequired(REQUIRED)])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired(VALID_DATE)],
                          invalid_value_message=VALID_DATE)
    ends_on = DateField(_l("Ends on"), validators=[DataRequired(VALID_DATE)],
                        invalid_value_message=VALID_DATE)
    url = StringField(_l("Address of the campaign page"), filters=[_strip],
                      validators=[Length(max=300, message=TOO_LONG)])


class CampaignUpdateForm(CrmForm):
    """Where a campaign stands on a day: the amount raised and the number of backers."""

    on = DateField(_l("Date"), default=date.today, validators=[DataRequired(VALID_DATE)],
                   invalid_value_message=VALID_DATE)
    raised = MoneyField(_l("Amount raised (MAD)"), validators=[InputRequired(REQUIRED)])
    backers = IntegerField(_l("Number of backers"), default=0, validators=[Optional()],
                           invalid_value_message=_l("Give a whole number."))

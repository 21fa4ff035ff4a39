"""Forms of calls for applications: the call, its questions, and the public application form
built from the call's questions."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from crm.calls.models import Call, CallQuestion, QuestionKind
from crm.common.forms import CrmForm
from crm.common.reference import Region
from crm.documents.files import ACCEPT
from crm.i18n import NATIVE_NAMES
from crm.organizations.models import OrganizationKind
from crm.people.forms import valid_phone

REQUIRED = _l("This field is required.")
TOO_LONG = _l("At most %(max)d characters.")
VALID_DATE = _l("Give a valid date.")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _text(label, max_length: int, area: bool = False):
    field = TextAreaField if area else StringField
    return field(label, filters=[_strip], validators=[Length(max=max_length, message=TOO_LONG)])


class CallForm(CrmForm):
    """A call: its texts in three languages, its dates and the cohort it feeds."""

    title_ar = _text(_l("Title in Arabic"), 200)
    title_fr = _text(_l("Title in French"), 200)
    title_en = _text(_l("Title in English"), 200)
    text_ar = _text(_l("Presentation in Arabic"), 10000, area=True)
    text_fr = _text(_l("Presentation in French"), 10000, area=True)
    text_en = _text(_l("Presentation in English"), 10000, area=True)
    eligibility_ar = _text(_l("Who may apply, in Arabic"), 5000, area=True)
    eligibility_fr = _text(_l("Who may apply, in French"), 5000, area=True)
    eligibility_en = _text(_l("Who may apply, in English"), 5000, area=True)
    opens_on = DateField(_l("Opens on"), validators=[DataRequired(VALID_DATE)])
    closes_on = DateField(_l("Closes on (the last day applications are received)"),
                          validators=[DataRequired(VALID_DATE)])
    forum_id = SelectField(_l("Forum edition"), choices=[], validate_choice=True)
    cohort = _text(_l("Cohort (when it is not a forum edition)"), 40)
    version = HiddenField()

    def data_for_service(self) -> dict:
        data = {name: field.data for name, field in self._fields.items()
                if name not in ("csrf_token", "version")}
        data["forum_id"] = int(data["forum_id"]) if data["forum_id"] else None
        data["cohort"] = data["cohort"] or ""
        return data


class QuestionForm(CrmForm):
    """A question of the application form, in three languages."""

    kind = SelectField(_l("Kind of answer"), choices=QuestionKind.choices, default="short-text")
    required = BooleanField(_l("An answer is required"))
    label_ar = _text(_l("Question in Arabic"), 300)
    label_fr = _text(_l("Question in French"), 300)
    label_en = _text(_l("Question in English"), 300)
    choices_ar = _text(_l("Options in Arabic, one a line"), 3000, area=True)
    choices_fr = _text(_l("Options in French, one a line"), 3000, area=True)
    choices_en = _text(_l("Options in English, one a line"), 3000, area=True)


def _region_choices():
    return [("", "—")] + Region.choices()


def _kind_choices():
    return [("", _l("Choose the kind"))] + OrganizationKind.choices()


class ApplicantForm(CrmForm):
    """Who applies, for which organization and project (the same fields on every call)."""

    first_name = _text(_l("First name"), 100)
    last_name = _text(_l("Last name"), 100)
    name_arabic = _text(_l("Full name in Arabic"), 200)
    email = EmailField(_l("Email"), filters=[_strip], validators=[
        DataRequired(REQUIRED), Length(max=254, message=TOO_LONG),
        Email(_l("This is not a valid email address."))])
    phone = StringField(_l("Phone"), filters=[_strip], validators=[
        Optional(), Length(max=40, message=TOO_LONG), valid_phone])
    organization_name = _text(_l("Name of the organization"), 200)
    organization_name_arabic = _text(_l("Name of the organization in Arabic"), 200)
    organization_kind = SelectField(_l("Kind of organization"), choices=_kind_choices,
                                    validators=[DataRequired(REQUIRED)])
    region = SelectField(_l("Region"), choices=_region_choices)
    legal_identifier = _text(_l("Legal identifier (registration number, ICE)"), 60)
    project_name = StringField(_l("Name of the project"), filters=[_strip], validators=[
        DataRequired(REQUIRED), Length(max=200, message=TOO_LONG)])
    # Hidden from people (and from screen readers); robots fill it in.
    website = StringField(_l("Leave this field empty"))
    version = HiddenField()

    def validate_last_name(self, field) -> None:
        if not (self.first_name.data or field.data or self.name_arabic.data):
            raise ValidationError(_l("Give your name in Latin or Arabic letters."))

    def validate_organization_name(self, field) -> None:
        if not (field.data or self.organization_name_arabic.data):
            raise ValidationError(_l("Give the organization's name in Latin or Arabic letters."))

    def details(self) -> dict:
        """The applicant's details as the service takes them."""
        from crm.common import phones

        return {
            "first_name": self.first_name.data or "", "last_name": self.last_name.data or "",
            "name_arabic": self.name_arabic.data or "", "email": self.email.data.lower(),
            "phone": phones.to_e164(self.phone.data),
            "organization_name": self.organization_name.data or "",
            "organization_name_arabic": self.organization_name_arabic.data or "",
            "organization_kind": OrganizationKind(self.organization_kind.data),
            "region": Region(self.region.data) if self.region.data else None,
            "legal_identifier": self.legal_identifier.data or "",
            "project_name": self.project_name.data or "",
        }


def _answer_field(question: CallQuestion, has_file: bool):
    """The form field that asks `question`; a file already sent answers a required file
    question until another replaces it."""
    required = [InputRequired(REQUIRED)] if question.required else [Optional()]
    label = question.label
    if question.kind == QuestionKind.FILE:
        needed = question.required and not has_file
        return FileField(label, validators=[FileRequired(REQUIRED)] if needed else [],
                         render_kw={"accept": ACCEPT})
    if question.kind == QuestionKind.SHORT_TEXT:
        return StringField(label, filters=[_strip],
                           validators=required + [Length(max=300, message=TOO_LONG)])
    if question.kind == QuestionKind.LONG_TEXT:
        return TextAreaField(label, filters=[_strip],
                             validators=required + [Length(max=5000, message=TOO_LONG)])
    if question.kind == QuestionKind.CHOICE:
        choices = [SelectChoice(str(number), option)
                   for number, option in enumerate(question.options(), start=1)]
        return RadioField(label, choices=choices, validators=required)
    if question.kind == QuestionKind.NUMBER:
        return DecimalField(label, validators=required,
                            render_kw={"inputmode": "decimal", "dir": "ltr"})
    if question.kind == QuestionKind.DATE:
        return DateField(label, validators=required if question.required else [Optional()])
    return None


def answer_name(question: CallQuestion) -> str:
    return f"answer_{question.id}"


def application_form(call: Call, *, with_consent: bool, answered_files=frozenset(),
                     **kwargs) -> ApplicantForm:
    """The public form of `call`: the applicant's details, one field a question and, when
    filing, the privacy notice to accept. `answered_files`: the file questions that already
    have a file."""

    class Form(ApplicantForm):
        pass

    for question in call.questions:
        field = _answer_field(question, question.id in answered_files)
        if field is not None:
            setattr(Form, answer_name(question), field)
    if with_consent:
        Form.consent = BooleanField(
            _l("I have read the privacy notice and agree that the foundation keeps these "
               "details to study my application and follow up on it."),
            validators=[DataRequired(_l("Accept the privacy notice to file your "
                                        "application."))])
    return Form(**kwargs)


def answers_of(form: ApplicantForm, call: Call) -> dict[int, str]:
    """{question id: the answer as stored text}."""
    answers = {}
    for question in call.questions:
        name = answer_name(question)
        if name not in form or question.kind == QuestionKind.FILE:
            continue
        value = form[name].data
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        answers[question.id] = "" if value is None else str(value)
    return answers


def uploads_of(form: ApplicantForm, call: Call) -> dict:
    """{question id: the file sent} for the file questions that received one."""
    uploads = {}
    for question in call.questions:
        name = answer_name(question)
        if question.kind == QuestionKind.FILE and name in form and form[name].data:
            uploads[question.id] = form[name].data
    return uploads


def answers_as_data(application) -> dict:
    """The saved answers in the shape `application_form(data=...)` fills the form from."""
    from datetime import date
    from decimal import Decimal, InvalidOperation

    data = {}
    for answer in application.answers:
        kind, value = answer.question.kind, answer.value
        if kind == QuestionKind.FILE:
            continue
        if kind == QuestionKind.DATE and value:
            value = date.fromisoformat(value)
        elif kind == QuestionKind.NUMBER and value:
            try:
                value = Decimal(value)
            except InvalidOperation:
                value = None
        data[answer_name(answer.question)] = value
    return data


class CriterionForm(CrmForm):
    """A criterion of the rubric, named and described in three languages."""

    label_ar = _text(_l("Criterion in Arabic"), 200)
    label_fr = _text(_l("Criterion in French"), 200)
    label_en = _text(_l("Criterion in English"), 200)
    description_ar = _text(_l("What reviewers look at, in Arabic"), 2000, area=True)
    description_fr = _text(_l("What reviewers look at, in French"), 2000, area=True)
    description_en = _text(_l("What reviewers look at, in English"), 2000, area=True)
    weight = IntegerField(_l("Weight (1 to 10)"), default=1, validators=[
        InputRequired(REQUIRED),
        NumberRange(min=1, max=10, message=_l("A whole number from 1 to 10."))])
    scale_max = SelectField(_l("Scale"), default="5", choices=lambda: [
        ("5", _l("From 1 to 5")), ("10", _l("From 0 to 10"))])


class ReviewerForm(CrmForm):
    reviewer_id = SelectField(_l("Reviewer"), choices=[],
                              validators=[DataRequired(_l("Choose a reviewer."))])


class ReviewForm(CrmForm):
    comment = TextAreaField(_l("Comment"), filters=[_strip],
                            validators=[Length(max=5000, message=TOO_LONG)])
    conflict = BooleanField(_l("I declare a conflict of interest: I know the applicant or "
                               "the organization, and I do not score this application."))


def score_name(criterion) -> str:
    return f"score_{criterion.id}"


def review_form(criteria, **kwargs) -> ReviewForm:
    """One choice a criterion, on its scale; required unless a conflict is declared."""

    class Form(ReviewForm):
        pass

    for criterion in criteria:
        choices = [SelectChoice(str(v), str(v))
                   for v in range(criterion.scale_min, criterion.scale_max + 1)]
        setattr(Form, score_name(criterion), RadioField(criterion.label, choices=choices,
                                                        validators=[Optional()]))
    return Form(**kwargs)


DECISIONS = ("accept", "waitlist", "reject")


def _decision_choices():
    return [SelectChoice("accept", _l("Accept: create the project at stage “applied”")),
            SelectChoice("waitlist", _l("Put on the waiting list")),
            SelectChoice("reject", _l("Reject"))]


class DecisionForm(CrmForm):
    decision = RadioField(_l("Decision"), choices=_decision_choices,
                          validators=[DataRequired(_l("Choose a decision."))])
    reason = TextAreaField(_l("Reason (required to reject; sent to the applicant if you "
                              "tell them)"), filters=[_strip],
                           validators=[Length(max=2000, message=TOO_LONG)])
    notify = BooleanField(_l("Tell the applicant of the rejection by email, in their "
                             "language"))


def _language_choices():
    return list(NATIVE_NAMES.items())


class InviteReviewerForm(CrmForm):
    """An external reviewer: who, and the language of their account and emails."""

    full_name = StringField(_l("Full name"), filters=[_strip], validators=[
        DataRequired(REQUIRED), Length(max=200, message=TOO_LONG)])
    email = EmailField(_l("Email"), filters=[_strip], validators=[
        DataRequired(REQUIRED), Length(max=254, message=TOO_LONG),
        Email(_l("This is not a valid email address."))])
    language = SelectField(_l("Language"), choices=_language_choices, default="fr")

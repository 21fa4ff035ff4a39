"""Writing a mailing: what it is about (the consent it needs) and its text in each language."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from crm.common.forms import CrmForm
from crm.mailings.models import LANGUAGES
from crm.privacy.models import ConsentPurpose

TOO_LONG = _l("At most %(max)d characters.")
SUBJECT = Length(max=200, message=TOO_LONG)
BODY = Length(max=20000, message=TOO_LONG)


class MailingForm(CrmForm):
    purpose = SelectField(_l("What it is about"), choices=ConsentPurpose.choices,
                          default=ConsentPurpose.COMMUNICATIONS.value)
    subject_ar = StringField(_l("Subject in Arabic"), validators=[SUBJECT])
    body_ar = TextAreaField(_l("Text in Arabic"), validators=[BODY], render_kw={"rows": 8})
    subject_fr = StringField(_l("Subject in French"), validators=[SUBJECT])
    body_fr = TextAreaField(_l("Text in French"), validators=[BODY], render_kw={"rows": 8})
    subject_en = StringField(_l("Subject in English"), validators=[SUBJECT])
    body_en = TextAreaField(_l("Text in English"), validators=[BODY], render_kw={"rows": 8})
    query = HiddenField()  # the people list it goes to, as its URL carries it
    segment_id = HiddenField()


def mailing_data(form: MailingForm) -> dict:
    data = {"purpose": form.purpose.data}
    for lang in LANGUAGES:
        data[f"subject_{lang}"] = form[f"subject_{lang}"].data or ""
        data[f"body_{lang}"] = form[f"body_{lang}"].data or ""
    return data

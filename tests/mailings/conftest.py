"""The people of a forum's newsletter, for the mailing tests."""

from datetime import date

import pytest

from crm.extensions import db
from crm.mailings.models import Mailing
from crm.privacy import services as privacy
from crm.privacy.models import ConsentPurpose, ConsentSource
from tests.factories import make_person

COMMS = ConsentPurpose.COMMUNICATIONS
TEXTS = {"purpose": "communications",
         "subject_fr": "Invitation au forum, {name}", "body_fr": "Bonjour {name},\nVenez !",
         "subject_ar": "دعوة إلى المنتدى", "body_ar": "مرحبا {name}"}


def _consent(person, purpose=COMMS, withdrawn=False):
    consent = privacy.record_consent(None, person, purpose, ConsentSource.FORUM,
                                     date(2026, 1, 10))
    if withdrawn:
        privacy.withdraw_consent(None, consent, date(2026, 2, 1))
    return consent


@pytest.fixture
def forum_list():
    """People of one city: two may receive a mailing, five may not, each for a reason."""
    city = "Tiznit"
    amina = make_person(first_name="Amina", last_name="Idrissi", email="amina@example.org",
                        city=city, language="fr")
    karim = make_person(first_name="Karim", last_name="Tazi", name_arabic="كريم التازي",
                        email="karim@example.org", city=city, language="ar")
    others = {
        "withdrew": make_person(email="withdrew@example.org", city=city),
        "never": make_person(email="never@example.org", city=city),
        "dnc": make_person(email="dnc@example.org", city=city, do_not_contact=True),
        "no_email": make_person(city=city),
        "twin": make_person(email="AMINA@example.org", city=city),
        "media_only": make_person(email="media@example.org", city=city),
    }
    for person in (amina, karim, others["dnc"], others["no_email"], others["twin"]):
        _consent(person)
    _consent(others["withdrew"], withdrawn=True)
    _consent(others["media_only"], ConsentPurpose.MEDIA)
    make_person(email="elsewhere@example.org", city="Agadir")  # not on the list
    return {"amina": amina, "karim": karim, **others, "query": f"q={city}"}


def draft(client, query, **texts):
    response = client.post("/mailings/new", data={**TEXTS, **texts, "query": query})
    assert response.status_code == 302, response.text
    return db.session.scalar(db.select(Mailing).order_by(Mailing.id.desc()))



"""Moroccan cities in the reader's language.

A city is stored as it was typed ("Fès", "fes", "فاس"). The main cities are known here by
their English name, translated by the catalogs like any other text, so an Arabic page shows
"فاس" and a French one "Fès" whatever the spelling stored; any other city is shown as typed."""

from flask_babel import gettext

from crm.common.text import fold


def N_(message: str) -> str:
    """Marks a message for the catalogs; it is translated where it is shown."""
    return message


# English name, then the other spellings people type (French, Arabic, transliterations).
_CITIES = [
    (N_("Casablanca"), ["Casa", "Dar el Beida", "الدار البيضاء", "الدارالبيضاء"]),
    (N_("Rabat"), ["الرباط"]),
    (N_("Marrakesh"), ["Marrakech", "مراكش"]),
    (N_("Fez"), ["Fès", "Fes", "فاس"]),
    (N_("Tangier"), ["Tanger", "Tangiers", "طنجة"]),
    (N_("Agadir"), ["أكادير", "اكادير"]),
    (N_("Oujda"), ["وجدة"]),
    (N_("Ouarzazate"), ["ورزازات"]),
    (N_("Laayoune"), ["Laâyoune", "El Aaiún", "العيون"]),
    (N_("Tetouan"), ["Tétouan", "تطوان"]),
    (N_("Tiznit"), ["تيزنيت"]),
    (N_("Taroudant"), ["تارودانت"]),
    (N_("Settat"), ["سطات"]),
    (N_("Sale"), ["Salé", "سلا"]),
    (N_("Safi"), ["آسفي", "اسفي"]),
    (N_("Nador"), ["الناظور"]),
    (N_("Meknes"), ["Meknès", "مكناس"]),
    (N_("Kenitra"), ["Kénitra", "القنيطرة"]),
    (N_("Guelmim"), ["كلميم"]),
    (N_("Essaouira"), ["الصويرة"]),
    (N_("Errachidia"), ["الرشيدية"]),
    (N_("El Jadida"), ["الجديدة"]),
    (N_("Dakhla"), ["الداخلة"]),
    (N_("Beni Mellal"), ["Béni Mellal", "بني ملال"]),
    (N_("Al Hoceima"), ["Al Hoceïma", "Al-Hoceima", "الحسيمة"]),
    (N_("Temara"), ["Témara", "تمارة"]),
    (N_("Larache"), ["العرائش"]),
    (N_("Khouribga"), ["خريبكة"]),
    (N_("Ifrane"), ["إفران", "افران"]),
    (N_("Mohammedia"), ["المحمدية"]),
    (N_("Chefchaouen"), ["Chaouen", "شفشاون"]),
]
_BY_KEY = {fold(spelling): english for english, spellings in _CITIES
           for spelling in [english, *spellings]}


def city_label(city: str | None) -> str:
    """The city in the reader's language when it is a known one, else as it was typed."""
    english = _BY_KEY.get(fold((city or "").strip()))
    return gettext(english) if english is not None else (city or "")

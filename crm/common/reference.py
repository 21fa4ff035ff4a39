"""Reference lists shared by several domains: Morocco's regions, themes and the SDGs."""

from flask_babel import lazy_gettext as _l

from crm.common.enums import LabelledEnum


class Region(LabelledEnum):
    """The 12 regions of Morocco (2015 division)."""

    TANGER_TETOUAN_AL_HOCEIMA = "tanger-tetouan-al-hoceima"
    ORIENTAL = "oriental"
    FES_MEKNES = "fes-meknes"
    RABAT_SALE_KENITRA = "rabat-sale-kenitra"
    BENI_MELLAL_KHENIFRA = "beni-mellal-khenifra"
    CASABLANCA_SETTAT = "casablanca-settat"
    MARRAKECH_SAFI = "marrakech-safi"
    DRAA_TAFILALET = "draa-tafilalet"
    SOUSS_MASSA = "souss-massa"
    GUELMIM_OUED_NOUN = "guelmim-oued-noun"
    LAAYOUNE_SAKIA_EL_HAMRA = "laayoune-sakia-el-hamra"
    DAKHLA_OUED_ED_DAHAB = "dakhla-oued-ed-dahab"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.TANGER_TETOUAN_AL_HOCEIMA: _l("Tangier-Tetouan-Al Hoceima"),
            cls.ORIENTAL: _l("Oriental"),
            cls.FES_MEKNES: _l("Fez-Meknes"),
            cls.RABAT_SALE_KENITRA: _l("Rabat-Sale-Kenitra"),
            cls.BENI_MELLAL_KHENIFRA: _l("Beni Mellal-Khenifra"),
            cls.CASABLANCA_SETTAT: _l("Casablanca-Settat"),
            cls.MARRAKECH_SAFI: _l("Marrakesh-Safi"),
            cls.DRAA_TAFILALET: _l("Draa-Tafilalet"),
            cls.SOUSS_MASSA: _l("Souss-Massa"),
            cls.GUELMIM_OUED_NOUN: _l("Guelmim-Oued Noun"),
            cls.LAAYOUNE_SAKIA_EL_HAMRA: _l("Laayoune-Sakia El Hamra"),
            cls.DAKHLA_OUED_ED_DAHAB: _l("Dakhla-Oued Ed-Dahab"),
        }


class Theme(LabelledEnum):
    """What a third-sector organization or project works on."""

    EDUCATION = "education"
    HEALTH = "health"
    EMPLOYMENT = "employment"
    WOMEN = "women"
    YOUTH = "youth"
    ENVIRONMENT = "environment"
    AGRICULTURE = "agriculture"
    CULTURE = "culture"
    INCLUSION = "inclusion"
    DIGITAL = "digital"
    HOUSING = "housing"
    WATER = "water"
    SOLIDARITY_ECONOMY = "solidarity-economy"
    GOVERNANCE = "governance"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.EDUCATION: _l("Education"),
            cls.HEALTH: _l("Health"),
            cls.EMPLOYMENT: _l("Employment and entrepreneurship"),
            cls.WOMEN: _l("Women's empowerment"),
            cls.YOUTH: _l("Youth"),
            cls.ENVIRONMENT: _l("Environment and climate"),
            cls.AGRICULTURE: _l("Agriculture and rural development"),
            cls.CULTURE: _l("Culture and heritage"),
            cls.INCLUSION: _l("Disability and inclusion"),
            cls.DIGITAL: _l("Digital and data"),
            cls.HOUSING: _l("Housing and urban life"),
            cls.WATER: _l("Water and sanitation"),
            cls.SOLIDARITY_ECONOMY: _l("Social and solidarity economy"),
            cls.GOVERNANCE: _l("Governance and advocacy"),
        }


SDG_NUMBERS = tuple(range(1, 18))


def sdg_labels() -> dict[int, str]:
    """The 17 Sustainable Development Goals, numbered as the UN numbers them."""
    return {
        1: _l("No poverty"),
        2: _l("Zero hunger"),
        3: _l("Good health and well-being"),
        4: _l("Quality education"),
        5: _l("Gender equality"),
        6: _l("Clean water and sanitation"),
        7: _l("Affordable and clean energy"),
        8: _l("Decent work and economic growth"),
        9: _l("Industry, innovation and infrastructure"),
        10: _l("Reduced inequalities"),
        11: _l("Sustainable cities and communities"),
        12: _l("Responsible consumption and production"),
        13: _l("Climate action"),
        14: _l("Life below water"),
        15: _l("Life on land"),
        16: _l("Peace, justice and strong institutions"),
        17: _l("Partnerships for the goals"),
    }


def sdg_choices() -> list[tuple[str, str]]:
    return [(str(n), f"{n}. {label}") for n, label in sdg_labels().items()]

"""Demo portfolio: organizations of every kind across the regions, people, projects with
plausible stage histories over the last two years. Deterministic, built through services."""

import random
from datetime import timedelta

from crm.common.reference import Region, Theme
from crm.common.time import utcnow
from crm.extensions import db
from crm.organizations import services as organizations
from crm.organizations.models import MembershipRole, Organization, OrganizationKind
from crm.people import services as people
from crm.people.models import Gender
from crm.pipeline import services as pipeline
from crm.projects import services as projects
from crm.tags import services as tags

K = OrganizationKind
# (French or Latin name, Arabic name, kind, city, region)
ORGANIZATIONS = [
    ("Association Tifawin pour le Développement", "جمعية تيفاوين للتنمية", K.ASSOCIATION, "Agadir", Region.SOUSS_MASSA),
    ("Coopérative Al Baraka", "تعاونية البركة", K.COOPERATIVE, "Taroudant", Region.SOUSS_MASSA),
    ("Coopérative Tifawin des femmes d'Argane", "تعاونية تيفاوين لنساء الأركان", K.COOPERATIVE, "Essaouira", Region.MARRAKECH_SAFI),
    ("Mutuelle Solidarité Santé", "تعاضدية التضامن الصحي", K.MUTUAL, "Rabat", Region.RABAT_SALE_KENITRA),
    ("Amicale des Enseignants de Fès", "ودادية أساتذة فاس", K.AMICALE, "Fès", Region.FES_MEKNES),
    ("Fondation Zakoura Éducation", "مؤسسة زاكورة للتربية", K.FOUNDATION, "Casablanca", Region.CASABLANCA_SETTAT),
    ("Startup Solidaire Green Atlas", "المقاولة التضامنية أطلس الخضراء", K.SOCIAL_ENTERPRISE, "Marrakech", Region.MARRAKECH_SAFI),
    ("Association Jeunes Leaders du Souss", "جمعية الشباب القادة بسوس", K.ASSOCIATION, "Tiznit", Region.SOUSS_MASSA),
    ("Dar Si Hmad", "دار سي حماد", K.ASSOCIATION, "Sidi Ifni", Region.GUELMIM_OUED_NOUN),
    ("Association Espace Point de Départ", "جمعية فضاء نقطة انطلاق", K.ASSOCIATION, "Casablanca", Region.CASABLANCA_SETTAT),
    ("Coopérative Nour Tissage", "تعاونية النور للنسيج", K.COOPERATIVE, "Laâyoune", Region.LAAYOUNE_SAKIA_EL_HAMRA),
    ("Association Al Amal pour le Développement", "جمعية الأمل للتنمية", K.ASSOCIATION, "Oujda", Region.ORIENTAL),
    ("Mutuelle Générale du Personnel", "التعاضدية العامة للموظفين", K.MUTUAL, "Kénitra", Region.RABAT_SALE_KENITRA),
    ("Enactus Maroc", "إناكتس المغرب", K.ASSOCIATION, "Meknès", Region.FES_MEKNES),
    ("Coopérative Oasis Dattes de Tafilalet", "تعاونية واحة تمور تافيلالت", K.COOPERATIVE, "Errachidia", Region.DRAA_TAFILALET),
    ("Association Rif Solidaire", "جمعية الريف المتضامن", K.ASSOCIATION, "Al Hoceïma", Region.TANGER_TETOUAN_AL_HOCEIMA),
    ("Coopérative Safran de Taliouine", "تعاونية زعفران تاليوين", K.COOPERATIVE, "Taliouine", Region.SOUSS_MASSA),
    ("Amicale des Pêcheurs de Dakhla", "ودادية صيادي الداخلة", K.AMICALE, "Dakhla", Region.DAKHLA_OUED_ED_DAHAB),
    ("Association Bades pour l'Inclusion", "جمعية باديس للإدماج", K.ASSOCIATION, "Tétouan", Region.TANGER_TETOUAN_AL_HOCEIMA),
    ("Fondation Atlas pour l'Eau", "مؤسسة الأطلس للماء", K.FOUNDATION, "Béni Mellal", Region.BENI_MELLAL_KHENIFRA),
    ("Coopérative Miel de Khénifra", "تعاونية عسل خنيفرة", K.COOPERATIVE, "Khénifra", Region.BENI_MELLAL_KHENIFRA),
    ("Entreprise Sociale Recycl'Maroc", "المقاولة الاجتماعية ريسيكل المغرب", K.SOCIAL_ENTERPRISE, "Tanger", Region.TANGER_TETOUAN_AL_HOCEIMA),
    ("Association Femmes du Drâa", "جمعية نساء درعة", K.ASSOCIATION, "Zagora", Region.DRAA_TAFILALET),
    ("Mutuelle des Artisans de Salé", "تعاضدية صناع سلا", K.MUTUAL, "Salé", Region.RABAT_SALE_KENITRA),
    ("Association Numérique pour Tous", "جمعية الرقمي للجميع", K.ASSOCIATION, "Rabat", Region.RABAT_SALE_KENITRA),
    ("Coopérative Argan Tamount", "تعاونية أركان تامونت", K.COOPERATIVE, "Agadir", Region.SOUSS_MASSA),
    ("Amicale des Anciens de l'ENCG Settat", "ودادية قدماء المدرسة الوطنية للتجارة والتسيير بسطات", K.AMICALE, "Settat", Region.CASABLANCA_SETTAT),
    ("Fondation Oriental Initiatives", "مؤسسة مبادرات الشرق", K.FOUNDATION, "Nador", Region.ORIENTAL),
    ("Association Sahara Culture", "جمعية ثقافة الصحراء", K.ASSOCIATION, "Guelmim", Region.GUELMIM_OUED_NOUN),
    ("Entreprise Sociale SolarVillage", "المقاولة الاجتماعية القرية الشمسية", K.SOCIAL_ENTERPRISE, "Ouarzazate", Region.DRAA_TAFILALET),
    ("Coopérative Laitière Al Wifaq", "تعاونية الوفاق للحليب", K.COOPERATIVE, "El Jadida", Region.CASABLANCA_SETTAT),
    ("Association Safi Environnement", "جمعية آسفي للبيئة", K.ASSOCIATION, "Safi", Region.MARRAKECH_SAFI),
    ("Conseil Régional de l'Oriental", "مجلس جهة الشرق", K.PUBLIC_BODY, "Oujda", Region.ORIENTAL),
    ("Atlas Impact SARL", "أطلس إمباكت", K.COMPANY, "Casablanca", Region.CASABLANCA_SETTAT),
    ("Collectif Handicap Fès", "تجمع الإعاقة فاس", K.OTHER, "Fès", Region.FES_MEKNES),
    ("Association Laâyoune Jeunesse", "جمعية شباب العيون", K.ASSOCIATION, "Laâyoune", Region.LAAYOUNE_SAKIA_EL_HAMRA),
    ("Coopérative Couscous Beldi", "تعاونية الكسكس البلدي", K.COOPERATIVE, "Berrechid", Region.CASABLANCA_SETTAT),
    ("Mutuelle Agricole du Gharb", "التعاضدية الفلاحية للغرب", K.MUTUAL, "Sidi Kacem", Region.RABAT_SALE_KENITRA),
    ("Association Tanmia Ouarzazate", "جمعية تنمية ورزازات", K.ASSOCIATION, "Ouarzazate", Region.DRAA_TAFILALET),
    ("Amicale des Infirmiers de Marrakech", "ودادية الممرضين بمراكش", K.AMICALE, "Marrakech", Region.MARRAKECH_SAFI),
]

# (Latin first name, Arabic first name, gender)
FIRST_NAMES = [
    ("Mohamed", "محمد", Gender.MAN), ("Fatima Zahra", "فاطمة الزهراء", Gender.WOMAN),
    ("Youssef", "يوسف", Gender.MAN), ("Khadija", "خديجة", Gender.WOMAN),
    ("Hamza", "حمزة", Gender.MAN), ("Meryem", "مريم", Gender.WOMAN),
    ("Amine", "أمين", Gender.MAN), ("Asmae", "أسماء", Gender.WOMAN),
    ("Karim", "كريم", Gender.MAN), ("Houda", "هدى", Gender.WOMAN),
    ("Omar", "عمر", Gender.MAN), ("Zineb", "زينب", Gender.WOMAN),
    ("Said", "سعيد", Gender.MAN), ("Salma", "سلمى", Gender.WOMAN),
    ("Rachid", "رشيد", Gender.MAN), ("Nadia", "نادية", Gender.WOMAN),
    ("Othmane", "عثمان", Gender.MAN), ("Hajar", "هاجر", Gender.WOMAN),
]
LAST_NAMES = [
    ("El Amrani", "العمراني"), ("Bennani", "بناني"), ("Alaoui", "العلوي"), ("Tahiri", "الطاهري"),
    ("Berrada", "برادة"), ("El Fassi", "الفاسي"), ("Lahlou", "لحلو"), ("Zeroual", "الزروال"),
    ("Ouazzani", "الوزاني"), ("Naciri", "الناصري"), ("Kettani", "الكتاني"),
    ("Benjelloun", "بنجلون"), ("Bouzidi", "البوزيدي"), ("El Idrissi", "الإدريسي"),
    ("Sebti", "السبتي"), ("Chraibi", "الشرايبي"), ("Ziani", "الزياني"), ("Cherkaoui", "الشرقاوي"),
]
PROJECT_NAMES = [
    ("Argan digital", "الأركان الرقمي"), ("École de la deuxième chance", "مدرسة الفرصة الثانية"),
    ("Eau potable pour les douars", "الماء الصالح للشرب للدواوير"),
    ("Atelier de tissage solidaire", "ورشة النسيج التضامني"), ("Miel bio des montagnes", "عسل الجبال العضوي"),
    ("Tri sélectif des quartiers", "الفرز الانتقائي للأحياء"), ("Santé mobile rurale", "الصحة المتنقلة القروية"),
    ("Codeurs du Souss", "مبرمجو سوس"), ("Safran équitable", "زعفران عادل"),
    ("Énergie solaire villageoise", "الطاقة الشمسية القروية"), ("Théâtre pour l'inclusion", "مسرح من أجل الإدماج"),
    ("Microcrédit des artisanes", "القروض الصغرى للصانعات"), ("Dattes de qualité", "تمور الجودة"),
    ("Pêche durable", "الصيد المستدام"), ("Lecture pour tous", "القراءة للجميع"),
]
STAGE_PATH = ["identified", "contacted", "applied", "assessed", "incubated", "accelerated",
              "alumni"]
DEMO_MARKER = ORGANIZATIONS[0][0]


def _already_seeded() -> bool:
    query = db.select(Organization.id).where(Organization.name == DEMO_MARKER)
    return db.session.scalar(query) is not None


def _phone(rng: random.Random) -> str:
    prefix = rng.choice(["0661", "0662", "0666", "0670", "0650", "0655", "0677", "0698"])
    return f"{prefix}{rng.randint(100_000, 999_999)}"


# The demo tags as typed, then in Arabic, French and English.
TAGS = [("forum 2024", "منتدى 2024", "forum 2024", "forum 2024"),
        ("femmes", "نساء", "femmes", "women"), ("jeunes", "شباب", "jeunes", "youth"),
        ("rural", "قروي", "rural", "rural"), ("numérique", "رقمي", "numérique", "digital")]


def _seed_tags() -> None:
    for name, arabic, french, english in TAGS:
        tag = tags.get_or_create_tags([name])[0]
        tag.name_ar, tag.name_fr, tag.name_en = arabic, french, english
    db.session.flush()


def seed_portfolio(officers: list, rng: random.Random | None = None) -> None:
    """Add the demo organizations, people and projects (once)."""
    if _already_seeded():
        return
    _seed_tags()
    rng = rng or random.Random(2024)
    themes = list(Theme)
    created = []
    for name, arabic, kind, city, region in ORGANIZATIONS:
        created.append(organizations.create_organization(
            None, name=name, name_arabic=arabic, kind=kind, city=city, region=region,
            founding_year=rng.randint(1995, 2022), themes=set(rng.sample(themes, 2)),
            sdgs=set(rng.sample(range(1, 18), 3)), tag_names=rng.sample(
                [name for name, *_labels in TAGS], 1)))
    _seed_people(created, rng)
    _seed_projects(created, officers, rng)


def _seed_people(orgs: list, rng: random.Random) -> None:
    roles = [MembershipRole.FOUNDER, MembershipRole.DIRECTOR, MembershipRole.MEMBER,
             MembershipRole.STAFF]
    for index in range(150):
        first, first_ar, gender = FIRST_NAMES[index % len(FIRST_NAMES)]
        last, last_ar = LAST_NAMES[(index * 7) % len(LAST_NAMES)]
        org = orgs[index % len(orgs)]
        email = f"{first.split()[0].lower()}.{last.replace(' ', '').lower()}{index}@example.ma"
        person = people.create_person(
            None, first_name=first, last_name=last, name_arabic=f"{first_ar} {last_ar}",
            email=email, phone=_phone(rng), gender=gender, city=org.city, region=org.region)
        organizations.add_member(None, org, person, roles[index % len(roles)])


def _seed_projects(orgs: list, officers: list, rng: random.Random) -> None:
    now = utcnow()
    for index in range(30):
        org = orgs[index]
        name, arabic = PROJECT_NAMES[index % len(PROJECT_NAMES)]
        started = now - timedelta(days=rng.randint(200, 730))
        project = projects.create_project(
            None, org, name=f"{name} — {org.city}", name_arabic=f"{arabic} - {org.name_arabic}",
            cohort=rng.choice(["2023", "2024", "WeXchange 2024"]),
            officer_id=officers[index % len(officers)].id if index % 6 else None,
            themes=org.themes, sdgs=org.sdgs, started_at=started,
            description="Projet de démonstration.")
        _walk_pipeline(project, officers, rng, started, index)


def _walk_pipeline(project, officers, rng: random.Random, started, index: int) -> None:
    """Move the project forward step by step, sometimes out through an exit."""
    steps = index % len(STAGE_PATH)
    at = started
    for code in STAGE_PATH[1:steps + 1]:
        at += timedelta(days=rng.randint(15, 90))
        if at >= utcnow():
            break
        pipeline.move_project(officers[0], project, pipeline.get_stage(code),
                              note=rng.choice(["", "Entretien concluant.", "Dossier complet."]),
                              at=at)
    if index % 10 == 9:
        exit_code = "declined" if index % 20 == 9 else "withdrawn"
        pipeline.move_project(officers[0], project, pipeline.get_stage(exit_code),
                              note="Ne correspond pas aux critères du programme.",
                              at=min(at + timedelta(days=20), utcnow()))

"""Demo forum: WeXchange 2024, third edition, Casablanca, 17 October 2024."""

import random
from datetime import date

from crm.extensions import db
from crm.forums import services as forums
from crm.forums.models import Forum, ParticipationRole, SessionKind
from crm.people.models import Person

THEME = ("Le tiers secteur au cœur des transformations porteuses de progrès social / "
         "The third sector at the heart of the transformations that carry social progress")
# (French, Arabic, English)
PLENARY = ("Séance plénière : s'adapter à un monde en mutation", "الجلسة العامة: التكيف مع عالم متحول",
           "Plenary: adapting to a changing world")
WORKSHOPS = [
    ("Veille stratégique", "اليقظة الاستراتيجية", "Strategic watch"),
    ("Réflexion stratégique", "التفكير الاستراتيجي", "Strategic thinking"),
    ("Gouvernance et redevabilité", "الحكامة والمساءلة", "Governance and accountability"),
    ("Mobilisation des ressources humaines", "تعبئة الموارد البشرية", "Mobilising human resources"),
    ("Dynamiques de leadership", "ديناميات القيادة", "Leadership dynamics"),
    ("Tiers secteur et économie des données", "القطاع الثالث واقتصاد المعطيات", "The third sector and the data economy"),
    ("Plaidoyer d'influence", "الترافع المؤثر", "Influential advocacy"),
    ("Leadership territorial", "القيادة الترابية", "Territorial leadership"),
    ("Financement innovant", "التمويل المبتكر", "Innovative finance"),
    ("Gestion déléguée des services publics", "التدبير المفوض للمرافق العمومية", "Delegated management of public services"),
]
CLOSING = ("Séance de clôture : restitution des ateliers", "الجلسة الختامية: تقديم خلاصات الورشات",
           "Closing: conclusions of the workshops")


def seed_forum(rng: random.Random | None = None) -> Forum:
    """WeXchange 2024 with its plenary, ten workshops, closing, speakers and participants."""
    existing = db.session.scalar(db.select(Forum).where(Forum.name == "WeXchange 2024"))
    if existing is not None:
        return existing
    rng = rng or random.Random(17)
    forum = forums.create_forum(None, "WeXchange 2024", date(2024, 10, 17), number=3,
                                city="Casablanca", theme=THEME)
    plenary = forums.add_session(None, forum, SessionKind.PLENARY, *PLENARY)
    workshops = [forums.add_session(None, forum, SessionKind.WORKSHOP, *w) for w in WORKSHOPS]
    forums.add_session(None, forum, SessionKind.CLOSING, *CLOSING)
    people = list(db.session.scalars(db.select(Person).order_by(Person.id).limit(120)))
    for index, person in enumerate(people):
        forums.add_participation(None, plenary, person, ParticipationRole.PARTICIPANT,
                                 attended=index % 5 != 0)
        workshop = workshops[index % len(workshops)]
        role = (ParticipationRole.SPEAKER if index < 40 and index % 2 == 0
                else ParticipationRole.MODERATOR if index < 20
                else ParticipationRole.PARTICIPANT)
        forums.add_participation(None, workshop, person, role, attended=rng.random() > 0.15)
    return forum

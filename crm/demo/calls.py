"""A call for applications open now: its texts in three languages, its questions (one asks
for a file) and its rubric; idempotent."""

from datetime import timedelta

from crm.calls import review, services
from crm.calls.models import Call, QuestionKind
from crm.common.time import local_today
from crm.extensions import db

SLUG = "incubation-2027"

QUESTIONS = [
    (QuestionKind.LONG_TEXT, True, {
        "label_fr": "Quel problème social votre projet résout-il ?",
        "label_ar": "ما المشكلة الاجتماعية التي يحلها مشروعكم؟",
        "label_en": "Which social problem does your project solve?"}),
    (QuestionKind.CHOICE, True, {
        "label_fr": "Où en est le projet ?", "label_ar": "أين وصل المشروع؟",
        "label_en": "Where does the project stand?",
        "choices_fr": "Idée\nPrototype\nPremiers clients",
        "choices_ar": "فكرة\nنموذج أولي\nأوائل الزبناء",
        "choices_en": "Idea\nPrototype\nFirst customers"}),
    (QuestionKind.NUMBER, False, {
        "label_fr": "Emplois créés à ce jour", "label_ar": "مناصب الشغل المحدثة إلى اليوم",
        "label_en": "Jobs created so far"}),
    (QuestionKind.FILE, True, {
        "label_fr": "Statuts ou récépissé de l'organisation",
        "label_ar": "القانون الأساسي أو وصل إيداع المنظمة",
        "label_en": "Articles or registration receipt of the organization"}),
]
CRITERIA = [
    {"label_fr": "Impact social", "label_ar": "الأثر الاجتماعي", "label_en": "Social impact",
     "weight": 3, "scale_max": 5},
    {"label_fr": "Solidité de l'équipe", "label_ar": "متانة الفريق",
     "label_en": "Strength of the team", "weight": 2, "scale_max": 5},
    {"label_fr": "Modèle économique", "label_ar": "النموذج الاقتصادي",
     "label_en": "Business model", "weight": 1, "scale_max": 10},
]


def seed_call(officer) -> Call:
    call = db.session.scalar(db.select(Call).where(Call.slug == SLUG))
    if call is not None:
        return call
    today = local_today()
    data = {
        "title_fr": "Incubation 2027", "title_ar": "الاحتضان 2027",
        "title_en": "Incubation 2027",
        "text_fr": "La fondation accompagne pendant un an dix projets à fort impact social.",
        "text_ar": "ترافق المؤسسة لمدة سنة عشرة مشاريع ذات أثر اجتماعي قوي.",
        "text_en": "The foundation supports ten projects with a strong social impact for a "
                   "year.",
        "eligibility_fr": "Associations, coopératives et entreprises sociales du Maroc.",
        "eligibility_ar": "الجمعيات والتعاونيات والمقاولات الاجتماعية بالمغرب.",
        "eligibility_en": "Associations, cooperatives and social enterprises of Morocco.",
        "opens_on": today - timedelta(days=7), "closes_on": today + timedelta(days=60),
        "forum_id": None, "cohort": "2027"}
    call = services.create_call(officer, data)
    call.slug = SLUG
    for kind, required, labels in QUESTIONS:
        services.add_question(officer, call, kind, required, labels)
    for criterion in CRITERIA:
        review.add_criterion(officer, call, criterion)
    services.publish(officer, call, True)
    return call

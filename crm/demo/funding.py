"""Demo funding: funders of every kind, opportunities in every status and two crowdfunding
campaigns on the demo projects. Idempotent, built through the funding services."""

from datetime import date, timedelta
from decimal import Decimal

from crm.extensions import db
from crm.funding import services as funding
from crm.funding.models import Funder, FunderKind, Instrument, OpportunityStatus
from crm.organizations.models import Organization
from crm.people.models import Person
from crm.projects.models import Project

K, N, S = FunderKind, Instrument, OpportunityStatus  # kind, iNstrument, status
DEMO_MARKER = "Fonds Innov Invest"
# (name, Arabic name, kind, website, name of the linked demo organization or None)
FUNDERS = [
    ("Fonds Innov Invest", "صندوق إنوف إنفست", K.FUND, "https://www.ccg.ma", None),
    ("Maroc Impact Capital", "المغرب إمباكت كابيتال", K.IMPACT_INVESTOR, "https://maroc-impact.example.ma", "Atlas Impact SARL"),
    ("Smart Crowdfunding Maroc", "سمارت كراودفاندينغ المغرب", K.CROWDFUNDING_PLATFORM, "https://smartcrowdfunding.example.ma", None),
    ("Twiza Crowdfunding", "تويزة للتمويل التشاركي", K.CROWDFUNDING_PLATFORM, "https://twiza.example.ma", None),
    ("Fondation Attijariwafa", "مؤسسة التجاري وفا بنك", K.DONOR, "https://www.fondationattijariwafa.ma", None),
    ("Programme INDH", "المبادرة الوطنية للتنمية البشرية", K.PUBLIC_PROGRAM, "https://www.indh.ma", None),
    ("Appel à projets de l'Oriental", "طلب مشاريع جهة الشرق", K.PUBLIC_PROGRAM, "", "Conseil Régional de l'Oriental"),
    ("Bank Al-Amal", "بنك الأمل", K.BANK, "https://www.bankalamal.ma", None),
    ("Club des Mécènes Solidaires", "نادي الرعاة المتضامنين", K.OTHER, "", None),
]
# (project index, funder name, instrument, status, requested, committed, disbursed, days ago
#  the status was reached, decline reason)
OPPORTUNITIES = [
    (0, "Fonds Innov Invest", N.EQUITY, S.COMMITTED, "500000", "450000", "0", 40, ""),
    (0, "Smart Crowdfunding Maroc", N.CROWD_DONATION, S.APPLIED, "80000", "0", "0", 30, ""),
    (1, "Fondation Attijariwafa", N.GRANT, S.DISBURSED, "150000", "150000", "150000", 60, ""),
    (2, "Programme INDH", N.GRANT, S.DECLINED, "250000", "0", "0", 90, "Zone d'intervention hors du périmètre du programme."),
    (3, "Bank Al-Amal", N.LOAN, S.APPLIED, "200000", "0", "0", 15, ""),
    (4, "Maroc Impact Capital", N.QUASI_EQUITY, S.PROSPECT, "1000000", "0", "0", 0, ""),
    (5, "Twiza Crowdfunding", N.CROWD_REWARD, S.DISBURSED, "60000", "64250.50", "64250.50", 85, ""),
    (6, "Maroc Impact Capital", N.DEBT, S.COMMITTED, "300000", "250000", "0", 20, ""),
    (7, "Club des Mécènes Solidaires", N.PRIZE, S.DISBURSED, "50000", "50000", "50000", 120, ""),
    (8, "Appel à projets de l'Oriental", N.IN_KIND, S.COMMITTED, "75000", "75000", "0", 45, ""),
    (9, "Fonds Innov Invest", N.GUARANTEE, S.PROSPECT, "400000", "0", "0", 0, ""),
    (10, "Smart Crowdfunding Maroc", N.CROWD_LENDING, S.APPLIED, "120000", "0", "0", 10, ""),
    (3, "Twiza Crowdfunding", N.CROWD_EQUITY, S.DECLINED, "900000", "0", "0", 70, "Objectif de collecte jugé trop élevé pour une première campagne."),
    (11, "Bank Al-Amal", N.LOAN, S.DISBURSED, "180000", "180000", "90000.75", 25, ""),
]
STATUS_DATE = {S.APPLIED: "applied_on", S.COMMITTED: "committed_on",
               S.DISBURSED: "disbursed_on", S.DECLINED: "declined_on"}
# (opportunity index, goal, starts / ends in days from today, [(days from today, raised, backers)])
CAMPAIGNS = [
    (1, "80000", -25, 20, [(-20, "12500", 48), (-12, "31200.50", 117), (-4, "46890", 183)]),
    (6, "60000", -150, -90, [(-140, "8000", 35), (-120, "29750", 140), (-100, "51300", 236),
                             (-91, "64250.50", 301)]),
]


def _already_seeded() -> bool:
    return db.session.scalar(db.select(Funder.id).where(Funder.name == DEMO_MARKER)) is not None


def seed_funding() -> None:
    """Add the demo funders, opportunities and campaigns (once)."""
    if _already_seeded():
        return
    funders = _seed_funders()
    projects = list(db.session.scalars(
        db.select(Project).where(Project.archived_at.is_(None)).order_by(Project.id)))
    if not projects:
        return
    today = date.today()
    opportunities = []
    for index, name, instrument, status, requested, committed, disbursed, days, reason in (
            OPPORTUNITIES):
        project = projects[index % len(projects)]
        dates = {}
        if status is not S.PROSPECT:
            dates["applied_on"] = today - timedelta(days=days + 30)
            dates[STATUS_DATE[status]] = today - timedelta(days=days)
        if status is S.DISBURSED:
            dates["committed_on"] = today - timedelta(days=days + 10)
        opportunities.append(funding.create_opportunity(
            None, project, confirm_over_request=Decimal(committed) > Decimal(requested),
            funder_id=funders[name].id, instrument=instrument, status=status,
            amount_requested=Decimal(requested), amount_committed=Decimal(committed),
            amount_disbursed=Decimal(disbursed), decline_reason=reason,
            officer_id=project.officer_id, notes="Opportunité de démonstration.", **dates))
    for index, goal, starts, ends, updates in CAMPAIGNS:
        opportunity = opportunities[index]
        campaign = funding.create_campaign(
            None, opportunity, Decimal(goal), today + timedelta(days=starts),
            today + timedelta(days=ends), f"{opportunity.funder.website}/campagnes/{index}")
        for day, raised, backers in updates:
            funding.record_campaign_update(None, campaign, today + timedelta(days=day),
                                           Decimal(raised), backers)


def _seed_funders() -> dict[str, Funder]:
    people = list(db.session.scalars(db.select(Person).order_by(Person.id.desc()).limit(
        len(FUNDERS))))
    funders = {}
    for index, (name, arabic, kind, website, organization_name) in enumerate(FUNDERS):
        organization_id = db.session.scalar(db.select(Organization.id).where(
            Organization.name == organization_name)) if organization_name else None
        funder = funding.create_funder(None, name=name, name_arabic=arabic, kind=kind,
                                       website=website, organization_id=organization_id,
                                       notes="Bailleur de démonstration.")
        if index < len(people) and index % 2 == 0:
            funding.add_funder_contact(None, funder, people[index])
        funders[name] = funder
    return funders

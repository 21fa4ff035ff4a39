"""Funders, funding opportunities and crowdfunding campaigns, following the money rules of
crm.funding.services: committed <= requested, disbursed <= committed, a committed or disbursed
opportunity has its amount, a declined one its reason, dates in the order of the statuses.
Amounts are integer centimes (what the Centimes columns hold)."""

from datetime import date, datetime, time, timedelta

from crm.common.text import to_latin
from crm.demo.synthetic import names
from crm.demo.synthetic.world import FIRST_DAY, ProjectPlan, World
from crm.funding.models import (
    CampaignUpdate,
    CrowdfundingCampaign,
    Funder,
    FunderKind,
    FundingOpportunity,
    Instrument,
    OpportunityStatus,
    funder_contacts,
)

F, N, S = FunderKind, Instrument, OpportunityStatus  # funder kind, iNstrument, status
# kind: (weight, French pattern, Arabic pattern)
FUNDERS = {
    F.IMPACT_INVESTOR: (14, "{} Impact Capital", "{} إمباكت كابيتال"),
    F.FUND: (10, "Fonds {} Investissement", "صندوق {} للاستثمار"),
    F.CROWDFUNDING_PLATFORM: (10, "{} Crowdfunding", "{} للتمويل التشاركي"),
    F.DONOR: (24, "Fondation {}", "مؤسسة {}"),
    F.PUBLIC_PROGRAM: (16, "Programme {} de développement", "برنامج {} للتنمية"),
    F.BANK: (10, "Banque {}", "بنك {}"),
    F.OTHER: (16, "Club {} des mécènes", "نادي {} للرعاة"),
}
# instrument: (weight, funder kinds, requested amount range in MAD)
INSTRUMENTS = {
    N.EQUITY: (6, [F.IMPACT_INVESTOR, F.FUND], (300_000, 3_000_000)),
    N.DEBT: (6, [F.IMPACT_INVESTOR, F.FUND], (200_000, 2_000_000)),
    N.QUASI_EQUITY: (3, [F.IMPACT_INVESTOR, F.FUND], (200_000, 1_500_000)),
    N.GUARANTEE: (3, [F.FUND, F.BANK], (100_000, 1_000_000)),
    N.CROWD_DONATION: (6, [F.CROWDFUNDING_PLATFORM], (20_000, 300_000)),
    N.CROWD_REWARD: (6, [F.CROWDFUNDING_PLATFORM], (20_000, 300_000)),
    N.CROWD_EQUITY: (3, [F.CROWDFUNDING_PLATFORM], (100_000, 900_000)),
    N.CROWD_LENDING: (4, [F.CROWDFUNDING_PLATFORM], (50_000, 500_000)),
    N.GRANT: (30, [F.DONOR, F.PUBLIC_PROGRAM], (30_000, 600_000)),
    N.LOAN: (12, [F.BANK, F.FUND], (50_000, 800_000)),
    N.PRIZE: (12, [F.DONOR, F.OTHER], (10_000, 150_000)),
    N.IN_KIND: (9, [F.OTHER, F.PUBLIC_PROGRAM, F.DONOR], (5_000, 100_000)),
}
STATUSES = [S.PROSPECT, S.APPLIED, S.COMMITTED, S.DISBURSED, S.DECLINED]
STATUS_WEIGHTS = [18, 24, 20, 22, 16]
CAMPAIGN_DECLINED = "Objectif de collecte non atteint."


def write_funders(world: World) -> dict[FunderKind, list[int]]:
    """Funders (about 80 at scale 1, at least one of each kind) and their contact people."""
    rng = world.rng
    count = max(len(FUNDERS), round(80 * world.scale))
    first = world.writer.reserve(Funder.__table__, count)
    kinds = list(FUNDERS)
    rows, used, by_kind = [], set(), {kind: [] for kind in kinds}
    for index in range(count):
        kind = kinds[index] if index < len(kinds) else rng.choices(
            kinds, [FUNDERS[k][0] for k in kinds])[0]
        word, word_ar = rng.choice(names.ORGANIZATION_WORDS)
        name = FUNDERS[kind][1].format(word)
        name = f"{name} {index + 1}" if name in used else name
        used.add(name)
        at = world.moment(FIRST_DAY, FIRST_DAY + timedelta(days=400))
        slug = to_latin(word).replace(" ", "")
        rows.append({"id": first + index, "name": name,
                     "name_arabic": FUNDERS[kind][2].format(word_ar), "kind": kind.value,
                     "website": f"https://{slug}.example.net", "notes": "",
                     "created_at": at, "updated_at": at, "version": 1})
        by_kind[kind].append(first + index)
    world.writer.write_all(Funder.__table__, rows, "funders", len(rows))
    contacts = {(row["id"], rng.choice(world.people)["id"]) for row in rows
                for _ in range(rng.choice([0, 1, 1, 2]))}
    world.writer.write_all(funder_contacts, [{"funder_id": f, "person_id": p}
                                             for f, p in sorted(contacts)],
                           "funder_contacts", len(contacts))
    return by_kind


def _after(world: World, day: date, least: int, most: int) -> date:
    """A day some time after `day`, never today or later."""
    return min(world.today - timedelta(days=1), day + timedelta(
        days=world.rng.randint(least, most)))


def _mad(world: World, low: int, high: int, step: int = 1_000) -> int:
    """A round amount in MAD, as centimes."""
    return world.rng.randrange(low // step, high // step + 1) * step * 100


def _opportunity(world: World, plan: ProjectPlan, funders: dict, opportunity_id: int) -> dict:
    rng = world.rng
    instrument = rng.choices(list(INSTRUMENTS), [v[0] for v in INSTRUMENTS.values()])[0]
    _weight, kinds, (low, high) = INSTRUMENTS[instrument]
    funder = rng.choice(funders[rng.choice(kinds)])  # every kind has its funders
    status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
    requested = _mad(world, low, high)
    entered = plan.first_entry("applied") or plan.start
    last = (plan.ended_at or world.horizon).date() - timedelta(days=1)
    if status is not S.PROSPECT and entered.date() >= world.today - timedelta(days=1):
        status = S.PROSPECT  # too recent to have applied anywhere
    row = {"id": opportunity_id, "project_id": plan.id, "funder_id": funder,
           "instrument": instrument.value, "status": status.value,
           "amount_requested": requested, "amount_committed": 0, "amount_disbursed": 0,
           "applied_on": None, "committed_on": None, "disbursed_on": None,
           "declined_on": None, "decline_reason": "", "officer_id": plan.officer_id,
           "notes": "", "version": 1}
    created = world.moment(entered, world.horizon - timedelta(days=1))
    if status is not S.PROSPECT:
        row["applied_on"] = world.day(entered.date(), max(entered.date(), last))
        created = datetime.combine(row["applied_on"], time(9))
    if status is S.DECLINED:
        row["declined_on"] = _after(world, row["applied_on"], 15, 120)
        row["decline_reason"] = rng.choice(names.DECLINE_REASONS)
    if status in (S.COMMITTED, S.DISBURSED):
        row["committed_on"] = _after(world, row["applied_on"], 20, 120)
        row["amount_committed"] = max(10_000, requested * rng.randint(50, 100) // 100)
    if status is S.DISBURSED:
        row["disbursed_on"] = _after(world, row["committed_on"], 10, 90)
        share = 100 if rng.random() < 0.6 else rng.randint(30, 95)
        row["amount_disbursed"] = max(100, row["amount_committed"] * share // 100)
    changed = max(d for d in (row["applied_on"], row["committed_on"], row["disbursed_on"],
                              row["declined_on"], created.date()) if d)
    row |= {"created_at": created, "updated_at": max(created, datetime.combine(changed, time(17))),
            "version": 1 + sum(1 for k in ("applied_on", "committed_on", "disbursed_on",
                                           "declined_on") if row[k])}
    return row


def _raised(world: World, opportunity: dict, ends_on: date) -> int:
    """What the campaign collected; most committed ones reached their goal."""
    rng, goal, status = world.rng, opportunity["amount_requested"], opportunity["status"]
    if status in (S.COMMITTED.value, S.DISBURSED.value):
        percent = rng.randint(100, 125) if rng.random() < 0.65 else rng.randint(55, 99)
        raised = goal * percent // 100 + rng.randrange(100)
        opportunity["amount_committed"] = min(raised, goal)
        if status == S.DISBURSED.value:
            opportunity["amount_disbursed"] = opportunity["amount_committed"]
        return raised
    if status == S.DECLINED.value:
        opportunity["decline_reason"] = CAMPAIGN_DECLINED
        return goal * rng.randint(5, 70) // 100
    return goal * rng.randint(5, 90 if ends_on >= world.today else 95) // 100


def _campaign(world: World, opportunity: dict, campaign_id: int) -> tuple[dict, list[dict]]:
    """A crowdfunding campaign and the updates that brought it to its figures."""
    rng = world.rng
    starts_on = opportunity["applied_on"]
    ends_on = starts_on + timedelta(days=rng.randint(30, 60))
    raised = _raised(world, opportunity, ends_on)
    backers = max(1, raised // (rng.randint(250, 900) * 100))
    last_day = min(ends_on, world.today - timedelta(days=1))
    days = sorted({world.day(starts_on, last_day) for _ in range(rng.randint(1, 3))} | {last_day})
    shares = sorted(rng.random() for _ in days[:-1]) + [1.0]
    updates = [{"campaign_id": campaign_id, "on": day, "raised": int(raised * share),
                "backers": int(backers * share)} for day, share in zip(days, shares, strict=True)]
    updates[-1] |= {"raised": raised, "backers": backers}
    campaign = {"id": campaign_id, "opportunity_id": opportunity["id"],
                "goal": opportunity["amount_requested"], "raised": raised, "backers": backers,
                "starts_on": starts_on, "ends_on": ends_on,
                "url": f"https://campagnes.example.net/{opportunity['id']}",
                "created_at": datetime.combine(starts_on, time(9)),
                "updated_at": datetime.combine(last_day, time(18)), "version": 1 + len(updates)}
    return campaign, updates


def write_funding(world: World) -> None:
    """Funders, then 0 to 3 opportunities per project that reached "applied"."""
    rng, writer = world.rng, world.writer
    funders = write_funders(world)
    wanted = [(plan, rng.choices([0, 1, 2, 3], [30, 40, 20, 10])[0]) for plan in world.projects
              if plan.first_entry("applied") is not None]
    next_id = writer.reserve(FundingOpportunity.__table__, sum(n for _, n in wanted))
    opportunities = []
    for plan, count in wanted:
        for _ in range(count):
            opportunities.append(_opportunity(world, plan, funders, next_id))
            next_id += 1
    crowd = [o for o in opportunities if o["instrument"].startswith("crowd-") and o["applied_on"]]
    first_campaign = writer.reserve(CrowdfundingCampaign.__table__, len(crowd))
    campaigns, updates = [], []
    for offset, opportunity in enumerate(crowd):
        campaign, its_updates = _campaign(world, opportunity, first_campaign + offset)
        campaigns.append(campaign)
        updates += its_updates
    first_update = writer.reserve(CampaignUpdate.__table__, len(updates))
    for offset, update in enumerate(updates):
        update["id"] = first_update + offset
    writer.write_all(FundingOpportunity.__table__, opportunities, "funding_opportunities",
                     len(opportunities))
    writer.write_all(CrowdfundingCampaign.__table__, campaigns, "crowdfunding_campaigns",
                     len(campaigns))
    writer.write_all(CampaignUpdate.__table__, updates, "campaign_updates", len(updates))

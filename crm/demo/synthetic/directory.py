"""Users (officers and a manager), organizations, people, memberships, tags, search keys."""

from datetime import timedelta

from crm.auth.models import Role, User
from crm.common.reference import Region
from crm.common.text import fold, to_latin
from crm.demo.synthetic import names
from crm.demo.synthetic.world import FIRST_DAY, World
from crm.extensions import db
from crm.organizations.models import Membership, MembershipRole, Organization, OrganizationKind
from crm.people.models import Person
from crm.search.keys import clip, email_tokens, name_tokens, person_name_tokens, phone_tokens
from crm.search.models import SearchToken
from crm.tags.models import Tag, organization_tags, person_tags, project_tags

DOMAIN = "synthetic.crm"
MANAGER_EMAIL = f"manager@{DOMAIN}"
# Not a hash werkzeug can check: nobody logs in as a synthetic user until an admin sets a
# password for them.
UNUSABLE_PASSWORD = "!synthetic-no-login"
ROLES = [MembershipRole.MEMBER] * 12 + [MembershipRole.STAFF] * 5 + [
    MembershipRole.DIRECTOR, MembershipRole.FOUNDER]
ICE_KINDS = {OrganizationKind.COOPERATIVE, OrganizationKind.COMPANY,
             OrganizationKind.SOCIAL_ENTERPRISE}


def officer_count(projects: int) -> int:
    """About one officer per 200 projects, at least 3."""
    return max(3, round(projects / 200))


def write_users(world: World) -> None:
    """The officers and one manager; their addresses end in @synthetic.crm (the marker)."""
    rng, count = world.rng, officer_count(world.counts["projects"])
    first = world.writer.reserve(User.__table__, count + 1)
    rows = []
    for index in range(count + 1):
        given, _ar, _gender = rng.choice(names.FIRST)
        family, _ar = rng.choice(names.LAST)
        email = f"officer{index:03d}@{DOMAIN}" if index < count else MANAGER_EMAIL
        at = world.moment(FIRST_DAY, FIRST_DAY + timedelta(days=300))
        rows.append({"id": first + index, "email": email, "full_name": f"{given} {family}",
                     "password_hash": UNUSABLE_PASSWORD,
                     "role": (Role.OFFICER if index < count else Role.MANAGER).value,
                     "language": rng.choice(["fr", "fr", "ar", "en"]), "active": True,
                     "session_epoch": 0, "created_at": at, "updated_at": at})
    world.writer.write_all(User.__table__, rows, "users", len(rows))
    world.officers = [row["id"] for row in rows[:count]]


def _organization_name(world: World, kind, city: tuple[str, str],
                       used: set) -> tuple[str, str, str]:
    """French and Arabic names, and a web address, of a new organization."""
    rng = world.rng
    _weight, prefix, prefix_ar = names.KINDS[kind]
    for _attempt in range(6):
        word, word_ar = rng.choice(names.ORGANIZATION_WORDS)
        purpose, purpose_ar = rng.choice(names.PURPOSES)
        name = f"{prefix} {word} {purpose} — {city[0]}"
        if name not in used:
            break
    else:
        name = f"{name} {len(used)}"
    used.add(name)
    slug = "-".join(to_latin(f"{word} {city[0]}").replace("'", "").split())
    return name, f"{prefix_ar} {word_ar} {purpose_ar} - {city[1]}", f"https://{slug}.example.org"


def plan_organizations(world: World) -> None:
    """Organization rows (written later, once their projects tell when they were met)."""
    rng, count = world.rng, world.counts["organizations"]
    first = world.writer.reserve(Organization.__table__, count)
    kinds = list(names.KINDS)
    kind_weights = [names.KINDS[k][0] for k in kinds]
    regions = list(names.CITIES)
    region_weights = [names.CITIES[r][0] for r in regions]
    used: set[str] = set()
    for index in range(count):
        kind = rng.choices(kinds, kind_weights)[0]
        region = rng.choices(regions, region_weights)[0]
        city = rng.choice(names.CITIES[region][1])
        name, arabic, website = _organization_name(world, kind, city, used)
        themes = world.themes()
        theme_bits, sdg_bits = world.masks(themes)
        at = world.moment(FIRST_DAY)
        world.organizations.append({
            "id": first + index, "name": name, "name_arabic": arabic, "kind": kind.value,
            "legal_identifier": str(rng.randrange(10**14, 10**15)) if kind in ICE_KINDS else "",
            "founding_year": rng.randint(1985, 2024), "region": region.value, "city": city[0],
            "address": "", "website": website if rng.random() < 0.25 else "",
            "description": "", "themes": theme_bits, "sdgs": sdg_bits,
            "created_at": at, "updated_at": at, "version": 1, "_themes": themes,
            "_city_ar": city[1]})


def write_organizations(world: World) -> None:
    rows = ({k: v for k, v in org.items() if not k.startswith("_")}
            for org in world.organizations)
    world.writer.write_all(Organization.__table__, rows, "organizations",
                           len(world.organizations))


def _member_of(world: World) -> list[int]:
    """The organization (index) of each person: every organization gets one person first."""
    rng, people, orgs = world.rng, world.counts["people"], len(world.organizations)
    firsts = list(range(orgs))[:people]
    rng.shuffle(firsts)
    sizes = [rng.lognormvariate(0, 0.8) for _ in range(orgs)]
    return firsts + rng.choices(range(orgs), sizes, k=people - len(firsts))


def _latin(text: str, cache: dict) -> str:
    if text not in cache:
        cache[text] = to_latin(text).replace(" ", "").replace("'", "")
    return cache[text]


def plan_people(world: World) -> None:
    """People rows and their memberships (each in one organization, some in two)."""
    rng, count = world.rng, world.counts["people"]
    first = world.writer.reserve(Person.__table__, count)
    phones = rng.sample(range(2 * 10**8), count)
    regions = list(names.CITIES)
    latin: dict[str, str] = {}
    member_of = _member_of(world)
    for index in range(count):
        given, given_ar, gender = rng.choice(names.FIRST)
        family, family_ar = rng.choice(names.LAST)
        script = rng.random()
        pid = first + index
        org = world.organizations[member_of[index]]
        region = org["region"] if rng.random() < 0.8 else rng.choice(regions).value
        city = org["city"] if region == org["region"] else rng.choice(
            names.CITIES[Region(region)][1])[0]
        email = (f"{_latin(given, latin)}.{_latin(family, latin)}{pid}@"
                 f"{rng.choice(names.EMAIL_DOMAINS)}").lower() if rng.random() < 0.88 else None
        number = phones[index]
        at = world.moment(FIRST_DAY)
        world.people.append({
            "id": pid, "first_name": given if script > 0.04 else "",
            "last_name": family if script > 0.04 else "",
            "name_arabic": f"{given_ar} {family_ar}" if script > 0.08 or script < 0.04 else "",
            "email": email,
            "phone": f"+212{6 + number // 10**8}{number % 10**8:08d}" if rng.random() < 0.85
            else None,
            "gender": gender.value if rng.random() < 0.95 else None,
            "city": city if rng.random() < 0.9 else "", "region": region,
            "notes": "", "created_at": at, "updated_at": at, "version": 1,
            "_organizations": [member_of[index]]})
    for person in world.people:
        if rng.random() < 0.1:
            other = rng.randrange(len(world.organizations))
            if other not in person["_organizations"]:
                person["_organizations"].append(other)


def write_people(world: World) -> None:
    rows = ({k: v for k, v in p.items() if not k.startswith("_")} for p in world.people)
    world.writer.write_all(Person.__table__, rows, "people", len(world.people))
    founded: set[int] = set()
    memberships = []
    for person in world.people:
        for org in person["_organizations"]:
            role = world.rng.choice(ROLES) if org in founded else world.rng.choice(
                [MembershipRole.FOUNDER, MembershipRole.DIRECTOR])
            founded.add(org)
            memberships.append({"person_id": person["id"],
                                "organization_id": world.organizations[org]["id"],
                                "role": role.value})
    first = world.writer.reserve(Membership.__table__, len(memberships))
    for offset, row in enumerate(memberships):
        row["id"] = first + offset
    world.writer.write_all(Membership.__table__, memberships, "memberships", len(memberships))


def write_tags(world: World) -> None:
    """A few shared tags (reusing those that exist) on some people, organizations, projects."""
    existing = {key: tid for tid, key in db.session.execute(db.select(Tag.id, Tag.key))}
    wanted = [name for name in names.TAGS if fold(name) not in existing]
    first = world.writer.reserve(Tag.__table__, len(wanted))
    world.writer.write(Tag.__table__, [{"id": first + i, "name": name, "key": fold(name)}
                                       for i, name in enumerate(wanted)])
    existing |= {fold(name): first + i for i, name in enumerate(wanted)}
    tag_ids = [existing[fold(name)] for name in names.TAGS]
    rng = world.rng
    for table, column, ids, share in (
            (organization_tags, "organization_id", [o["id"] for o in world.organizations], 0.3),
            (person_tags, "person_id", [p["id"] for p in world.people], 0.15),
            (project_tags, "project_id", [p.id for p in world.projects], 0.25)):
        rows = [{column: rid, "tag_id": rng.choice(tag_ids)} for rid in ids
                if rng.random() < share]
        world.writer.write_all(table, rows, table.name, len(rows))


def _person_tokens(person: dict, cache: dict) -> set[str]:
    """The same keys as crm.people.services.person_tokens, the name part computed once per
    name (names repeat a lot)."""
    key = (person["first_name"], person["last_name"], person["name_arabic"], person["city"])
    if key not in cache:
        cache[key] = name_tokens(*key) | person_name_tokens(*key[:3])
    return cache[key] | email_tokens(person["email"]) | phone_tokens(person["phone"])


def _token_rows(world: World, project_rows: list[dict]):
    cache: dict = {}
    for person in world.people:
        for token in sorted(clip(_person_tokens(person, cache))):
            yield {"entity_type": "person", "entity_id": person["id"], "token": token}
    for org in world.organizations:
        tokens = name_tokens(org["name"], org["name_arabic"], org["legal_identifier"],
                             org["city"])
        for token in sorted(clip(tokens)):
            yield {"entity_type": "organization", "entity_id": org["id"], "token": token}
    for project in project_rows:
        for token in sorted(clip(name_tokens(project["name"], project["name_arabic"],
                                             project["cohort"]))):
            yield {"entity_type": "project", "entity_id": project["id"], "token": token}


def write_search_tokens(world: World, project_rows: list[dict]) -> None:
    """Search keys of every synthetic person, organization and project, as the services
    compute them (crm.search.index_record), written in bulk."""
    # Nothing refers to a token's id: the database numbers them.
    estimate = 18 * len(world.people) + 12 * len(world.organizations) + 8 * len(project_rows)
    world.writer.write_all(SearchToken.__table__, _token_rows(world, project_rows),
                           "search_tokens", estimate)

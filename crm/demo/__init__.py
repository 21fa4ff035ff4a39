"""Demo data for `flask crm seed-demo`: idempotent, built through the domains' services."""

from crm.auth import services as auth_services
from crm.auth.models import Role, User
from crm.extensions import db

DEMO_PASSWORD = "demo-password"

DEMO_USERS = [
    ("admin@demo.crm", Role.ADMIN, "fr", "Amina Admin"),
    ("manager@demo.crm", Role.MANAGER, "fr", "Karim Bennani"),
    ("officer@demo.crm", Role.OFFICER, "ar", "سلمى العلوي"),
    ("officer2@demo.crm", Role.OFFICER, "fr", "Youssef Tazi"),
    ("innovator@demo.crm", Role.INNOVATOR, "fr", "Nadia El Amrani"),
    ("reviewer@demo.crm", Role.REVIEWER, "en", "Leila Bennis"),
]


def is_database_empty() -> bool:
    return db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def seed_users() -> list[User]:
    users = []
    for email, role, language, name in DEMO_USERS:
        user = auth_services.get_user_by_email(email)
        if user is None:
            user = auth_services.create_user(None, email, DEMO_PASSWORD, role, language, name)
        users.append(user)
    return users


def seed_demo() -> list[User]:
    """Create (or complete) the demo data; running it twice adds nothing."""
    from crm.demo.calls import seed_call
    from crm.demo.forum import seed_forum
    from crm.demo.funding import seed_funding
    from crm.demo.impact import seed_impact
    from crm.demo.portal import seed_portal
    from crm.demo.portfolio import seed_portfolio
    from crm.pipeline.services import ensure_default_stages

    users = seed_users()
    ensure_default_stages()
    seed_portfolio([u for u in users if u.role == Role.OFFICER])
    seed_forum()
    seed_funding()
    seed_impact()
    seed_portal()
    seed_call(next(u for u in users if u.role == Role.OFFICER))
    return users

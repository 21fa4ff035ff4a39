"""Demo data for `flask crm seed-demo`: idempotent, built through the domains' services."""

from crm.auth import services as auth_services
from crm.auth import two_factor
from crm.auth.models import Role, User
from crm.extensions import db

DEMO_PASSWORD = "demo-password"
# The demo administrator's authenticator key (two-factor sign-in is required of
# administrators): public, like the password, so the demo data must never hold real data.
DEMO_TOTP_SECRET = "DEMOCRMADMINKEYDEMOCRMADMINKEY23"

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
        if two_factor.must_set_up(user):
            two_factor.enable_with_secret(None, user, DEMO_TOTP_SECRET)
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

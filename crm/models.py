"""Every domain's models, imported so Alembic, the shell and the tests see all tables."""

from crm.auth.models import Role, User

__all__ = ["Role", "User"]

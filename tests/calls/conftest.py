"""The portal's two sides (A and B), for what innovators see of applications."""

from tests.portal.conftest import world  # noqa: F401

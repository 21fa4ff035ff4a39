"""The portal's two sides (A and B) for the documents' access tests."""

from tests.portal.conftest import world  # noqa: F401

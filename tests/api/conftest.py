"""Tokens for the API tests: a user of each role, each with a token, and a client that
sends it."""

import pytest

from crm.api import tokens
from crm.api.models import Scope
from tests.portal.conftest import world  # noqa: F401  (two innovators, two organizations)


def bearer(user, scope=Scope.READ_WRITE, days=90) -> dict:
    """Headers carrying a new token of `user`'s."""
    created = tokens.create_token(user, "tests", scope, days)
    return {"Authorization": f"Bearer {created.secret}"}


@pytest.fixture
def api(app):
    """A client without cookies that sends the headers it is given (a token)."""
    client = app.test_client(use_cookies=False)

    def call(method: str, url: str, headers: dict, json=None, **kwargs):
        return client.open(url, method=method, headers=headers, json=json, **kwargs)

    return call

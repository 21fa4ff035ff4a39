"""Endpoint secrets: made at random, stored encrypted with a key derived from SECRET_KEY
(signing needs them in clear, so they cannot be hashed; a copy of the database alone then
forges no delivery). Changing SECRET_KEY makes them unreadable: the deliveries fail with a
message saying so, until an admin makes a new secret."""

import base64
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


class UnreadableSecret(Exception):
    """The stored secret was sealed with another SECRET_KEY."""


def new_secret() -> str:
    """256 random bits; the receiver keeps a copy to check the signatures."""
    return secrets.token_urlsafe(32)


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"crm webhook secret").derive(current_app.secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def unseal(sealed: str) -> str:
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken as unreadable:
        raise UnreadableSecret from unreadable

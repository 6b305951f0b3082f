"""Credentials encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256).

INTEGRATIONS_KEY holds one or more Fernet keys, comma-separated: the first encrypts, every
one decrypts, so a key is rotated by putting the new one first and re-saving connections.
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_noop

from common.texts import say


class CredentialsUnreadable(Exception):
    """The stored credentials do not decrypt with the configured keys (a lost or new key)."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError:
        raise ImproperlyConfigured(
            "INTEGRATIONS_KEY must hold Fernet keys (32 url-safe base64-encoded bytes); "
            "make one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        ) from None


def _keys() -> MultiFernet:
    return _fernet(tuple(settings.INTEGRATIONS_KEYS))


def encrypt(secret: str) -> bytes:
    return _keys().encrypt(secret.encode())


def decrypt(token: bytes) -> str:
    try:
        return _keys().decrypt(token).decode()
    except InvalidToken:
        raise CredentialsUnreadable(
            say(
                gettext_noop(
                    "The saved credentials cannot be read with the current INTEGRATIONS_KEY: "
                    "enter the token again."
                )
            )
        ) from None

"""Shopify's webhook signature: base64(HMAC-SHA256(app secret, raw body))."""

from __future__ import annotations

import base64
import hashlib
import hmac


def signature(secret: str, body: bytes) -> str:
    """The X-Shopify-Hmac-Sha256 value Shopify sends for `body` signed with `secret`."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def is_authentic(secret: str, body: bytes, header: str | None) -> bool:
    """Whether `header` signs `body`, compared in constant time.

    An empty secret authenticates nothing: a missing setting must not open the door.
    """
    if not secret or not header:
        return False
    expected = signature(secret, body).encode("ascii")
    return hmac.compare_digest(expected, header.strip().encode("utf-8", "replace"))

"""Shopify webhook fixtures: the real sample payloads and their published test vectors."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from catalog.webhooks.verify import signature
from tests.promises.conftest import world  # noqa: F401 - the engine's small store

# The secret HMAC_TEST_VECTORS.txt signs the samples with.
TEST_SECRET = "hush"


def formats_dir() -> Path:
    """../shared/formats beside the repository (in a git worktree, beside its parent)."""
    base = Path(settings.BASE_DIR)
    for folder in (base.parent, *base.parent.parents):
        if (folder / "shared" / "formats").is_dir():
            return folder / "shared" / "formats"
    return base.parent / "shared" / "formats"


def webhooks_dir() -> Path:
    return formats_dir() / "shopify" / "webhooks"


@pytest.fixture
def samples() -> Path:
    folder = webhooks_dir()
    if not folder.is_dir():
        pytest.skip(f"Shopify webhook samples not found at {folder}")
    return folder


@pytest.fixture
def vectors(samples) -> dict[str, dict[str, str]]:
    """file name -> {secret, bytes, sha256(body), X-Shopify-Hmac-Sha256} from the vectors."""
    parsed = {}
    for line in (samples / "HMAC_TEST_VECTORS.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, *pairs = line.split("\t")
        parsed[name] = dict(pair.split("=", 1) for pair in pairs)
    return parsed


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.SHOPIFY_WEBHOOK_SECRET = TEST_SECRET


@pytest.fixture
def post_webhook(db):
    """post_webhook(body, topic, webhook_id=..., hmac=...) -> response, signed unless told."""
    counter = iter(range(1, 1_000_000))

    def post(
        body: bytes,
        topic: str,
        *,
        webhook_id: str | None = None,
        hmac: str | None = None,
        triggered_at: str = "2025-04-22T19:30:00.123456789Z",
        client: Client | None = None,
        **headers: str,
    ):
        sent = {
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": signature(TEST_SECRET, body) if hmac is None else hmac,
            "X-Shopify-Shop-Domain": "example.myshopify.com",
            "X-Shopify-API-Version": "2025-04",
            "X-Shopify-Webhook-Id": webhook_id or f"wh-{next(counter)}",
            "X-Shopify-Triggered-At": triggered_at,
            **headers,
        }
        return (client or Client()).post(
            "/webhooks/shopify/",
            data=body,
            content_type="application/json",
            headers={k: v for k, v in sent.items() if v is not None},
        )

    return post

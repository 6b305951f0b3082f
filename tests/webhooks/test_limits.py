"""Deliveries Django's form limits used to refuse forever: large bodies, long webhook ids."""

from __future__ import annotations

import json

import pytest

from catalog.models import WebhookDelivery
from catalog.webhooks.inbox import PRODUCTS_UPDATE

pytestmark = pytest.mark.django_db


def _large_product(size: int) -> bytes:
    """A products/update padded past `size` bytes with a long description."""
    payload = {"id": 1, "title": "Big", "body_html": "x" * size, "variants": []}
    return json.dumps(payload).encode()


def test_a_body_over_djangos_form_limit_is_accepted(post_webhook, settings):
    body = _large_product(3 * 1024 * 1024)  # over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = post_webhook(body, PRODUCTS_UPDATE)
    assert response.status_code == 200
    assert bytes(WebhookDelivery.objects.get().body) == body


def test_a_body_over_the_webhook_limit_gets_413_with_a_clear_message(post_webhook, settings):
    settings.WEBHOOK_MAX_BODY_MB = 1
    response = post_webhook(_large_product(1024 * 1024 + 1), PRODUCTS_UPDATE)
    assert response.status_code == 413
    assert response.json() == {
        "error": "The body is over the webhook limit of 1 MB (WEBHOOK_MAX_BODY_MB)."
    }
    assert not WebhookDelivery.objects.exists()


def test_long_webhook_ids_sharing_their_first_255_characters_do_not_collide(post_webhook):
    prefix = "w" * 255
    body = json.dumps({"id": 1, "title": "T", "variants": []}).encode()
    first = post_webhook(body, PRODUCTS_UPDATE, webhook_id=prefix + "-one")
    second = post_webhook(body, PRODUCTS_UPDATE, webhook_id=prefix + "-two")
    again = post_webhook(body, PRODUCTS_UPDATE, webhook_id=prefix + "-two")
    assert [r.json()["status"] for r in (first, second, again)] == [
        "accepted",
        "accepted",
        "duplicate",
    ]
    assert sorted(WebhookDelivery.objects.values_list("webhook_id", flat=True)) == [
        prefix + "-one",
        prefix + "-two",
    ]

"""The webhook endpoint: signature first, then one inbox row per delivery id, answered fast."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.test import Client

from catalog.choices import DeliveryStatus
from catalog.models import WebhookDelivery
from catalog.webhooks.inbox import PRODUCTS_UPDATE
from catalog.webhooks.verify import is_authentic, signature
from tests.webhooks.conftest import TEST_SECRET

TOPICS = {
    "inventory_levels_update.sample.json": "inventory_levels/update",
    "products_update.docs_example.json": "products/update",
    "products_update.full_shape_sample.json": "products/update",
}


def test_every_vector_verifies_its_sample(samples, vectors):
    assert vectors, "HMAC_TEST_VECTORS.txt lists no vector"
    for name, vector in vectors.items():
        body = (samples / name).read_bytes()
        assert len(body) == int(vector["bytes"])
        assert hashlib.sha256(body).hexdigest() == vector["sha256(body)"]
        assert signature(vector["secret"], body) == vector["X-Shopify-Hmac-Sha256"]
        assert is_authentic(vector["secret"], body, vector["X-Shopify-Hmac-Sha256"])
        assert not is_authentic("other", body, vector["X-Shopify-Hmac-Sha256"])


@pytest.mark.django_db
def test_each_sample_with_its_vector_header_is_accepted_and_stored(samples, vectors, post_webhook):
    for name, vector in vectors.items():
        body = (samples / name).read_bytes()
        response = post_webhook(
            body, TOPICS[name], webhook_id=name, hmac=vector["X-Shopify-Hmac-Sha256"]
        )
        assert response.status_code == 200, name
        assert response.json() == {"status": "accepted"}
        delivery = WebhookDelivery.objects.get(webhook_id=name)
        assert bytes(delivery.body) == body  # byte for byte, for replays
        assert delivery.topic == TOPICS[name]
        assert delivery.shop_domain == "example.myshopify.com"
        assert delivery.api_version == "2025-04"
        assert delivery.triggered_at.isoformat() == "2025-04-22T19:30:00.123456+00:00"
        assert delivery.status == DeliveryStatus.PENDING


@pytest.mark.django_db
def test_every_sample_file_verifies_when_signed_with_the_test_secret(samples, post_webhook):
    for path in sorted(samples.glob("*.json")):
        response = post_webhook(path.read_bytes(), TOPICS[path.name], webhook_id=path.name)
        assert response.status_code == 200, path.name


@pytest.mark.django_db
def test_tampered_body_gets_401_and_stores_nothing(samples, vectors, post_webhook):
    name = "inventory_levels_update.sample.json"
    body = (samples / name).read_bytes().replace(b'"available":10', b'"available":99')
    response = post_webhook(body, TOPICS[name], hmac=vectors[name]["X-Shopify-Hmac-Sha256"])
    assert response.status_code == 401
    assert "X-Shopify-Hmac-Sha256" in response.json()["error"]
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_missing_signature_gets_401(samples):
    body = (samples / "products_update.docs_example.json").read_bytes()
    response = Client().post(
        "/webhooks/shopify/",
        data=body,
        content_type="application/json",
        headers={"X-Shopify-Topic": PRODUCTS_UPDATE, "X-Shopify-Webhook-Id": "x"},
    )
    assert response.status_code == 401
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_signature_with_another_secret_gets_401(post_webhook):
    body = b'{"id": 1}'
    assert post_webhook(body, PRODUCTS_UPDATE, hmac=signature("wrong", body)).status_code == 401
    assert post_webhook(body, PRODUCTS_UPDATE, hmac="not base64 \u00e9").status_code == 401


@pytest.mark.django_db
def test_without_a_configured_secret_every_webhook_is_refused(settings, post_webhook, caplog):
    settings.SHOPIFY_WEBHOOK_SECRET = ""
    body = b'{"id": 1}'
    response = post_webhook(body, PRODUCTS_UPDATE, hmac=signature("", body))
    assert response.status_code == 401
    assert "SHOPIFY_WEBHOOK_SECRET is not set" in caplog.text


@pytest.mark.django_db
def test_repeated_webhook_id_changes_nothing(samples, post_webhook):
    body = (samples / "products_update.docs_example.json").read_bytes()
    assert post_webhook(body, PRODUCTS_UPDATE, webhook_id="same").json()["status"] == "accepted"
    first = WebhookDelivery.objects.get()
    other = b'{"id": 2, "title": "Other"}'
    again = post_webhook(other, PRODUCTS_UPDATE, webhook_id="same")
    assert again.status_code == 200
    assert again.json() == {"status": "duplicate"}
    stored = WebhookDelivery.objects.get()
    assert (stored.pk, bytes(stored.body), stored.received_at) == (
        first.pk,
        body,
        first.received_at,
    )


@pytest.mark.django_db
def test_unknown_topic_is_stored_and_ignored(post_webhook):
    response = post_webhook(b'{"id": 1}', "orders/create", webhook_id="o1")
    assert response.json() == {"status": "ignored"}
    assert WebhookDelivery.objects.get(webhook_id="o1").status == DeliveryStatus.IGNORED


@pytest.mark.django_db
def test_missing_webhook_id_is_a_clear_400(post_webhook):
    response = post_webhook(b"{}", PRODUCTS_UPDATE, **{"X-Shopify-Webhook-Id": ""})
    assert response.status_code == 400
    assert "X-Shopify-Webhook-Id" in response.json()["error"]


@pytest.mark.django_db
def test_only_post_is_allowed(client):
    assert client.get("/webhooks/shopify/").status_code == 405


@pytest.mark.django_db
def test_the_view_does_not_apply_the_delivery_itself(post_webhook, django_assert_max_num_queries):
    """Acknowledge fast: a savepoint-free insert, nothing read from the catalog."""
    body = json.dumps({"id": 5, "title": "T", "variants": []}).encode()
    with django_assert_max_num_queries(3):  # SAVEPOINT, INSERT, RELEASE
        assert post_webhook(body, PRODUCTS_UPDATE).status_code == 200
    assert WebhookDelivery.objects.get().status == DeliveryStatus.PENDING


def test_signature_helper_matches_the_published_format():
    # base64 of 32 bytes: 44 characters ending in "=".
    value = signature(TEST_SECRET, b"{}")
    assert len(value) == 44 and value.endswith("=")

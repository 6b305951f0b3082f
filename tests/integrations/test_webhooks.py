"""discounts/* webhooks: stored by the catalog's inbox, applied through the Shopify sync code."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from catalog.choices import DeliveryStatus
from catalog.models import WebhookDelivery
from catalog.webhooks.services import process_inbox
from catalog.webhooks.verify import signature
from promises.models import PromoCode
from tests.integrations.fakes import discount

pytestmark = pytest.mark.django_db

SECRET = "hush"


@pytest.fixture
def post(settings):
    settings.SHOPIFY_WEBHOOK_SECRET = SECRET
    counter = iter(range(1, 1000))

    def send(topic: str, payload: dict, shop: str = "acme.myshopify.com"):
        body = json.dumps(payload).encode()
        return Client().post(
            "/webhooks/shopify/",
            data=body,
            content_type="application/json",
            headers={
                "X-Shopify-Topic": topic,
                "X-Shopify-Hmac-Sha256": signature(SECRET, body),
                "X-Shopify-Shop-Domain": shop,
                "X-Shopify-Webhook-Id": f"wh-{next(counter)}",
                "X-Shopify-Triggered-At": "2025-06-01T10:00:00Z",
            },
        )

    return send


def payload(n: int, kind: str = "DiscountCodeNode", updated: str = "2025-06-01T10:00:00Z"):
    """The discounts/* body as Shopify's webhook reference shows it."""
    return {
        "admin_graphql_api_id": f"gid://shopify/{kind}/{n}",
        "title": "Summer",
        "status": "ACTIVE",
        "created_at": "2025-05-01T10:00:00-04:00",
        "updated_at": updated,
    }


def test_discounts_create_is_accepted_and_reads_the_code_from_shopify(store, shopify, post):
    shopify.discounts = [discount(1, "SUMMER20", limit=100)]

    response = post("discounts/create", payload(1))
    counts = process_inbox()

    assert response.json() == {"status": "accepted"}
    assert counts.processed == 1, WebhookDelivery.objects.get().last_error
    code = PromoCode.objects.get(code="SUMMER20")
    assert code.usage_limit == 100 and code.active
    assert any("codeDiscountNode(id:" in q for q in shopify.queries)


def test_discounts_update_changes_the_code_and_delete_switches_it_off(store, shopify, post):
    shopify.discounts = [discount(1, "SUMMER20", limit=100)]
    post("discounts/create", payload(1))
    process_inbox()

    shopify.discounts = [discount(1, "SUMMER20", limit=100, used=60)]
    post("discounts/update", payload(1, updated="2025-06-02T10:00:00Z"))
    process_inbox()
    assert PromoCode.objects.get().usage_count == 60

    shopify.discounts = []
    post("discounts/delete", payload(1, updated="2025-06-03T10:00:00Z"))
    assert process_inbox().processed == 1
    assert not PromoCode.objects.get().active


def test_an_automatic_discount_is_processed_without_a_code(store, shopify, post):
    post("discounts/create", payload(5, kind="DiscountAutomaticNode"))

    assert process_inbox().processed == 1
    # Not a code: nothing to read from Shopify, nothing to keep.
    assert not shopify.queries
    assert not PromoCode.objects.exists()


def test_a_shop_without_a_connection_fails_the_delivery_for_a_replay(db, shopify, post):
    post("discounts/create", payload(1), shop="other.myshopify.com")

    counts = process_inbox()

    delivery = WebhookDelivery.objects.get()
    assert counts.failed == 1 and delivery.status == DeliveryStatus.FAILED
    assert "No Shopify connection for other.myshopify.com" in delivery.last_error


def test_shopify_down_fails_the_delivery_in_plain_words(store, shopify, post, slept):
    for _ in range(5):
        shopify.queued.append((503, {"errors": "unavailable"}, {}))

    post("discounts/update", payload(1))
    process_inbox()

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert "Shopify could not be read" in delivery.last_error

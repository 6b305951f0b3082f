"""Catalog and promise records through the API: the database's rules as field messages."""

from __future__ import annotations

import pytest

from catalog.models import Product
from tests.factories import (
    CampaignItemFactory,
    LocationFactory,
    PromoCodeFactory,
    SKUFactory,
    StockLevelFactory,
)

pytestmark = pytest.mark.django_db


def test_skus_show_available_to_promise(api, world, exec_user):
    row = api(exec_user).get(f"/api/skus/{world.sku.pk}/").json()
    # 100 available, 20 reserved by the scheduled campaign, no safety buffer.
    assert (row["available"], row["reserved"], row["available_to_promise"]) == (100, 20, 80)


def test_a_new_sku_answers_with_its_stock_figures(api, ops_user):
    product = Product.objects.create(handle="cap", title="Cap")
    response = api(ops_user).post(
        "/api/skus/", {"product": product.pk, "code": "CAP-1", "price": "12.00"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["available_to_promise"] == 0


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("shipping-methods", {"min_days": 5, "max_days": 2}, "non_field_errors"),
        ("shipping-methods", {"min_days": 2**31}, "min_days"),
        ("shipping-methods", {"countries": ["FR", "ZZ"]}, "countries"),
        ("shipping-methods", {"price": "-0.01"}, "price"),
        ("shipping-methods", {"currency": "XYZ"}, "currency"),
        ("return-policies", {"excluded_categories": "shoes"}, "excluded_categories"),
        ("return-policies", {"excluded_categories": ["a\x00"]}, "excluded_categories"),
        ("products", {"attributes": {"k": "nul\x00"}}, "attributes"),
        ("products", {"handle": "not a slug"}, "handle"),
        ("products", {"shopify_product_id": 2**63}, "shopify_product_id"),
        ("channels", {"surfaces": ["billboard"]}, "surfaces"),
        ("channels", {"native_checkout_fee_rate": "1.5"}, "native_checkout_fee_rate"),
        ("promo-codes", {"kind": "percentage", "value": "150"}, "non_field_errors"),
        ("promo-codes", {"starts_at": "10000-01-01T00:00:00Z"}, "starts_at"),
        ("stock-levels", {"on_hand": 1, "available": 5}, "non_field_errors"),
    ],
)
def test_bad_input_gets_field_errors_not_a_server_error(api, admin_user, path, body, field):
    valid = {
        "shipping-methods": {
            "name": "Express",
            "countries": ["FR"],
            "min_days": 1,
            "max_days": 2,
            "price": "9.90",
        },
        "return-policies": {"name": "EU", "window_days": 30},
        "products": {"handle": "mug", "title": "Mug"},
        "channels": {"name": "TikTok", "network": "tiktok"},
        "promo-codes": {
            "code": "SPRING",
            "kind": "fixed",
            "value": "5",
            "starts_at": "2026-03-01T00:00:00Z",
        },
        "stock-levels": lambda: {
            "sku": SKUFactory().pk,
            "location": LocationFactory().pk,
            "on_hand": 5,
            "available": 5,
        },
    }[path]
    valid = valid() if callable(valid) else valid
    client = api(admin_user)
    response = client.post(f"/api/{path}/", valid | body, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"], response.json()


def test_promo_codes_are_unique_whatever_the_case(api, ops_user):
    PromoCodeFactory(code="SUMMER20")
    response = api(ops_user).post(
        "/api/promo-codes/",
        {"code": "summer20", "kind": "fixed", "value": "5", "starts_at": "2026-03-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"]


def test_a_sku_in_a_campaign_cannot_be_deleted(api, ops_user):
    item = CampaignItemFactory()
    response = api(ops_user).delete(f"/api/skus/{item.sku.pk}/")
    assert response.status_code == 409
    assert response.json()["code"] == "protected"


def test_a_stock_change_through_the_api_re_checks_the_campaign(
    api, world, ops_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        stock = api(ops_user).patch(
            f"/api/stock-levels/{world.stock.pk}/", {"available": 0, "on_hand": 0}, format="json"
        )
    assert stock.status_code == 200
    campaign = api(ops_user).get(f"/api/campaigns/{world.campaign.pk}/").json()
    assert campaign["readiness"] == "blocked"
    assert "STOCK_OUT" in {c["rule_code"] for c in campaign["conflicts"]}


def test_lists_page_with_a_capped_page_size(api, exec_user):
    StockLevelFactory.create_batch(3)
    client = api(exec_user)
    page = client.get("/api/stock-levels/?page_size=2").json()
    assert (page["count"], len(page["results"])) == (3, 2)
    assert page["next"].endswith("page=2&page_size=2")
    assert len(client.get("/api/stock-levels/?page_size=100000").json()["results"]) == 3
    assert client.get("/api/stock-levels/?page=99").status_code == 404
    assert client.get("/api/products/?search=a%00b").status_code == 400


def test_rule_settings_name_real_rules_once(api, admin_user):
    client = api(admin_user)
    body = {"rule_code": "STOCK_SHORT", "severity": "blocker"}
    assert client.post("/api/rule-settings/", body, format="json").status_code == 201
    again = client.post("/api/rule-settings/", body, format="json")
    assert again.status_code == 400
    assert "rule_code" in again.json()["errors"]
    unknown = client.post(
        "/api/rule-settings/", {"rule_code": "NOPE", "severity": "info"}, format="json"
    )
    assert "rule_code" in unknown.json()["errors"]


@pytest.mark.parametrize(
    "query",
    [
        "/api/promo-codes/?channel=-285945654086933244756885504",
        "/api/promo-codes/?channel=99999999999999999999",
        "/api/campaigns/?channel=-285945654086933244756885504",
        "/api/conflicts/?campaign=99999999999999999999",
        "/api/skus/?product=99999999999999999999",
        "/api/products/99999999999999999999/",
    ],
)
def test_ids_past_64_bits_are_answered_not_crashed_on(api, exec_user, query):
    assert api(exec_user).get(query).status_code in (200, 400, 404)


def test_promise_lists_use_the_pages_filters(api, exec_user):
    from tests.factories import ShippingMethodFactory

    fr = ShippingMethodFactory(countries=["FR", "DE"])
    ShippingMethodFactory(countries=["ES"])
    client = api(exec_user)
    assert [m["id"] for m in client.get("/api/shipping-methods/?country=de").json()["results"]] == [
        fr.pk
    ]
    assert client.get("/api/shipping-methods/?country=((").json()["results"] == []


def test_skus_filter_on_available_to_promise_as_the_sku_page(api, world, exec_user):
    SKUFactory()  # nothing in stock
    client = api(exec_user)
    out = client.get("/api/skus/?stock=out").json()["results"]
    assert world.sku.pk not in [s["id"] for s in out]
    promoted = client.get("/api/skus/?promoted=true").json()["results"]
    assert [(s["id"], s["campaign_count"]) for s in promoted] == [(world.sku.pk, 1)]


@pytest.mark.parametrize("size", ["null", "0", "-1", "2.5", "²"])
def test_a_page_size_the_schema_calls_invalid_is_refused(api, exec_user, size):
    response = api(exec_user).get(f"/api/stock-levels/?page_size={size}")
    assert response.status_code == 400
    assert "page_size" in response.json()["errors"]

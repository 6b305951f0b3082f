"""Each role reaches exactly what its pages let it reach, enforced by the server."""

from __future__ import annotations

import pytest

from tests.factories import (
    ChannelFactory,
    ConflictFactory,
    OrderFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db

EVERY_LIST = [
    "products",
    "skus",
    "locations",
    "stock-levels",
    "channels",
    "creators",
    "campaigns",
    "campaign-items",
    "campaign-claims",
    "shipping-methods",
    "shipping-overrides",
    "return-policies",
    "checkout-countries",
    "promo-codes",
    "support-replies",
    "conflicts",
    "conflict-events",
    "check-runs",
    "rule-settings",
    "orders",
    "channel-metrics",
    "survey-responses",
]
READ = {"marketing": 200, "ops": 200, "exec": 200, "admin": 200, "outsider": 403, "anonymous": 401}


@pytest.mark.parametrize("resource", EVERY_LIST)
def test_everyone_with_a_role_reads_every_list_and_nobody_else(api, cast, resource):
    got = {who: api(user).get(f"/api/{resource}/").status_code for who, user in cast.items()}
    assert got == READ


def _expect(allowed: set[str], ok: int) -> dict[str, int]:
    everyone = ["marketing", "ops", "exec", "admin", "outsider"]
    return {who: ok if who in allowed else 403 for who in everyone} | {"anonymous": 401}


def _post_each(api, cast, path: str, body) -> dict[str, int]:
    codes = {}
    for who, user in cast.items():
        payload = body(who) if callable(body) else body
        codes[who] = api(user).post(path, payload, format="json").status_code
    return codes


def test_ops_and_admins_edit_the_catalog(api, cast):
    got = _post_each(api, cast, "/api/products/", lambda who: {"handle": who, "title": who})
    assert got == _expect({"ops", "admin"}, 201)


def test_marketing_and_admins_plan_campaigns(api, cast):
    channel = ChannelFactory()
    got = _post_each(
        api,
        cast,
        "/api/campaigns/",
        lambda who: {"channel": channel.pk, "name": who, "format": "story"},
    )
    assert got == _expect({"marketing", "admin"}, 201)


def test_ops_and_admins_change_shipping(api, cast):
    got = _post_each(
        api,
        cast,
        "/api/shipping-methods/",
        lambda who: {
            "name": who,
            "countries": ["FR"],
            "min_days": 1,
            "max_days": 2,
            "price": "4.90",
        },
    )
    assert got == _expect({"ops", "admin"}, 201)


def test_only_ops_and_admins_work_conflicts(api, cast):
    conflict = ConflictFactory()
    got = _post_each(api, cast, f"/api/conflicts/{conflict.pk}/acknowledge/", {})
    assert got == _expect({"ops", "admin"}, 200)


def test_only_admins_load_orders_metrics_and_survey_answers(api, cast):
    for path in ("/api/orders/bulk/", "/api/channel-metrics/bulk/", "/api/survey-responses/bulk/"):
        got = _post_each(api, cast, path, {"items": [{}]})
        assert got == _expect({"admin"}, 207), path  # the empty item is refused


def test_only_admins_change_rule_settings(api, cast):
    got = _post_each(
        api,
        cast,
        "/api/rule-settings/",
        {"rule_code": "STOCK_SHORT", "severity": "blocker", "enabled": True},
    )
    assert got["admin"] == 201
    assert {who: code for who, code in got.items() if who != "admin"} == {
        "marketing": 403,
        "ops": 403,
        "exec": 403,
        "outsider": 403,
        "anonymous": 401,
    }


def test_execs_change_nothing(api, exec_user):
    product, order = ProductFactory(), OrderFactory()
    client = api(exec_user)
    assert client.patch(f"/api/products/{product.pk}/", {"title": "x"}).status_code == 403
    assert client.delete(f"/api/orders/{order.pk}/").status_code == 403
    assert client.post("/api/orders/bulk/", [], format="json").status_code == 403


def test_conflicts_cannot_be_created_or_deleted_by_anyone(api, admin_user):
    conflict = ConflictFactory()
    client = api(admin_user)
    assert client.post("/api/conflicts/", {}, format="json").status_code == 405
    assert client.delete(f"/api/conflicts/{conflict.pk}/").status_code == 405
    assert client.patch(f"/api/conflicts/{conflict.pk}/", {"state": "resolved"}).status_code == 405

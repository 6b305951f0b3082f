"""The SKU list and SKU page: available to promise, campaigns promoting, stock edited by ops."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from catalog.models import StockLevel
from tests.factories import (
    CampaignFactory,
    CampaignItemFactory,
    LocationFactory,
    ProductFactory,
    SKUFactory,
    StockLevelFactory,
)

LIST = reverse("catalog:sku-list")


def _detail(sku) -> str:
    return reverse("catalog:sku-detail", args=[sku.pk])


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def shelf(db):
    """Three SKUs: one promoted twice and low, one out of stock, one plenty and unpromoted."""
    low = SKUFactory(code="LOW-1", safety_buffer=2)
    StockLevelFactory(sku=low, on_hand=30, available=30)
    CampaignItemFactory(sku=low, reserved_units=10)
    CampaignItemFactory(sku=low, reserved_units=10)
    CampaignItemFactory(sku=low, reserved_units=50, campaign=CampaignFactory(status="draft"))
    out = SKUFactory(code="OUT-1", product=ProductFactory(status="archived"))
    StockLevelFactory(sku=out, on_hand=0, available=0)
    plenty = SKUFactory(code="PLENTY-1")
    StockLevelFactory(sku=plenty, on_hand=500, available=400)
    return {"low": low, "out": out, "plenty": plenty}


@pytest.mark.django_db
def test_anonymous_and_outsiders_are_kept_out(client, login, outsider, shelf):
    assert client.get(LIST).status_code == 302
    assert login(outsider).get(LIST).status_code == 403
    assert login(outsider).get(_detail(shelf["low"])).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["marketing_user", "ops_user", "exec_user", "admin_user"])
def test_every_role_reads_the_skus(request, login, role, shelf):
    client = login(request.getfixturevalue(role))
    page = client.get(LIST)
    assert page.status_code == 200
    rows = {s.code: s for s in page.context["object_list"]}
    # 30 available - 20 reserved by the two checked campaigns (not the draft) - buffer 2.
    assert (rows["LOW-1"].reserved, rows["LOW-1"].available_to_promise) == (20, 8)
    assert rows["LOW-1"].campaign_count == 2
    assert rows["OUT-1"].available_to_promise == 0
    assert client.get(_detail(shelf["low"])).status_code == 200


@pytest.mark.django_db
def test_filters_stock_promoted_and_product_status(login, ops_user, shelf):
    client = login(ops_user)

    def codes(**query):
        return [s.code for s in client.get(LIST, query).context["object_list"]]

    assert codes(stock="low") == ["LOW-1"]
    assert codes(stock="out") == ["OUT-1"]
    assert codes(stock="ok") == ["PLENTY-1"]
    assert codes(promoted="true") == ["LOW-1"]
    assert codes(promoted="false") == ["OUT-1", "PLENTY-1"]
    assert codes(status="archived") == ["OUT-1"]
    assert codes(sort="-atp") == ["PLENTY-1", "LOW-1", "OUT-1"]


@pytest.mark.django_db
def test_the_export_has_available_to_promise_and_campaigns(login, exec_user, shelf):
    rows = _csv(login(exec_user).get(LIST, {"format": "csv", "promoted": "true"}))
    header = rows[0]
    assert len(rows) == 2
    row = dict(zip(header, rows[1], strict=True))
    assert (row["sku"], row["available_to_promise"], row["campaigns"]) == ("LOW-1", "8", "2")


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 20])
def test_the_sku_list_query_count_does_not_grow(login, ops_user, django_assert_num_queries, rows):
    for _ in range(rows):
        sku = SKUFactory()
        StockLevelFactory(sku=sku)
        CampaignItemFactory(sku=sku)
    client = login(ops_user)
    # Session, user, the user's language (common.UserPreference), perms x2, nav roles,
    # count, page.
    with django_assert_num_queries(7):
        assert client.get(LIST).status_code == 200


@pytest.mark.django_db
def test_the_sku_page_shows_stock_per_location_and_the_campaigns(login, marketing_user, shelf):
    page = login(marketing_user).get(_detail(shelf["low"]))
    body = page.content.decode()
    assert page.context["sku"].available_to_promise == 8
    assert len(page.context["items"]) == 3
    assert "Save stock" not in body  # marketing reads the stock, does not edit it


def _stock_post(sku, level, **changes) -> dict:
    data = {
        "stock-TOTAL_FORMS": "2",
        "stock-INITIAL_FORMS": "1",
        "stock-MIN_NUM_FORMS": "0",
        "stock-MAX_NUM_FORMS": "1000",
        "stock-0-id": str(level.pk),
        "stock-0-sku": str(sku.pk),
        "stock-0-location": str(level.location_id),
        "stock-0-on_hand": str(level.on_hand),
        "stock-0-committed": str(level.committed),
        "stock-0-available": str(level.available),
        "stock-0-incoming": str(level.incoming),
        "stock-1-sku": str(sku.pk),
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_ops_edit_stock_and_add_a_location(login, ops_user, shelf):
    sku = shelf["low"]
    level = sku.stock_levels.get()
    second = LocationFactory(name="Lyon")
    client = login(ops_user)
    page = client.get(_detail(sku))
    assert b"Save stock" in page.content
    response = client.post(
        _detail(sku),
        _stock_post(
            sku,
            level,
            **{
                "stock-0-on_hand": "80",
                "stock-0-available": "70",
                "stock-1-location": str(second.pk),
                "stock-1-on_hand": "5",
                "stock-1-committed": "0",
                "stock-1-available": "5",
                "stock-1-incoming": "0",
            },
        ),
    )
    assert response.status_code == 302
    assert dict(sku.stock_levels.values_list("location__name", "available")) == {
        level.location.name: 70,
        "Lyon": 5,
    }
    assert StockLevel.objects.get(pk=level.pk).source == "manual"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes, field",
    [
        ({"stock-0-available": "999"}, "available"),
        ({"stock-0-on_hand": "-4"}, "on_hand"),
        ({"stock-0-incoming": "many"}, "incoming"),
    ],
)
def test_bad_stock_is_a_field_message(login, ops_user, shelf, changes, field):
    sku = shelf["low"]
    level = sku.stock_levels.get()
    response = login(ops_user).post(_detail(sku), _stock_post(sku, level, **changes))
    assert response.status_code == 400
    assert field in response.context["formset"].forms[0].errors
    assert b"field-error" in response.content
    assert StockLevel.objects.get(pk=level.pk).available == 30


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["marketing_user", "exec_user"])
def test_marketing_and_exec_cannot_post_stock(request, login, role, shelf):
    sku = shelf["low"]
    level = sku.stock_levels.get()
    client = login(request.getfixturevalue(role))
    response = client.post(_detail(sku), _stock_post(sku, level, **{"stock-0-available": "1"}))
    assert response.status_code == 403
    assert StockLevel.objects.get(pk=level.pk).available == 30


def test_stock_opened_before_a_webhook_changed_it_is_not_reverted(login, ops_user):
    from catalog.choices import StockSource
    from tests.opened import opened_form

    level = StockLevelFactory(on_hand=10, available=10)
    url = _detail(level.sku)
    client = login(ops_user)
    opened = opened_form(client.get(url))
    # A webhook lowers the stock after the page was opened.
    level.on_hand, level.available, level.source = 3, 3, StockSource.WEBHOOK
    level.save()

    refused = client.post(url, {**opened, "stock-0-incoming": ["5"]})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Changed by another edit (shopify webhook) since you opened it" in page
    assert "On hand is now 3" in page
    level.refresh_from_db()
    assert (level.on_hand, level.incoming) == (3, 0)

"""Orders, metrics and survey answers in bulk: idempotent on their keys, item by item."""

from __future__ import annotations

import pytest

from insights.api.bulk import BULK_LIMIT
from insights.models import ChannelMetric, Order, SurveyResponse
from tests.factories import CampaignFactory, ChannelFactory

pytestmark = pytest.mark.django_db


def order(external_id: str, channel, **extra) -> dict:
    return {
        "external_id": external_id,
        "channel": channel.pk if channel else None,
        "country": "FR",
        "placed_at": "2026-03-01T10:00:00Z",
        "currency": "EUR",
        "gross": "59.90",
    } | extra


def test_sending_orders_twice_creates_them_once(api, admin_user):
    channel = ChannelFactory()
    batch = [order("#1", channel), order("#2", channel, refunded="10.00")]
    client = api(admin_user)
    first = client.post("/api/orders/bulk/", {"items": batch}, format="json")
    assert first.status_code == 200
    assert first.json() == {"created": 2, "updated": 0, "unchanged": 0, "errors": []}
    again = client.post("/api/orders/bulk/", batch, format="json")  # a bare list works too
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 2, "errors": []}
    assert Order.objects.count() == 2


def test_a_changed_order_is_updated_in_place(api, admin_user):
    channel = ChannelFactory()
    client = api(admin_user)
    client.post("/api/orders/bulk/", [order("#1", channel)], format="json")
    response = client.post(
        "/api/orders/bulk/", [order("#1", channel, refunded="20.00")], format="json"
    )
    assert response.json()["updated"] == 1
    assert str(Order.objects.get(external_id="#1").refunded) == "20.00"


def test_bad_items_are_named_and_the_good_ones_saved(api, admin_user):
    channel = ChannelFactory()
    batch = [
        order("#1", channel),
        order("#2", channel, refunded="99.00"),  # more than gross
        order("#3", channel, country="XX"),
        order("#4", channel) | {"channel": 999999},
        order("#1", channel, gross="1.00"),  # same key twice in one request
        "not an object",
        order("#5", channel),
    ]
    response = api(admin_user).post("/api/orders/bulk/", batch, format="json")
    assert response.status_code == 207  # Multi-Status: some saved, some refused
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (2, 0, 0)
    errors = {e["index"]: e for e in body["errors"]}
    assert sorted(errors) == [1, 2, 3, 4, 5]
    assert "refunded" in errors[1]["errors"]
    assert "country" in errors[2]["errors"]
    assert errors[3]["errors"]["channel"] == ["No channel with id 999999."]
    assert "item 0" in errors[4]["errors"]["non_field_errors"][0]
    assert errors[1]["key"] == "#2"
    assert set(Order.objects.values_list("external_id", flat=True)) == {"#1", "#5"}


def test_a_batch_has_a_limit(api, admin_user):
    client = api(admin_user)
    too_many = [{"external_id": str(i)} for i in range(BULK_LIMIT + 1)]
    for body in (too_many, [], {"items": "nope"}, "text"):
        response = client.post("/api/orders/bulk/", body, format="json")
        assert response.status_code == 400, body
        assert response.json()["code"] == "invalid"


def test_metrics_are_keyed_by_channel_campaign_and_day(api, admin_user):
    channel = ChannelFactory()
    campaign = CampaignFactory(channel=channel)
    whole = {"channel": channel.pk, "date": "2026-03-01", "spend": "100.00", "clicks": 10}
    one = whole | {"campaign": campaign.pk, "spend": "40.00"}
    client = api(admin_user)
    first = client.post("/api/channel-metrics/bulk/", [whole, one], format="json").json()
    assert (first["created"], first["errors"]) == (2, [])
    second = client.post(
        "/api/channel-metrics/bulk/", [whole, one | {"spend": "45.00"}], format="json"
    ).json()
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 1, 1)
    assert ChannelMetric.objects.count() == 2
    bad = client.post(
        "/api/channel-metrics/bulk/",
        [whole | {"date": "2026-03-02", "add_to_carts": 1, "qualified_add_to_carts": 5}],
        format="json",
    ).json()
    assert "qualified_add_to_carts" in bad["errors"][0]["errors"]


def test_survey_answers_are_keyed_by_external_id(api, admin_user):
    channel = ChannelFactory()
    answer = {
        "external_id": "s-1",
        "answered_at": "2026-03-01T10:05:00Z",
        "answer": "TikTok",
        "channel": channel.pk,
    }
    client = api(admin_user)
    assert (
        client.post("/api/survey-responses/bulk/", [answer], format="json").json()["created"] == 1
    )
    assert (
        client.post("/api/survey-responses/bulk/", [answer], format="json").json()["unchanged"] == 1
    )
    assert SurveyResponse.objects.count() == 1


def test_a_single_order_with_a_taken_external_id_is_a_field_error(api, admin_user):
    channel = ChannelFactory()
    client = api(admin_user)
    assert client.post("/api/orders/", order("#1", channel), format="json").status_code == 201
    response = client.post("/api/orders/", order("#1", channel), format="json")
    assert response.status_code == 400
    assert "external_id" in response.json()["errors"]


def test_a_second_channel_level_metric_for_a_day_is_refused(api, admin_user):
    channel = ChannelFactory()
    row = {"channel": channel.pk, "date": "2026-03-01", "spend": "1.00"}
    client = api(admin_user)
    assert client.post("/api/channel-metrics/", row, format="json").status_code == 201
    response = client.post("/api/channel-metrics/", row, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]

from __future__ import annotations

import json
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.choices import CampaignFormat, CampaignStatus
from campaigns.models import Campaign, CampaignItem
from insights.models import ChannelMetric
from insights.signals import channel_metrics_changed
from integrations import services
from integrations.choices import ConnectionStatus, IssueKind, SyncRunStatus
from integrations.models import ExternalRef
from integrations.sync.ads import SkuIndex
from promises.models import CheckRun
from tests.factories import ProductFactory, SKUFactory
from tests.integrations.fakes import META_TOKEN, meta_ad, meta_error, meta_insight

pytestmark = pytest.mark.django_db


def _campaign(ad_id: str) -> Campaign:
    ref = ExternalRef.objects.get(kind="ad", external_id=ad_id)
    return Campaign.objects.get(pk=ref.object_id)


def test_each_ad_becomes_a_campaign_on_the_connection_channel(ad_account, meta):
    run = services.sync_connection(ad_account.pk)

    assert run.status == SyncRunStatus.SUCCEEDED, run.error
    assert (run.created, run.updated, run.unchanged, run.errors) == (3, 0, 0, 0)
    live = _campaign("23850001")
    assert live.channel == ad_account.channel
    assert live.name == "Summer ad 1"
    assert live.status == CampaignStatus.LIVE
    assert [str(c) for c in live.target_countries] == ["BE", "FR"]
    assert live.starts_at.isoformat() == "2020-05-31T22:00:00+00:00"
    assert live.caption == "Our summer shirts, free delivery in 2 days"
    assert live.format == CampaignFormat.SHORT_VIDEO
    later = _campaign("23850003")
    assert later.status == CampaignStatus.SCHEDULED and later.ends_at is None
    # campaigns: 1 page; adsets: 1 page; ads: 2 pages of two; insights: 1 page. The token
    # rode in a header.
    assert run.requests == 5
    assert set(meta.tokens_seen) == {f"Bearer {META_TOKEN}"}


def test_a_second_sync_changes_nothing(ad_account, meta):
    services.sync_connection(ad_account.pk)

    run = services.sync_connection(ad_account.pk)

    assert (run.created, run.updated, run.unchanged) == (0, 0, 3)
    assert Campaign.objects.count() == 3


def test_a_paused_ad_is_paused_at_the_next_sync_and_rechecked(ad_account, meta, commit):
    services.sync_connection(ad_account.pk)
    meta.ads[0] = meta_ad(1, status="PAUSED")
    CheckRun.objects.all().delete()

    with commit():
        run = services.sync_connection(ad_account.pk)

    assert (run.updated, run.unchanged) == (1, 2)
    campaign = _campaign("23850001")
    assert campaign.status == CampaignStatus.PAUSED
    # Re-checked once, for this campaign only: the two unchanged ads were not saved.
    assert [r.scope.get("campaigns") for r in CheckRun.objects.all()] == [[campaign.pk]]


def test_what_only_socialops_knows_is_kept(ad_account, meta):
    services.sync_connection(ad_account.pk)
    campaign = _campaign("23850001")
    campaign.cites_stock = True
    campaign.format = CampaignFormat.STORY
    campaign.save()

    services.sync_connection(ad_account.pk)

    campaign.refresh_from_db()
    assert campaign.cites_stock and campaign.format == CampaignFormat.STORY


def test_an_expired_token_asks_for_a_reconnect(ad_account, meta):
    meta.queued.append(
        (400, meta_error(190, "Error validating access token: Session has expired.", 463), {})
    )

    run = services.sync_connection(ad_account.pk)

    ad_account.refresh_from_db()
    assert run.status == SyncRunStatus.FAILED
    assert ad_account.status == ConnectionStatus.RECONNECT_NEEDED
    assert "Session has expired" in ad_account.last_error
    assert META_TOKEN not in ad_account.last_error


def test_a_rate_limit_waits_as_long_as_the_usage_header_says(ad_account, meta, slept):
    usage = {
        "1234567890": [
            {
                "type": "ads_management",
                "call_count": 100,
                "total_cputime": 20,
                "total_time": 30,
                "estimated_time_to_regain_access": 1,
            }
        ]
    }
    meta.queued.append(
        (
            400,
            meta_error(80004, "There have been too many calls to this ad-account.", 2446079),
            {"X-Business-Use-Case-Usage": json.dumps(usage)},
        )
    )

    run = services.sync_connection(ad_account.pk)

    assert run.status == SyncRunStatus.SUCCEEDED and run.created == 3
    assert slept == [60.0]
    assert run.requests == 6


def test_a_429_is_retried_after_retry_after(ad_account, meta, slept):
    meta.queued.append((429, {"error": {"message": "busy"}}, {"Retry-After": "7"}))

    run = services.sync_connection(ad_account.pk)

    assert run.status == SyncRunStatus.SUCCEEDED and slept == [7.0]


def test_a_malformed_ad_is_recorded_and_the_rest_applied(ad_account, meta):
    meta.ads[1] = {**meta_ad(2), "creative": "not an object"}
    meta.adsets[0]["targeting"]["geo_locations"]["countries"] = ["FR", "ZZ"]

    run = services.sync_connection(ad_account.pk)

    assert run.status == SyncRunStatus.PARTIAL and run.errors == 1 and run.created == 2
    issues = {(i.kind, i.external_id) for i in run.issues.all()}
    assert (IssueKind.MALFORMED, "23850002") in issues
    assert (IssueKind.UNKNOWN_FIELD, "23850001") in issues
    assert [str(c) for c in _campaign("23850001").target_countries] == ["FR"]


# --- Promoted products and daily insights -------------------------------------------------


@pytest.fixture
def catalog(db):
    """product-1 (two sizes) and a SKU whose code is a catalog retailer id."""
    shirt = ProductFactory(handle="product-1")
    return {
        "small": SKUFactory(product=shirt, code="SHIRT-S", option1="S", price=Decimal("25.00")),
        "large": SKUFactory(product=shirt, code="SHIRT-L", option1="L", price=Decimal("25.00")),
        "trousers": SKUFactory(
            product=ProductFactory(handle="trousers"), code="TROUSERS-1", price=Decimal("60.00")
        ),
    }


def test_promoted_products_become_items_at_the_store_price(ad_account, meta, catalog):
    meta.product_sets["120001"] = [
        {"id": "900001", "retailer_id": "TROUSERS-1"},
        {"id": "900002", "retailer_id": "GONE-99"},
    ]
    meta.ads[1] = meta_ad(2, creative={"id": "1", "body": "Trousers", "product_set_id": "120001"})
    meta.ads[2] = meta_ad(
        3,
        adset=2,
        creative={
            "id": "2",
            "asset_feed_spec": {
                "bodies": [{"text": "Shirts at €19.99"}, {"text": "Free delivery"}],
                "link_urls": [{"website_url": "https://acme.example/fr/products/unknown-thing"}],
            },
            "object_story_spec": {
                "link_data": {"link": "https://acme.example/products/product-1?variant=1"}
            },
        },
    )

    run = services.sync_connection(ad_account.pk)

    by_link = _campaign("23850001")
    assert {i.sku.code: i.announced_price for i in by_link.items.all()} == {
        "SHIRT-S": Decimal("25.00"),
        "SHIRT-L": Decimal("25.00"),
    }
    catalog_ad = _campaign("23850002")
    assert catalog_ad.format == CampaignFormat.CATALOG_AD
    assert [i.sku.code for i in catalog_ad.items.all()] == ["TROUSERS-1"]
    dynamic = _campaign("23850003")
    # The copy states one price: that is the price the ad announces.
    assert {i.announced_price for i in dynamic.items.all()} == {Decimal("19.99")}
    assert dynamic.caption == "Shirts at €19.99\nFree delivery"
    assert dynamic.claims.filter(kind="price", source="extracted").exists()
    unmatched = {(i.external_id, i.message) for i in run.issues.filter(kind=IssueKind.UNMATCHED)}
    assert any(ad == "23850002" and "GONE-99" in m for ad, m in unmatched)
    assert any(ad == "23850003" and "unknown-thing" in m for ad, m in unmatched)
    # The product set is read once: campaigns, adsets, ads x2, products, insights.
    assert run.requests == 6
    assert all(c.synced_from == "Meta" for c in Campaign.objects.all())


def test_units_planned_in_socialops_survive_a_resync(ad_account, meta, catalog):
    services.sync_connection(ad_account.pk)
    item = _campaign("23850001").items.get(sku=catalog["small"])
    item.expected_units, item.reserved_units = 40, 12
    item.save()
    meta.ads[0] = meta_ad(1, creative={"id": "1", "body": "Now €21", "link_url": ""})
    meta.ads[0]["creative"]["link_url"] = "https://acme.example/products/product-1"

    run = services.sync_connection(ad_account.pk)

    item.refresh_from_db()
    assert (item.expected_units, item.reserved_units, item.announced_price) == (
        40,
        12,
        Decimal("21.00"),
    )
    assert run.updated == 1


def test_daily_insights_become_channel_metrics_once(ad_account, meta, catalog):
    today = timezone.localdate().isoformat()
    meta.insights = [meta_insight(1, today), meta_insight(2, today, spend="7.50", value="0")]
    sent = []
    receiver = lambda **kwargs: sent.append(kwargs)  # noqa: E731
    channel_metrics_changed.connect(receiver)
    try:
        services.sync_connection(ad_account.pk)
        first = len(sent)
        again = services.sync_connection(ad_account.pk)
    finally:
        channel_metrics_changed.disconnect(receiver)

    ad1 = ChannelMetric.objects.get(campaign=_campaign("23850001"))
    assert (ad1.spend, ad1.impressions, ad1.clicks) == (Decimal("12.50"), 1520, 41)
    # `purchase` already holds the pixel's purchases: counted once, not twice.
    assert (ad1.platform_purchases, ad1.platform_revenue) == (2, Decimal("90.00"))
    assert ad1.attribution_window == "7-day click, 1-day view" and ad1.currency == "EUR"
    whole = ChannelMetric.objects.get(campaign=None, channel=ad_account.channel)
    assert whole.spend == Decimal("20.00") and whole.platform_purchases == 4
    assert first == 1 and len(sent) == 1  # one signal a sync; none when nothing changed
    assert sent[0]["channel_ids"] == {ad_account.channel_id}
    assert ChannelMetric.objects.count() == 3 and again.errors == 0


def test_restated_numbers_update_the_day(ad_account, meta):
    today = timezone.localdate().isoformat()
    meta.insights = [meta_insight(1, today)]
    services.sync_connection(ad_account.pk)
    meta.insights = [meta_insight(1, today, spend="30.00", purchases="5")]

    services.sync_connection(ad_account.pk)

    metric = ChannelMetric.objects.get(campaign=_campaign("23850001"))
    assert (metric.spend, metric.platform_purchases) == (Decimal("30.00"), 5)
    assert ChannelMetric.objects.get(campaign=None).spend == Decimal("30.00")


def test_a_malformed_insights_row_is_listed(ad_account, meta):
    meta.insights = [{**meta_insight(1, "not a day")}, meta_insight(2, "2026-01-01", spend="-4")]

    run = services.sync_connection(ad_account.pk)

    assert run.status == SyncRunStatus.PARTIAL and run.errors == 2
    assert not ChannelMetric.objects.exists()


def test_what_a_user_saves_while_a_sync_runs_is_not_put_back(ad_account, meta, catalog):
    services.sync_connection(ad_account.pk)
    campaign = _campaign("23850001")
    item = campaign.items.get(sku=catalog["small"])
    meta.ads[0] = meta_ad(1, status="PAUSED", creative={"id": "1", "body": "Now €21"})
    meta.ads[0]["creative"]["link_url"] = "https://acme.example/products/product-1"
    for_ads = SkuIndex.for_ads.__func__

    def user_saves_meanwhile(cls, ads):
        # After the sync has read the page's campaigns and their items, before it writes
        # them (the first page holds this ad).
        if any(ad.external_id == "23850001" for ad in ads):
            user_saves()
        return for_ads(cls, ads)

    def user_saves():
        Campaign.objects.filter(pk=campaign.pk).update(
            budget=Decimal("750.00"), stop_min_roas=Decimal("3"), script="Say it slowly"
        )
        CampaignItem.objects.filter(pk=item.pk).update(
            expected_units=40, reserved_units=12, preorder_message="Ships in May"
        )

    with mock.patch.object(SkuIndex, "for_ads", classmethod(user_saves_meanwhile)):
        run = services.sync_connection(ad_account.pk)

    assert run.updated == 1
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PAUSED and campaign.caption == "Now €21"
    assert (campaign.budget, campaign.stop_min_roas, campaign.script) == (
        Decimal("750.00"),
        Decimal("3"),
        "Say it slowly",
    )
    item.refresh_from_db()
    assert (item.expected_units, item.reserved_units, item.preorder_message) == (
        40,
        12,
        "Ships in May",
    )
    assert item.announced_price == Decimal("21.00")


def test_a_form_gone_stale_because_of_a_sync_names_the_sync(
    ad_account, meta, catalog, login, marketing_user
):
    from tests.opened import opened_form

    services.sync_connection(ad_account.pk)
    url = reverse("campaigns:edit", args=[_campaign("23850001").pk])
    client = login(marketing_user)
    assert client.post(url, {**opened_form(client.get(url), "campaign-form"), "budget": ["500"]})
    assert _campaign("23850001").updated_by == marketing_user
    my_form = opened_form(client.get(url), "campaign-form")
    meta.ads[0] = meta_ad(1, status="PAUSED")

    services.sync_connection(ad_account.pk)

    refused = client.post(url, {**my_form, "budget": ["600"]})
    assert refused.status_code == 400
    assert "Changed by the Meta sync since you opened it" in refused.content.decode()
    assert _campaign("23850001").budget == Decimal("500")

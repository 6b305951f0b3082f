from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.choices import CampaignStatus
from campaigns.models import Campaign
from insights.models import ChannelMetric
from integrations import services
from integrations.choices import ConnectionStatus, IssueKind, SyncRunStatus
from integrations.models import ExternalRef
from promises.models import CheckRun
from tests.factories import ProductFactory, SKUFactory
from tests.integrations.fakes import TIKTOK_TOKEN, tiktok_ad, tiktok_body, tiktok_report_row

pytestmark = pytest.mark.django_db


def _campaign(ad_id: str) -> Campaign:
    ref = ExternalRef.objects.get(kind="ad", external_id=ad_id)
    return Campaign.objects.get(pk=ref.object_id)


def test_each_ad_becomes_a_campaign_with_its_schedule_and_countries(advertiser, tiktok):
    sku = SKUFactory(product=ProductFactory(handle="product-1"), price=Decimal("30.00"))

    run = services.sync_connection(advertiser.pk)

    assert run.status == SyncRunStatus.SUCCEEDED, run.error
    assert (run.created, run.updated, run.unchanged) == (3, 0, 0)
    live = _campaign("1700001")
    assert (live.name, live.status, live.synced_from) == (
        "Linen ad 1",
        CampaignStatus.LIVE,
        "TikTok",
    )
    assert live.starts_at.isoformat() == "2020-06-01T00:00:00+00:00"
    assert [str(c) for c in live.target_countries] == ["FR"]
    assert live.caption == "Linen shirts, free delivery in 2 days"
    assert [(i.sku, i.announced_price) for i in live.items.all()] == [(sku, Decimal("30.00"))]
    later = _campaign("1700003")
    assert later.status == CampaignStatus.LIVE and later.ends_at is None
    assert [str(c) for c in later.target_countries] == ["BE", "DE"]
    # advertiser info, campaigns, ad groups, ads (2 pages of two), report: the token in the
    # Access-Token header every time.
    assert run.requests == 6
    assert set(tiktok.tokens_seen) == {TIKTOK_TOKEN}


def test_a_second_sync_changes_nothing_and_a_paused_ad_is_rechecked(advertiser, tiktok, commit):
    services.sync_connection(advertiser.pk)
    assert services.sync_connection(advertiser.pk).unchanged == 3
    tiktok.ads[1] = tiktok_ad(2, operation_status="DISABLE", secondary_status="AD_STATUS_DISABLE")
    CheckRun.objects.all().delete()

    with commit():
        run = services.sync_connection(advertiser.pk)

    paused = _campaign("1700002")
    assert (run.updated, run.unchanged) == (1, 2)
    assert paused.status == CampaignStatus.PAUSED
    assert [r.scope.get("campaigns") for r in CheckRun.objects.all()] == [[paused.pk]]


def test_the_report_gives_daily_spend_and_purchases(advertiser, tiktok):
    today = timezone.localdate().isoformat()
    tiktok.report = [tiktok_report_row(1, today), tiktok_report_row(3, today, spend="5.00")]

    services.sync_connection(advertiser.pk)
    services.sync_connection(advertiser.pk)

    metric = ChannelMetric.objects.get(campaign=_campaign("1700001"))
    assert (metric.spend, metric.clicks, metric.platform_purchases) == (Decimal("20.00"), 75, 3)
    assert metric.platform_revenue == Decimal("135.00")
    assert ChannelMetric.objects.get(campaign=None).spend == Decimal("25.00")
    assert ChannelMetric.objects.count() == 3


def test_code_40100_backs_off_and_retries(advertiser, tiktok, slept):
    tiktok.queued.append((200, tiktok_body({}, 40100, "Too many requests."), {}))

    run = services.sync_connection(advertiser.pk)

    assert run.status == SyncRunStatus.SUCCEEDED and run.created == 3
    assert slept == [8.0]


@pytest.mark.parametrize("code", [40104, 40105])
def test_an_expired_or_invalid_token_asks_for_a_reconnect(advertiser, tiktok, code):
    tiktok.queued.append(
        (200, tiktok_body({}, code, "Access token is incorrect or has been revoked."), {})
    )

    run = services.sync_connection(advertiser.pk)

    advertiser.refresh_from_db()
    assert run.status == SyncRunStatus.FAILED
    assert advertiser.status == ConnectionStatus.RECONNECT_NEEDED
    assert f"code {code}" in advertiser.last_error and TIKTOK_TOKEN not in advertiser.last_error


def test_malformed_ads_and_unknown_values_are_listed(advertiser, tiktok):
    tiktok.ads[0] = tiktok_ad(1, secondary_status="AD_STATUS_SOMETHING_NEW")
    tiktok.ads[1] = "not an ad"
    tiktok.adgroups[1]["location_ids"] = ["2921044", "5332921"]
    tiktok.report = [{"dimensions": {"ad_id": "1700001", "stat_time_day": "soon"}, "metrics": {}}]

    run = services.sync_connection(advertiser.pk)

    assert run.status == SyncRunStatus.PARTIAL and run.errors == 2 and run.created == 2
    issues = {(i.kind, i.external_id) for i in run.issues.all()}
    assert (IssueKind.UNKNOWN_FIELD, "1700001") in issues
    assert (IssueKind.UNKNOWN_FIELD, "1700003") in issues  # a region id is not a country
    assert _campaign("1700001").status == CampaignStatus.IN_REVIEW

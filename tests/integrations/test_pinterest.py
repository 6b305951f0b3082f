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
from tests.factories import ProductFactory, SKUFactory
from tests.integrations.fakes import (
    PINTEREST_TOKEN,
    pinterest_ad,
    pinterest_error,
    pinterest_pin,
    pinterest_row,
)

pytestmark = pytest.mark.django_db


def _campaign(ad_id: str) -> Campaign:
    ref = ExternalRef.objects.get(kind="ad", external_id=ad_id)
    return Campaign.objects.get(pk=ref.object_id)


def test_each_ad_becomes_a_campaign_with_its_pin_copy(pin_account, pinterest):
    sku = SKUFactory(product=ProductFactory(handle="product-2"))

    run = services.sync_connection(pin_account.pk)

    assert run.status == SyncRunStatus.SUCCEEDED, run.error
    assert (run.created, run.updated, run.unchanged) == (3, 0, 0)
    second = _campaign("680002")
    assert (second.name, second.status, second.synced_from) == (
        "Linen pin 2",
        CampaignStatus.LIVE,
        "Pinterest",
    )
    assert second.caption == "Linen shirts\nFree returns within 30 days"
    assert second.claims.filter(kind="returns", days=30).exists()
    assert [str(c) for c in second.target_countries] == ["BE", "FR"]
    assert second.starts_at.isoformat() == "2020-06-01T00:00:00+00:00"
    assert [i.sku for i in second.items.all()] == [sku]
    assert [str(c) for c in _campaign("680003").target_countries] == ["US"]
    # account, campaigns, ad groups (1 page of 2), ads (2 pages), 3 pins, 1 analytics batch.
    assert run.requests == 9
    assert set(pinterest.tokens_seen) == {f"Bearer {PINTEREST_TOKEN}"}


def test_pins_are_read_again_only_for_new_or_changed_ads(pin_account, pinterest):
    services.sync_connection(pin_account.pk)
    pinterest.paths.clear()
    pinterest.ads[0] = pinterest_ad(1, summary_status="PAUSED", updated_time=4086460800)
    pinterest.pins["990001"] = pinterest_pin(1, description="Delivered in 2 days")

    run = services.sync_connection(pin_account.pk)

    assert [p for p in pinterest.paths if "/pins/" in p] == ["/v5/pins/990001"]
    assert (run.updated, run.unchanged) == (1, 2)
    changed = _campaign("680001")
    assert changed.status == CampaignStatus.PAUSED
    assert "Delivered in 2 days" in changed.caption
    assert _campaign("680002").caption.startswith("Linen shirts")  # kept, not blanked


def test_analytics_give_daily_spend_in_the_account_currency(pin_account, pinterest):
    today = timezone.localdate().isoformat()
    pinterest.analytics = [pinterest_row(1, today), pinterest_row(2, today, 2_500_000)]

    services.sync_connection(pin_account.pk)

    metric = ChannelMetric.objects.get(campaign=_campaign("680001"))
    assert (metric.spend, metric.impressions, metric.platform_purchases) == (
        Decimal("15.00"),
        900,
        1,
    )
    assert metric.platform_revenue == Decimal("45.00") and metric.currency == "EUR"
    assert ChannelMetric.objects.get(campaign=None).spend == Decimal("17.50")


def test_a_429_waits_for_the_rate_limit_reset(pin_account, pinterest, slept):
    pinterest.queued.append(
        (
            429,
            pinterest_error(8, "You have exceeded your rate limit. Try again later."),
            {"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "9"},
        )
    )

    run = services.sync_connection(pin_account.pk)

    assert run.status == SyncRunStatus.SUCCEEDED and slept == [9.0]


def test_a_401_asks_for_a_reconnect(pin_account, pinterest):
    pinterest.queued.append((401, pinterest_error(2, "Authentication failed."), {}))

    run = services.sync_connection(pin_account.pk)

    pin_account.refresh_from_db()
    assert run.status == SyncRunStatus.FAILED
    assert pin_account.status == ConnectionStatus.RECONNECT_NEEDED
    assert "Authentication failed" in pin_account.last_error


def test_a_deleted_pin_and_a_malformed_ad_are_listed_and_retried(pin_account, pinterest):
    del pinterest.pins["990002"]
    pinterest.ads[2] = pinterest_ad(3, ad_group=2, summary_status="LAUNCHING")
    pinterest.ad_groups[0]["start_time"] = "yesterday"

    run = services.sync_connection(pin_account.pk)

    assert run.status == SyncRunStatus.PARTIAL
    issues = {(i.kind, i.external_id) for i in run.issues.all()}
    assert (IssueKind.MALFORMED, "680002") in issues  # its pin is gone: not applied
    assert (IssueKind.MALFORMED, "680001") in issues  # its ad group's start is no time
    assert (IssueKind.UNKNOWN_FIELD, "680003") in issues
    assert not ExternalRef.objects.filter(external_id="680002").exists()

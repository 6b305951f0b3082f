"""Requests per sync for 1,000 ads on each platform, against the local servers.

The servers page at the platforms' own maxima (Meta 500 with the creative expanded in the
ads request, TikTok 1,000, Pinterest 250 and 100 ads per analytics request), and every ad
reports a week of days. The counts are pinned so a change that starts asking per ad shows
up here; the numbers are the ones docs/integrations.md quotes.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from integrations import services
from tests.integrations.fakes import (
    meta_ad,
    meta_adset,
    meta_insight,
    pinterest_ad,
    pinterest_ad_group,
    pinterest_pin,
    pinterest_row,
    tiktok_ad,
    tiktok_adgroup,
    tiktok_report_row,
)

pytestmark = pytest.mark.django_db

ADS = 1000
DAYS = 7


def _days() -> list[str]:
    today = timezone.localdate()
    return [(today - timezone.timedelta(days=d)).isoformat() for d in range(DAYS)]


def test_meta_reads_1000_ads_in_a_few_dozen_requests(ad_account, meta):
    meta.page_size = 500
    meta.adsets = [
        meta_adset(n, "2020-06-01T00:00:00+0200", None, ["FR"]) for n in range(1, ADS + 1)
    ]
    meta.ads = [meta_ad(n, adset=n) for n in range(1, ADS + 1)]
    meta.insights = [meta_insight(n, day) for n in range(1, ADS + 1) for day in _days()]

    first = services.sync_connection(ad_account.pk)
    second = services.sync_connection(ad_account.pk)

    assert first.created == ADS and second.unchanged == ADS
    # campaigns 1 + ad sets 2 + ads 2 + insights 7,000 rows / 500 = 14.
    assert (first.requests, second.requests) == (19, 19)


def test_tiktok_reads_1000_ads_in_about_ten_requests(advertiser, tiktok):
    tiktok.page_size = 1000
    tiktok.adgroups = [
        tiktok_adgroup(n, "2020-06-01 00:00:00", None, ["3017382"]) for n in range(1, ADS + 1)
    ]
    tiktok.ads = [tiktok_ad(n, adgroup=n) for n in range(1, ADS + 1)]
    tiktok.report = [tiktok_report_row(n, day) for n in range(1, ADS + 1) for day in _days()]

    first = services.sync_connection(advertiser.pk)
    second = services.sync_connection(advertiser.pk)

    assert first.created == ADS and second.unchanged == ADS
    # advertiser 1 + campaigns 1 + ad groups 1 + ads 1 + report 7,000 rows / 1,000 = 7.
    assert (first.requests, second.requests) == (11, 11)


def test_pinterest_reads_pins_once_then_about_twenty_requests(pin_account, pinterest):
    pinterest.page_size = 250
    pinterest.ad_groups = [
        pinterest_ad_group(n, 1590969600, None, ["FR"]) for n in range(1, ADS + 1)
    ]
    pinterest.ads = [pinterest_ad(n, ad_group=n) for n in range(1, ADS + 1)]
    pinterest.pins = {f"99{n:04d}": pinterest_pin(n) for n in range(1, ADS + 1)}
    pinterest.analytics = [pinterest_row(n, day) for n in range(1, ADS + 1) for day in _days()]

    first = services.sync_connection(pin_account.pk)
    second = services.sync_connection(pin_account.pk)

    assert first.created == ADS and second.unchanged == ADS
    # account 1 + campaigns 1 + ad groups 4 + ads 4 + analytics 10 (100 ads a request),
    # plus, the first time only, one request per pin (v5 reads pins one at a time).
    assert (first.requests, second.requests) == (20 + ADS, 20)

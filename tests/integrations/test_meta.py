from __future__ import annotations

import json

import pytest

from campaigns.choices import CampaignFormat, CampaignStatus
from campaigns.models import Campaign
from integrations import services
from integrations.choices import ConnectionStatus, IssueKind, SyncRunStatus
from integrations.models import ExternalRef
from promises.models import CheckRun
from tests.integrations.fakes import META_TOKEN, meta_ad, meta_error

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

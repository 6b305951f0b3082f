"""Enforcement against the local platform servers: a blocker on a live synced ad pauses it,
its end turns it back on, and the guardrails (dry run, cooldown, hourly cap, "changed on the
platform since", refusals) hold."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from campaigns.models import Campaign
from integrations import enforcement, services
from integrations.choices import (
    ConnectionKind,
    EnforcementKind,
    EnforcementMode,
    EnforcementOutcome,
)
from integrations.models import EnforcementAction, ExternalRef
from notifications.models import Delivery
from promises import triggers
from promises.choices import ConflictEventKind
from promises.models import Conflict, ConflictEvent
from promises.services import waive_conflicts
from tests.integrations.fakes import (
    META_TOKEN,
    PINTEREST_ACCOUNT,
    PINTEREST_TOKEN,
    TIKTOK_ADVERTISER,
    TIKTOK_TOKEN,
    meta_error,
    tiktok_body,
)
from tests.notifications.conftest import LiveWorld

pytestmark = pytest.mark.django_db

META_AD = "23850001"


def synced(world: LiveWorld, kind: str, account: str, token: str, ad_id: str) -> LiveWorld:
    """The world's live campaign, as if synced from `ad_id` on a connection of its channel."""
    world.connection = services.add_connection(
        kind=kind, name=f"Acme {kind}", account_id=account, token=token, channel=world.channel
    )
    Campaign.objects.filter(pk=world.campaign.pk).update(synced_from=kind.capitalize())
    ExternalRef.objects.create(
        connection=world.connection,
        kind="ad",
        external_id=ad_id,
        content_type=ContentType.objects.get_for_model(Campaign),
        object_id=world.campaign.pk,
        last_seen_at=timezone.now(),
    )
    world.ad_id = ad_id
    return world


@pytest.fixture
def world(db, marketing_user, meta):
    return synced(
        LiveWorld(marketing_user), ConnectionKind.META, "act_1234567890", META_TOKEN, META_AD
    )


def pausing(world, user=None, **changes):
    values = {
        "mode": EnforcementMode.PAUSE,
        "dry_run": False,
        "cooldown_minutes": 30,
        "max_pauses_per_hour": 20,
        **changes,
    }
    return enforcement.set_policy(world.channel, user, **values)


def set_stock(world, commit, units: int) -> None:
    with commit():
        world.stock.available = world.stock.on_hand = units
        world.stock.save()


def notes(world) -> list[str]:
    return list(
        ConflictEvent.objects.filter(
            conflict__campaign=world.campaign, kind=ConflictEventKind.ENFORCEMENT
        )
        .order_by("pk")
        .values_list("note", flat=True)
    )


def statuses(meta) -> list[tuple[str, str]]:
    return [(w["ad"], w["status"]) for w in meta.writes]


def test_a_sold_out_live_ad_is_paused_on_meta_and_the_pause_is_noted(
    world, meta, commit, admin_user
):
    pausing(world, admin_user)

    set_stock(world, commit, 0)

    assert statuses(meta) == [(META_AD, "PAUSED")]
    action = EnforcementAction.objects.get()
    conflict = Conflict.objects.get(rule_code="STOCK_OUT")
    assert (action.kind, action.outcome, action.dry_run) == ("pause", "ok", False)
    assert list(action.conflicts.all()) == [conflict]
    assert action.check_run_id is not None and action.policy_set_by == admin_user
    (note,) = notes(world)
    assert note.startswith("Paused on Meta by SocialOps at ")
    assert note.endswith(" because STOCK_OUT SERUM-30")
    world.campaign.refresh_from_db()
    assert world.campaign.enforcement_note == note


def test_restocking_turns_the_ad_back_on_and_a_second_sweep_does_nothing_new(world, meta, commit):
    from promises.checks.engine import run_checks

    pausing(world)
    set_stock(world, commit, 0)
    with commit():
        run_checks(None)  # the sweep finds the same blocker: nothing new to pause
    assert statuses(meta) == [(META_AD, "PAUSED")]

    set_stock(world, commit, 100)

    assert statuses(meta) == [(META_AD, "PAUSED"), (META_AD, "ACTIVE")]
    resume = EnforcementAction.objects.get(kind=EnforcementKind.RESUME)
    assert resume.outcome == EnforcementOutcome.OK
    assert resume.undoes.kind == EnforcementKind.PAUSE
    assert "Turned back on on Meta" in notes(world)[-1]
    with commit():
        run_checks(None)
    assert len(meta.writes) == 2 and EnforcementAction.objects.count() == 2


def test_an_ad_changed_on_the_platform_since_is_left_alone(world, meta, commit):
    pausing(world)
    set_stock(world, commit, 0)
    meta.ads[0]["status"] = "ACTIVE"  # someone turned it back on in Ads Manager

    set_stock(world, commit, 100)

    assert statuses(meta) == [(META_AD, "PAUSED")]  # read, not written
    resume = EnforcementAction.objects.get(kind=EnforcementKind.RESUME)
    assert resume.outcome == EnforcementOutcome.SKIPPED
    assert "changed on the platform since" in resume.reason
    assert "(now ACTIVE)" in resume.reason
    world.campaign.refresh_from_db()
    assert "Left alone on Meta" in world.campaign.enforcement_note


def test_a_refused_pause_is_recorded_told_and_not_retried(world, meta, commit, admin_user):
    admin_user.email = "admin@example.com"
    admin_user.save()  # the admin role's default subscription: connection failures
    pausing(world)
    meta.queued.append((403, meta_error(200, "Permissions error", kind="OAuthException"), {}))

    set_stock(world, commit, 0)

    action = EnforcementAction.objects.get()
    assert action.outcome == EnforcementOutcome.REFUSED
    assert "code 200" in action.reason and "ads_management" in action.reason
    assert action.attempts == 1
    assert [p for p in meta.paths if p.endswith(META_AD)] == [f"/v21.0/{META_AD}"]
    assert "Meta refused the pause" in notes(world)[0]
    delivery = Delivery.objects.get(subscription__user=admin_user)
    assert "refused the pause" in delivery.subject
    assert "Spring glow" in delivery.body and "code 200" in delivery.body


def test_a_platform_answering_503_is_retried_after_its_retry_after(world, meta, commit, slept):
    pausing(world)
    meta.queued.append((503, {"error": {"message": "busy", "code": 2}}, {"Retry-After": "7"}))

    set_stock(world, commit, 0)

    assert statuses(meta) == [(META_AD, "PAUSED")]
    assert slept == [7.0]
    assert EnforcementAction.objects.get().outcome == EnforcementOutcome.OK


def test_a_dry_run_records_what_it_would_do_and_calls_nothing(world, meta, commit):
    pausing(world, dry_run=True)

    set_stock(world, commit, 0)
    set_stock(world, commit, 100)

    assert meta.writes == [] and not [p for p in meta.paths if p.endswith(META_AD)]
    pause, resume = EnforcementAction.objects.order_by("pk")
    assert (pause.kind, pause.dry_run, pause.outcome) == ("pause", True, "ok")
    assert (resume.kind, resume.dry_run, resume.outcome) == ("resume", True, "ok")
    assert notes(world)[0].startswith("Dry run: would have paused on Meta")


def test_notify_only_and_off_change_nothing(world, meta, commit):
    set_stock(world, commit, 0)  # no policy: notify only
    pausing(world, mode=EnforcementMode.OFF)
    set_stock(world, commit, 100)
    set_stock(world, commit, 0)

    assert meta.writes == [] and not EnforcementAction.objects.exists()


def test_an_ad_turned_back_on_is_not_paused_again_within_the_cooldown(world, meta, commit):
    policy = pausing(world, cooldown_minutes=30)
    set_stock(world, commit, 0)
    set_stock(world, commit, 100)

    set_stock(world, commit, 0)

    assert statuses(meta) == [(META_AD, "PAUSED"), (META_AD, "ACTIVE")]
    skipped = EnforcementAction.objects.filter(outcome=EnforcementOutcome.SKIPPED).get()
    assert skipped.reason.startswith("Not paused: cooldown")
    assert "Not paused on Meta" in notes(world)[-1]

    # Past the cooldown, the next blocker pauses it again.
    set_stock(world, commit, 100)
    policy.cooldown_minutes = 0
    policy.save()
    set_stock(world, commit, 0)
    assert statuses(meta)[-1] == (META_AD, "PAUSED")


def test_the_hourly_cap_per_connection_skips_further_pauses(world, meta, commit):
    pausing(world, max_pauses_per_hour=1)
    EnforcementAction.objects.create(
        connection=world.connection,
        campaign=world.campaign,
        external_id="23850002",
        kind=EnforcementKind.PAUSE,
        outcome=EnforcementOutcome.OK,
        done_at=timezone.now(),
    )

    set_stock(world, commit, 0)

    assert meta.writes == []
    skipped = EnforcementAction.objects.get(external_id=META_AD)
    assert skipped.outcome == EnforcementOutcome.SKIPPED
    assert "hourly cap: 1 pauses" in skipped.reason


def test_a_pause_older_than_an_hour_does_not_count_against_the_cap(world, meta, commit):
    pausing(world, max_pauses_per_hour=1)
    old = EnforcementAction.objects.create(
        connection=world.connection,
        campaign=world.campaign,
        external_id="23850002",
        kind=EnforcementKind.PAUSE,
        outcome=EnforcementOutcome.OK,
    )
    EnforcementAction.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(minutes=61)
    )

    set_stock(world, commit, 0)

    assert statuses(meta) == [(META_AD, "PAUSED")]


def test_waiving_the_blocker_turns_the_ad_back_on(world, meta, commit, ops_user):
    pausing(world)
    set_stock(world, commit, 0)
    conflict = Conflict.objects.get(rule_code="STOCK_OUT")

    with commit():
        waive_conflicts(
            [conflict.pk],
            ops_user,
            reason="Restock lands tonight",
            until=timezone.now() + timedelta(days=1),
        )

    assert statuses(meta) == [(META_AD, "PAUSED"), (META_AD, "ACTIVE")]


def test_a_campaign_that_is_not_live_is_not_paused(world, meta, commit):
    pausing(world)
    with triggers.suspended():
        Campaign.objects.filter(pk=world.campaign.pk).update(status="scheduled")

    set_stock(world, commit, 0)

    assert meta.writes == [] and not EnforcementAction.objects.exists()


@pytest.fixture
def tiktok_world(db, marketing_user, tiktok):
    world = LiveWorld(marketing_user)
    return synced(world, ConnectionKind.TIKTOK, TIKTOK_ADVERTISER, TIKTOK_TOKEN, "1700001")


def test_tiktok_ads_are_disabled_and_enabled_through_ad_status_update(tiktok_world, tiktok, commit):
    pausing(tiktok_world)

    set_stock(tiktok_world, commit, 0)
    set_stock(tiktok_world, commit, 100)

    assert tiktok.writes == [
        {"advertiser_id": TIKTOK_ADVERTISER, "ad_ids": ["1700001"], "operation_status": status}
        for status in ("DISABLE", "ENABLE")
    ]
    assert set(EnforcementAction.objects.values_list("outcome", flat=True)) == {"ok"}
    assert notes(tiktok_world)[0].startswith("Paused on TikTok by SocialOps")


def test_tiktok_refusing_with_a_code_is_a_refused_pause(tiktok_world, tiktok, commit):
    pausing(tiktok_world)
    tiktok.queued.append((200, tiktok_body({}, code=40001, message="No permission"), {}))

    set_stock(tiktok_world, commit, 0)

    action = EnforcementAction.objects.get()
    assert action.outcome == EnforcementOutcome.REFUSED
    assert "code 40001" in action.reason and tiktok.writes == []


@pytest.fixture
def pinterest_world(db, marketing_user, pinterest):
    world = LiveWorld(marketing_user)
    return synced(world, ConnectionKind.PINTEREST, PINTEREST_ACCOUNT, PINTEREST_TOKEN, "680001")


def test_pinterest_ads_are_paused_and_made_active_through_the_ads_patch(
    pinterest_world, pinterest, commit
):
    pausing(pinterest_world)

    set_stock(pinterest_world, commit, 0)
    set_stock(pinterest_world, commit, 100)

    assert pinterest.writes == [
        [{"id": "680001", "status": "PAUSED"}],
        [{"id": "680001", "status": "ACTIVE"}],
    ]
    assert pinterest.ads[0]["status"] == "ACTIVE"


def test_pinterest_exceptions_in_the_answer_are_a_refused_pause(pinterest_world, pinterest, commit):
    ExternalRef.objects.filter(external_id="680001").update(external_id="689999")
    pausing(pinterest_world)

    set_stock(pinterest_world, commit, 0)

    action = EnforcementAction.objects.get()
    assert action.outcome == EnforcementOutcome.REFUSED
    assert "Ad not found" in action.reason

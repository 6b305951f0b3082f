"""Campaign status changes go through the engine: a blocked campaign cannot be scheduled."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from catalog.models import StockLevel
from promises.models import Conflict
from promises.services import (
    CampaignBlocked,
    acknowledge_conflicts,
    assign_conflicts,
    change_campaign_status,
    note_fix,
    waive_conflicts,
)

pytestmark = pytest.mark.django_db


def in_review(world):
    world.campaign.status = "in_review"
    world.campaign.save()
    return world.campaign


def test_a_fine_campaign_can_be_scheduled_then_go_live_ready(world, marketing_user):
    campaign = change_campaign_status(in_review(world), "scheduled", marketing_user)
    assert campaign.status == "scheduled"
    campaign = change_campaign_status(campaign, "live", marketing_user)
    assert (campaign.status, campaign.went_live_ready) == ("live", True)


def test_a_blocked_campaign_cannot_be_scheduled_and_is_told_why(world, marketing_user):
    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=0, available=0)
    campaign = in_review(world)
    with pytest.raises(CampaignBlocked) as blocked:
        change_campaign_status(campaign, "scheduled", marketing_user)
    assert [b.rule_code for b in blocked.value.blockers] == ["STOCK_OUT"]
    assert "SERUM-30" in str(blocked.value)
    campaign.refresh_from_db()
    assert campaign.status == "in_review"


def test_waiving_the_blockers_lets_it_through(world, marketing_user, ops_user):
    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=0, available=0)
    campaign = in_review(world)
    with pytest.raises(CampaignBlocked):
        change_campaign_status(campaign, "scheduled", marketing_user)
    waive_conflicts(
        Conflict.objects.values_list("pk", flat=True),
        ops_user,
        reason="Restock confirmed for launch day",
        until=timezone.now() + timedelta(days=3),
    )
    assert change_campaign_status(campaign, "scheduled", marketing_user).status == "scheduled"


def test_a_blocker_found_since_the_last_sweep_still_blocks(world, marketing_user):
    """The service re-checks before deciding: stale readiness cannot let a campaign through."""
    campaign = in_review(world)
    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=0, available=0)
    assert not Conflict.objects.exists()
    with pytest.raises(CampaignBlocked):
        change_campaign_status(campaign, "scheduled", marketing_user)


@pytest.mark.parametrize(
    ("start", "target"), [("draft", "live"), ("ended", "scheduled"), ("live", "draft")]
)
def test_impossible_transitions_are_refused(world, marketing_user, start, target):
    world.campaign.status = start
    world.campaign.save()
    with pytest.raises(ValidationError, match="cannot go from"):
        change_campaign_status(world.campaign, target, marketing_user)


def test_conflict_actions_write_history(world, ops_user, admin_user):
    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=0, available=0)
    from promises.checks.engine import run_checks

    run_checks(None)
    conflict = Conflict.objects.get()
    assert assign_conflicts([conflict.pk], admin_user, ops_user) == 1
    assert acknowledge_conflicts([conflict.pk], ops_user) == 1
    assert acknowledge_conflicts([conflict.pk], ops_user) == 0  # already acknowledged
    assert note_fix([conflict.pk], ops_user, "Asked the 3PL to recount") == 1
    with pytest.raises(ValidationError):
        note_fix([conflict.pk], ops_user, "  ")
    conflict.refresh_from_db()
    assert (conflict.state, conflict.assignee, conflict.fix_note) == (
        "acknowledged",
        admin_user,
        "Asked the 3PL to recount",
    )
    history = list(conflict.events.order_by("pk").values_list("kind", "actor__username"))
    assert history == [
        ("opened", None),
        ("assigned", "ops-user"),
        ("acknowledged", "ops-user"),
        ("note", "ops-user"),
    ]


def test_a_campaign_paused_on_its_stop_rule_cannot_go_live_again(world, marketing_user):
    from insights.models import ChannelMetric

    campaign = world.campaign
    campaign.status, campaign.stop_min_roas = "paused", 2
    campaign.save()
    ChannelMetric.objects.create(
        channel=world.channel, campaign=campaign, date=timezone.localdate(), spend=500
    )
    with pytest.raises(CampaignBlocked) as blocked:
        change_campaign_status(campaign, "live", marketing_user)
    assert "STOP_RULE_TRIPPED" in {b.rule_code for b in blocked.value.blockers}

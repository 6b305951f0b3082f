"""The engine against the database: conflicts found, reconciled, resolved, reopened, waived."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from campaigns.models import Campaign, CampaignItem
from catalog.models import StockLevel
from promises.checks import engine
from promises.checks.registry import RULES
from promises.models import CheckRun, Conflict, ConflictEvent, RuleSetting
from promises.querysets import annotate_readiness
from promises.services import waive_conflicts
from tests.factories import CampaignFactory, CampaignItemFactory, StockLevelFactory

pytestmark = pytest.mark.django_db


def sell_out(world):
    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=0, available=0)


def restock(world, units=100):
    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=units, available=units)


def conflict(world, rule="STOCK_OUT"):
    return Conflict.objects.get(campaign=world.campaign, rule_code=rule)


def events(c):
    return list(c.events.order_by("pk").values_list("kind", flat=True))


def test_a_fine_campaign_has_no_conflict(world):
    result = engine.run_checks(None)
    assert Conflict.objects.count() == 0
    run = result.run
    assert (run.status, run.campaigns_checked, run.items_checked) == ("succeeded", 1, 1)
    assert run.duration_ms is not None and run.finished_at >= run.started_at


def test_lifecycle_open_resolve_reopen(world):
    sell_out(world)
    run = engine.run_checks(None).run
    found = conflict(world)
    assert (found.state, found.severity, run.opened) == ("open", "blocker", 1)
    assert found.scope == f"sku:{world.sku.pk}" and found.sku == world.sku
    assert found.evidence["available"] == 0 and found.evidence["expected"] == 20
    assert found.data_as_of is not None

    restock(world)
    run = engine.run_checks(None).run
    found.refresh_from_db()
    assert (found.state, run.resolved) == ("resolved", 1)
    assert found.resolved_at is not None

    sell_out(world)
    run = engine.run_checks(None).run
    found.refresh_from_db()
    assert (found.state, found.reopened_count, run.reopened) == ("open", 1, 1)
    assert events(found) == ["opened", "resolved", "reopened"]
    assert Conflict.objects.filter(rule_code="STOCK_OUT").count() == 1


def test_a_second_sweep_with_nothing_changed_writes_nothing(world):
    sell_out(world)
    engine.run_checks(None)
    before = list(Conflict.objects.values_list("pk", "state", "updated_at", "evidence"))
    run = engine.run_checks(None).run
    assert (run.opened, run.resolved, run.reopened) == (0, 0, 0)
    assert list(Conflict.objects.values_list("pk", "state", "updated_at", "evidence")) == before
    assert ConflictEvent.objects.count() == 1


def test_changed_evidence_updates_the_conflict_without_a_new_one(world):
    sell_out(world)
    engine.run_checks(None)
    world.item.expected_units = 35
    world.item.save()
    engine.run_checks(None)
    found = conflict(world)
    assert found.evidence["expected"] == 35
    assert events(found) == ["opened", "evidence_changed"]


def test_changed_stock_numbers_record_one_evidence_changed_event(world):
    """Every change is an event: new numbers in the evidence show in the history, once."""
    restock(world, 10)  # 10 available to promise, 20 expected
    engine.run_checks(None)
    found = conflict(world, "STOCK_SHORT")
    assert found.evidence["available_to_promise"] == 10
    restock(world, 15)
    run = engine.run_checks(None).run
    found.refresh_from_db()
    assert (found.state, found.evidence["shortfall"]) == ("open", 5)
    assert events(found) == ["opened", "evidence_changed"]
    changed = found.events.get(kind="evidence_changed")
    assert (changed.from_state, changed.to_state, changed.check_run) == ("open", "open", run)
    assert "10 are available" in changed.note  # what it said before
    engine.run_checks(None)  # nothing changed: nothing recorded
    assert events(found) == ["opened", "evidence_changed"]


def test_a_changed_severity_is_an_evidence_changed_event(world):
    sell_out(world)
    engine.run_checks(None)
    RuleSetting.objects.create(rule_code="STOCK_OUT", severity="warning")
    engine.run_checks(None)
    found = conflict(world)
    assert (found.severity, events(found)) == ("warning", ["opened", "evidence_changed"])
    assert "blocker" in found.events.get(kind="evidence_changed").note


def test_two_runs_with_the_same_now_open_each_conflict_once(world):
    """New ids come back from the insert itself, not by the run's timestamp: a second run
    stamped with the same moment must not record "opened" again for the first run's rows."""
    moment = timezone.now()
    sell_out(world)
    engine.run_checks(None, now=moment)
    CampaignItem.objects.filter(pk=world.item.pk).update(reserved_units=0)  # NO_RESERVATION
    run = engine.run_checks(None, now=moment).run
    assert run.opened == 1
    assert events(conflict(world, "STOCK_OUT")) == ["opened"]
    assert events(conflict(world, "NO_RESERVATION")) == ["opened"]
    assert ConflictEvent.objects.filter(kind="opened").count() == Conflict.objects.count() == 2


def test_a_waiver_holds_until_it_expires_then_the_conflict_reopens(world, ops_user):
    sell_out(world)
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        engine.run_checks(None)
        found = conflict(world)
        waive_conflicts(
            [found.pk], ops_user, reason="Restock lands Tuesday", until=now + timedelta(days=2)
        )
        found.refresh_from_db()
        assert found.state == "waived"
    with time_machine.travel(now + timedelta(days=1), tick=False):
        engine.run_checks(None)
        found.refresh_from_db()
        assert found.state == "waived"
    with time_machine.travel(now + timedelta(days=2, seconds=1), tick=False):
        run = engine.run_checks(None).run
        found.refresh_from_db()
        assert (found.state, run.reopened) == ("open", 1)
        assert found.waived_until is None
    assert events(found) == ["opened", "waived", "waiver_lapsed"]
    lapsed = found.events.get(kind="waiver_lapsed")
    assert "Restock lands Tuesday" in lapsed.note and lapsed.actor is None
    assert found.events.get(kind="waived").actor == ops_user


def test_a_waived_conflict_that_stops_firing_resolves(world, ops_user):
    sell_out(world)
    engine.run_checks(None)
    found = conflict(world)
    waive_conflicts([found.pk], ops_user, reason="Known", until=timezone.now() + timedelta(days=1))
    restock(world)
    engine.run_checks(None)
    found.refresh_from_db()
    assert found.state == "resolved"


@pytest.mark.parametrize(
    ("reason", "until", "field"),
    [
        ("", timedelta(days=1), "reason"),
        ("   ", timedelta(days=1), "reason"),
        ("ok", timedelta(seconds=-1), "until"),
        ("ok", timedelta(days=31), "until"),
    ],
)
def test_a_waiver_needs_a_reason_and_a_near_future_expiry(world, ops_user, reason, until, field):
    from django.core.exceptions import ValidationError

    sell_out(world)
    engine.run_checks(None)
    with pytest.raises(ValidationError) as error:
        waive_conflicts([conflict(world).pk], ops_user, reason=reason, until=timezone.now() + until)
    assert field in error.value.message_dict
    assert conflict(world).state == "open"


def test_an_ended_campaign_loses_its_conflicts(world):
    sell_out(world)
    engine.run_checks(None)
    Campaign.objects.filter(pk=world.campaign.pk).update(status="ended")
    engine.run_checks(None)
    assert conflict(world).state == "resolved"


def test_drafts_are_not_checked(world):
    sell_out(world)
    Campaign.objects.filter(pk=world.campaign.pk).update(status="draft")
    run = engine.run_checks(None).run
    assert run.campaigns_checked == 0
    assert not Conflict.objects.exists()


def test_one_broken_campaign_becomes_an_error_and_the_sweep_goes_on(world, monkeypatch):
    other = CampaignFactory(
        channel=world.channel, status="scheduled", name="Other", target_countries=["FR"]
    )
    CampaignItemFactory(campaign=other, sku=world.sku, reserved_units=0)
    sell_out(world)
    stock_out = RULES["STOCK_OUT"]

    def breaks_on_spring_glow(campaign, ctx, emit):
        if campaign.name == "Spring glow":
            raise ValueError("corrupt facts")
        return stock_out.body(campaign, ctx, emit)

    monkeypatch.setitem(RULES, "STOCK_OUT", replace(stock_out, body=breaks_on_spring_glow))
    run = engine.run_checks(None).run
    assert run.status == "succeeded"
    assert run.errors == 1
    assert run.error_details[0]["campaign"] == world.campaign.pk
    assert "corrupt facts" in run.error_details[0]["error"]
    assert Conflict.objects.filter(campaign=other, rule_code="STOCK_OUT").exists()
    assert not Conflict.objects.filter(campaign=world.campaign).exists()


def test_rule_settings_change_severity_or_switch_a_rule_off(world):
    sell_out(world)
    RuleSetting.objects.create(rule_code="STOCK_OUT", severity="warning")
    engine.run_checks(None)
    assert conflict(world).severity == "warning"
    RuleSetting.objects.filter(rule_code="STOCK_OUT").update(enabled=False)
    engine.run_checks(None)
    assert conflict(world).state == "resolved"


def test_readiness_is_one_query_for_any_number_of_campaigns(world, django_assert_num_queries):
    sell_out(world)
    for n in range(5):
        CampaignItemFactory(
            campaign=CampaignFactory(
                channel=world.channel,
                status="scheduled",
                name=f"Fine {n}",
                target_countries=["FR"],
                cites_stock=True,
                stop_min_roas=Decimal("2"),
                qualified_basket_threshold=Decimal("40"),
            ),
            sku=StockLevelFactory(on_hand=10, available=10).sku,
            reserved_units=1,
            expected_units=1,
        )
    engine.run_checks(None)
    with django_assert_num_queries(1):
        readiness = dict(
            annotate_readiness(Campaign.objects.all()).values_list("name", "readiness")
        )
    assert readiness["Spring glow"] == "blocked"
    assert {readiness[f"Fine {n}"] for n in range(5)} == {"ready"}


def test_acknowledged_blockers_still_block_waived_ones_do_not(world, ops_user):
    from promises.services import acknowledge_conflicts

    sell_out(world)
    engine.run_checks(None)
    acknowledge_conflicts([conflict(world).pk], ops_user)
    qs = annotate_readiness(Campaign.objects.filter(pk=world.campaign.pk))
    assert qs.get().readiness == "blocked"
    waive_conflicts(
        [conflict(world).pk], ops_user, reason="ok", until=timezone.now() + timedelta(hours=1)
    )
    assert qs.get().readiness == "ready"


def test_stale_running_runs_are_marked_failed_by_the_next_sweep(world, settings):
    stale = CheckRun.objects.create(trigger="sweep", started_at=timezone.now() - timedelta(hours=2))
    engine.run_checks(None)
    stale.refresh_from_db()
    assert stale.status == "failed"
    assert "abandoned" in stale.error_details[0]["error"]


def test_new_conflicts_are_due_before_the_campaign_starts(world):
    sell_out(world)
    Campaign.objects.filter(pk=world.campaign.pk).update(
        starts_at=timezone.now() + timedelta(hours=1)
    )
    engine.run_checks(None)
    assert conflict(world).due_at <= timezone.now() + timedelta(hours=1)


def test_a_run_with_older_facts_does_not_undo_a_newer_one(world):
    """A sweep that loaded its facts before a re-check wrote must not reopen what it fixed."""
    from promises.checks.reconcile import reconcile
    from promises.checks.registry import Finding

    sell_out(world)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        engine.run_checks(None)
    restock(world)
    with time_machine.travel(start + timedelta(seconds=5), tick=False):
        engine.run_checks(None)  # the newer re-check resolves it
    assert conflict(world).state == "resolved"
    stale = Finding(
        "STOCK_OUT",
        world.campaign.pk,
        f"sku:{world.sku.pk}",
        "sold out",
        {"available": 0},
        sku_id=world.sku.pk,
    )
    with time_machine.travel(start + timedelta(seconds=6), tick=False):
        outcome = reconcile(
            [world.campaign.pk],
            [stale],
            severities={"STOCK_OUT": "blocker"},
            starts={},
            now=start + timedelta(seconds=3),
        )
    assert (outcome.superseded, outcome.reopened) == (1, 0)
    assert conflict(world).state == "resolved"


def test_a_waiver_still_running_covers_a_conflict_that_comes_back(world, ops_user):
    sell_out(world)
    engine.run_checks(None)
    waive_conflicts(
        [conflict(world).pk],
        ops_user,
        reason="Supplier late",
        until=timezone.now() + timedelta(days=5),
    )
    restock(world)
    engine.run_checks(None)
    assert conflict(world).state == "resolved"
    sell_out(world)
    engine.run_checks(None)
    found = conflict(world)
    assert (found.state, found.waiver_reason) == ("waived", "Supplier late")
    assert events(found)[-1] == "reopened"


def test_a_campaign_past_its_end_date_is_no_longer_checked(world):
    sell_out(world)
    engine.run_checks(None)
    Campaign.objects.filter(pk=world.campaign.pk).update(
        status="live",
        starts_at=timezone.now() - timedelta(days=10),
        ends_at=timezone.now() - timedelta(minutes=1),
    )
    run = engine.run_checks(None).run
    assert run.campaigns_checked == 0
    assert conflict(world).state == "resolved"

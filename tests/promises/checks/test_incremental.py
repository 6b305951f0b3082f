"""The periodic sweep re-checks only what changed or what time made due, and finds what a
full sweep finds: a property test over random changes and clock moves, and the cases it
rests on."""

import os
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.models import SKU, StockLevel
from catalog.signals import stock_levels_changed
from promises import triggers
from promises.checks import engine
from promises.checks.loader import due_campaigns, forget_operations
from promises.checks.registry import stock_rule_codes
from promises.models import CampaignCheckState, CampaignRecheck, Conflict
from promises.services import waive_conflicts
from tests.factories import (
    CampaignFactory,
    CampaignItemFactory,
    PromoCodeFactory,
    SKUFactory,
    StockLevelFactory,
)

STATUSES = ["draft", "scheduled", "live", "paused", "ended"]
# Examples of the property test: a few in the suite; run it with many more after a change to
# the engine or the triggers (INCREMENTAL_EXAMPLES=500).
EXAMPLES = int(os.environ.get("INCREMENTAL_EXAMPLES", "20"))


class Store:
    """The world plus three campaigns sharing its SKU, a second SKU, a code that expires
    and a channel whose catalog sync goes stale after two days."""

    def __init__(self, world):
        with triggers.suspended():
            world.channel.catalog_sync_max_age_hours = 48
            world.channel.save()
            self.world = world
            self.code = PromoCodeFactory(code="GLOW", starts_at=timezone.now() - timedelta(days=30))
            self.other = other = SKUFactory(code="MASK-50", price=Decimal("12.00"))
            self.other_stock = StockLevelFactory(sku=other, on_hand=40, available=40)
            self.campaigns = [world.campaign]
            for n, days in enumerate((2, 5, 9)):
                campaign = CampaignFactory(
                    channel=world.channel,
                    name=f"Shared {n}",
                    status="live",
                    target_countries=["FR"],
                    cites_stock=True,
                    starts_at=timezone.now() - timedelta(days=1),
                    ends_at=timezone.now() + timedelta(days=days),
                    promo_code="GLOW" if n == 1 else "",
                )
                CampaignItemFactory(
                    campaign=campaign, sku=world.sku, expected_units=30, reserved_units=30
                )
                CampaignItemFactory(campaign=campaign, sku=other, expected_units=10)
                self.campaigns.append(campaign)


def standing():
    """Every conflict: what, where, its state; for the stock rules (re-checked for one SKU at
    a time) its message and figures too. Other rules may state an age that the clock moves
    (a catalog sync "60 hours ago"), which only a re-check writes anew."""
    stock = stock_rule_codes()
    return sorted(
        (
            (rule, campaign, scope, state, *((message, evidence) if rule in stock else ()))
            for rule, campaign, scope, state, message, evidence in Conflict.objects.values_list(
                "rule_code", "campaign_id", "scope", "state", "message", "evidence"
            )
        ),
        key=repr,
    )


def full_sweep_finds():
    """What a full sweep would leave, without keeping anything it wrote."""
    with transaction.atomic():
        engine.run_checks(None)
        found = standing()
        transaction.set_rollback(True)
    return found


def apply(store: Store, step: tuple, traveller) -> None:
    kind, *args = step
    now = timezone.now()
    value = args[-1]
    campaign = store.campaigns[args[0] % len(store.campaigns)] if len(args) == 2 else None
    if kind == "check_campaign":
        campaign = store.campaigns[value % len(store.campaigns)]
    if kind == "stock":
        stock = StockLevel.objects.get(pk=store.world.stock.pk)
        stock.on_hand = stock.available = value
        stock.save()
    elif kind == "other_stock":
        stock = StockLevel.objects.get(pk=store.other_stock.pk)
        stock.on_hand = stock.available = value
        stock.save()
    elif kind == "bulk_stock":  # an import or a feed: rows updated, one signal for the chunk
        skus = [store.world.sku.pk, store.other.pk]
        StockLevel.objects.filter(sku_id__in=skus).update(on_hand=value, available=value)
        stock_levels_changed.send(sender=StockLevel, sku_ids=skus)
    elif kind == "reserved":
        item = campaign.items.filter(sku=store.world.sku).first()
        item.reserved_units = value
        item.save()
    elif kind == "preorder":
        item = campaign.items.filter(sku=store.other).first()
        if item is not None:
            item.preorder_message = "Ships in May" if value else ""
            item.save()
    elif kind == "rename":  # its name is in the overcommitment evidence of the others
        campaign.refresh_from_db()
        campaign.name = f"{campaign.name.split(' #')[0]} #{value}"
        campaign.save()
    elif kind == "price":
        sku = SKU.objects.get(pk=store.world.sku.pk)
        sku.price = Decimal(value)
        sku.save()
    elif kind == "check_stock":  # the re-check a stock change enqueues, run now
        engine.run_checks(stock_skus=[store.world.sku.pk, store.other.pk], trigger="change")
    elif kind == "check_campaign":  # the re-check a campaign's change enqueues, run now
        engine.run_checks([campaign.pk], trigger="change")
    elif kind == "ends":
        campaign.refresh_from_db()
        campaign.ends_at = max(now + timedelta(hours=value), campaign.starts_at)
        campaign.save()
    elif kind == "status":
        campaign.refresh_from_db()
        campaign.status = STATUSES[value]
        campaign.save()
    elif kind == "expected":
        item = campaign.items.filter(sku=store.world.sku).first()
        item.expected_units = value
        item.save()
    elif kind == "code_ends":
        store.code.refresh_from_db()
        store.code.ends_at = now + timedelta(days=value)
        store.code.save()
    elif kind == "synced":
        channel = store.world.channel
        channel.refresh_from_db()
        channel.last_catalog_sync_at = now - timedelta(hours=value)
        channel.save()
    elif kind == "waive":
        open_ids = list(Conflict.objects.standing().values_list("pk", flat=True)[:1])
        if open_ids:
            waive_conflicts(
                open_ids, None, reason="Accepted for now", until=now + timedelta(hours=value)
            )
    elif kind == "clock":
        traveller.shift(timedelta(hours=value))


def steps():
    which = st.integers(0, 3)
    return st.lists(
        st.one_of(
            st.tuples(st.just("stock"), which, st.sampled_from([0, 10, 45, 100])),
            st.tuples(st.just("ends"), which, st.sampled_from([-2, 3, 30, 200])),
            st.tuples(st.just("status"), which, st.integers(0, len(STATUSES) - 1)),
            st.tuples(st.just("expected"), which, st.sampled_from([5, 40, 90])),
            st.tuples(st.just("code_ends"), st.sampled_from([1, 4, 60])),
            st.tuples(st.just("synced"), st.sampled_from([0, 40, 60])),
            st.tuples(st.just("waive"), st.sampled_from([2, 30])),
            st.tuples(st.just("clock"), st.sampled_from([1, 7, 25, 50, 24 * 6])),
            # Stock-only changes, and changes whose weight on the others is stock only.
            st.tuples(st.just("other_stock"), st.sampled_from([0, 5, 25, 40])),
            st.tuples(st.just("bulk_stock"), st.sampled_from([0, 30, 200])),
            st.tuples(st.just("reserved"), which, st.sampled_from([0, 30, 60])),
            st.tuples(st.just("preorder"), which, st.booleans()),
            st.tuples(st.just("rename"), which, st.integers(1, 3)),
            st.tuples(st.just("price"), st.sampled_from(["24.99", "19.99"])),
            st.tuples(st.just("check_stock"), st.just(0)),
            st.tuples(st.just("check_campaign"), which),
        ),
        min_size=1,
        max_size=8,
    )


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps())
def test_the_periodic_sweep_always_finds_what_a_full_sweep_finds(world, steps):
    with time_machine.travel(timezone.now(), tick=False) as traveller, transaction.atomic():
        forget_operations()
        store = Store(world)
        for step in steps:
            apply(store, step, traveller)
            engine.run_checks(None, due_only=True)
            assert standing() == full_sweep_finds(), steps
        transaction.set_rollback(True)


def test_nothing_changed_checks_nothing(world):
    engine.run_checks(None)
    run = engine.run_checks(None, due_only=True).run
    assert (run.status, run.campaigns_checked, run.scope) == (
        "succeeded",
        0,
        {"due": True, "count": 0},
    )


def test_a_change_is_marked_in_its_transaction_and_the_sweep_clears_it(world):
    engine.run_checks(None)
    world.stock.available = world.stock.on_hand = 0
    world.stock.save()  # in the test's transaction: the on-commit re-check never runs
    assert list(CampaignRecheck.objects.values_list("campaign_id", flat=True)) == [
        world.campaign.pk
    ]
    run = engine.run_checks(None, due_only=True).run
    assert run.campaigns_checked == 1
    assert Conflict.objects.filter(campaign=world.campaign, rule_code="STOCK_OUT").exists()
    assert not CampaignRecheck.objects.exists()


def test_a_rolled_back_change_marks_nothing(world):
    engine.run_checks(None)
    with pytest.raises(RuntimeError), transaction.atomic():
        world.stock.available = 0
        world.stock.save()
        raise RuntimeError
    assert not CampaignRecheck.objects.exists()


def test_a_campaign_is_due_when_it_ends_and_its_neighbours_with_it(world):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        ends = timezone.now() + timedelta(days=3)
        with triggers.suspended():
            rival = CampaignFactory(
                channel=world.channel,
                status="live",
                target_countries=["FR"],
                ends_at=ends,
                starts_at=timezone.now() - timedelta(days=1),
            )
            CampaignItemFactory(
                campaign=rival, sku=world.sku, expected_units=100, reserved_units=100
            )
        engine.run_checks(None)
        assert CampaignCheckState.objects.get(campaign=rival).next_check_at == ends
        assert Conflict.objects.filter(campaign=world.campaign, rule_code="STOCK_OUT").exists()
        assert due_campaigns(timezone.now()) == []
        traveller.shift(timedelta(days=3, minutes=1))
        assert due_campaigns(timezone.now()) == [rival.pk]
        engine.run_checks(None, due_only=True)  # the rival ends: it marks its neighbours
        engine.run_checks(None, due_only=True)  # ... which get their stock back
        conflict = Conflict.objects.get(campaign=world.campaign, rule_code="STOCK_OUT")
        assert conflict.state == "resolved"


def test_a_lapsed_waiver_is_due(world):
    world.stock.available = world.stock.on_hand = 0
    world.stock.save()
    engine.run_checks(None)
    conflict = Conflict.objects.get(campaign=world.campaign, rule_code="STOCK_OUT")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        waive_conflicts(
            [conflict.pk], None, reason="Restock Friday", until=timezone.now() + timedelta(hours=2)
        )
        traveller.shift(timedelta(hours=3))
        assert due_campaigns(timezone.now()) == [world.campaign.pk]
        engine.run_checks(None, due_only=True)
    conflict.refresh_from_db()
    assert conflict.state == "open"

"""A stock change re-checks only the stock rules, for only the SKUs whose stock changed; a
campaign's other conflicts stay as they are. Large runs count their SKUs' stock and demand
once, for all their batches."""

import gc
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import SKU, StockLevel
from catalog.signals import stock_levels_changed
from promises import triggers
from promises.checks import engine, loader
from promises.checks.registry import Rule, stock_rule_codes
from promises.models import CampaignRecheck, CheckRun, CheckRunSkuTotals, Conflict, ConflictEvent
from tests.factories import CampaignFactory, CampaignItemFactory, SKUFactory, StockLevelFactory

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and concurrency need PostgreSQL"
)


@pytest.fixture
def two_skus(world):
    """The world's campaign also promotes a second SKU, announced at the wrong price and sold
    out; a rival campaign shares the first SKU. Both checked once."""
    with triggers.suspended():
        world.mask = SKUFactory(code="MASK-50", price=Decimal("12.00"))
        world.mask_stock = StockLevelFactory(sku=world.mask, on_hand=0, available=0)
        CampaignItemFactory(
            campaign=world.campaign, sku=world.mask, announced_price=Decimal("10.00")
        )
        world.rival = CampaignFactory(
            channel=world.channel, status="scheduled", name="Rival", target_countries=["FR"]
        )
        CampaignItemFactory(campaign=world.rival, sku=world.sku)
    engine.run_checks(None)
    return world


def conflicts(campaign):
    return set(
        Conflict.objects.filter(campaign=campaign).values_list("rule_code", "scope", "state")
    )


@pytest.fixture
def rules_run(monkeypatch):
    """The codes of the rules run, and on how many items each time."""
    calls = []
    original = Rule.check

    def counted(rule, campaign, ctx):
        calls.append((rule.code, campaign.id, len(campaign.items)))
        return original(rule, campaign, ctx)

    monkeypatch.setattr(Rule, "check", counted)
    return calls


def test_a_stock_change_marks_the_campaigns_promoting_the_sku_for_that_sku(two_skus):
    world = two_skus
    world.stock.available = world.stock.on_hand = 0
    world.stock.save()  # in the test's transaction: the on-commit re-check never runs
    marks = set(CampaignRecheck.objects.values_list("campaign_id", "sku_id"))
    assert marks == {(world.campaign.pk, world.sku.pk), (world.rival.pk, world.sku.pk)}


def test_the_sweep_reruns_only_the_stock_rules_for_the_changed_sku(two_skus, rules_run):
    world = two_skus
    mask = f"sku:{world.mask.pk}"
    serum = f"sku:{world.sku.pk}"
    before = conflicts(world.campaign)
    assert {("PRICE_MISMATCH", mask, "open"), ("STOCK_OUT", mask, "open")} <= before
    # What no mark tells: a whole re-check would resolve the price mismatch and the sold-out
    # mask; a re-check of the serum's stock must not.
    SKU.objects.filter(pk=world.mask.pk).update(price=Decimal("10.00"))
    StockLevel.objects.filter(pk=world.mask_stock.pk).update(available=50, on_hand=50)
    world.stock.available = world.stock.on_hand = 0
    world.stock.save()

    run = engine.run_checks(None, due_only=True).run

    assert (run.campaigns_checked, run.items_checked) == (2, 2)  # one item in each campaign
    assert {code for code, _, _ in rules_run} == stock_rule_codes()
    assert {items for _, _, items in rules_run} == {1}
    after = conflicts(world.campaign)
    assert ("STOCK_OUT", serum, "open") in after
    # The campaign's other conflicts are left as they were, not resolved.
    assert {c for c in before if c[1] == mask} <= after
    assert not CampaignRecheck.objects.exists()
    assert ("STOCK_OUT", serum, "open") in conflicts(world.rival)


def test_a_campaigns_own_change_still_rechecks_it_whole(two_skus, rules_run):
    world = two_skus
    SKU.objects.filter(pk=world.mask.pk).update(price=Decimal("10.00"))
    world.stock.available = world.stock.on_hand = 0
    world.stock.save()  # stock-only marks for both campaigns
    world.campaign.name = "Spring glow, again"
    world.campaign.save()  # and a mark of its own

    engine.run_checks(None, due_only=True)

    whole = {code for code, cid, _ in rules_run if cid == world.campaign.pk}
    assert whole > stock_rule_codes()
    assert ("PRICE_MISMATCH", f"sku:{world.mask.pk}", "resolved") in conflicts(world.campaign)
    rival = {code for code, cid, _ in rules_run if cid == world.rival.pk}
    assert rival == stock_rule_codes()


def test_a_check_deletes_exactly_the_marks_it_read(two_skus, monkeypatch):
    world = two_skus
    world.stock.available = world.stock.on_hand = 0
    world.stock.save()
    read = set(CampaignRecheck.objects.values_list("pk", flat=True))
    original = loader.load_campaigns
    late = []

    def a_change_commits_meanwhile(*args, **kwargs):
        if not late:  # after the marks were read, before the facts: kept for the next sweep
            triggers.mark_stock_changed([(world.campaign.pk, world.sku.pk)])
            triggers.mark_changed([world.rival.pk])
            late.extend(CampaignRecheck.objects.exclude(pk__in=read).values_list("pk", flat=True))
        return original(*args, **kwargs)

    monkeypatch.setattr(loader, "load_campaigns", a_change_commits_meanwhile)
    engine.run_checks(None, due_only=True)
    assert len(late) == 2
    assert set(CampaignRecheck.objects.values_list("pk", flat=True)) == set(late)


def test_the_change_task_rechecks_the_stock_of_its_skus_on_commit(
    two_skus, django_capture_on_commit_callbacks
):
    world = two_skus
    with django_capture_on_commit_callbacks(execute=True):
        world.stock.available = world.stock.on_hand = 0
        world.stock.save()
    run = CheckRun.objects.get(trigger="change")
    assert run.scope["stock_skus"] == [world.sku.pk]
    assert run.scope["campaigns"] == sorted([world.campaign.pk, world.rival.pk])
    assert (run.campaigns_checked, run.items_checked) == (2, 2)
    assert Conflict.objects.filter(rule_code="STOCK_OUT", sku=world.sku, state="open").count() == 2
    assert not CampaignRecheck.objects.exists()


def test_a_change_to_most_skus_of_a_campaign_marks_it_whole(world):
    with triggers.suspended():
        skus = [SKUFactory() for _ in range(triggers.STOCK_PAIRS_PER_CAMPAIGN + 1)]
        for sku in skus:
            CampaignItemFactory(campaign=world.campaign, sku=sku)
    stock_levels_changed.send(sender=StockLevel, sku_ids=[s.pk for s in skus])
    assert list(CampaignRecheck.objects.values_list("campaign_id", "sku_id")) == [
        (world.campaign.pk, None)
    ]


def test_a_reservation_change_marks_the_others_on_the_sku_for_its_stock(two_skus):
    world = two_skus
    item = world.rival.items.get()
    item.reserved_units = 95
    item.save()
    marks = set(CampaignRecheck.objects.values_list("campaign_id", "sku_id"))
    assert (world.rival.pk, None) in marks  # its own change: whole
    assert (world.campaign.pk, world.sku.pk) in marks  # its weight on the other: stock only
    assert (world.campaign.pk, None) not in marks
    engine.run_checks(None, due_only=True)
    # 100 in stock, 95 of them reserved by the rival: 5 left for its 20.
    assert ("STOCK_SHORT", f"sku:{world.sku.pk}", "open") in conflicts(world.campaign)


def test_one_stock_change_is_a_fixed_handful_of_queries(two_skus):
    world = two_skus
    engine.run_checks(stock_skus=[world.sku.pk], trigger="change")  # operations now cached
    StockLevel.objects.filter(pk=world.stock.pk).update(available=0, on_hand=0)
    with CaptureQueriesContext(connection) as queries:
        run = engine.run_checks(stock_skus=[world.sku.pk], trigger="change").run
    assert run.items_checked == 2
    # Campaigns on the SKU, their marks, the run; campaigns, items, claims; the SKU, its
    # stock and demand, its windows; lock, conflicts, the writes; marks; the report.
    assert len(queries) <= 22, "\n".join(q["sql"][:120] for q in queries.captured_queries)


# --- Large runs: the SKU totals counted once ------------------------------------------------


@pytest.fixture
def many_batches(world, monkeypatch):
    """Seven more campaigns on the world's SKU, sold out: four batches of two."""
    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=0, available=0)
    with triggers.suspended():
        for i in range(7):
            CampaignItemFactory(
                campaign=CampaignFactory(
                    channel=world.channel, status="scheduled", name=f"C{i}", target_countries=["FR"]
                ),
                sku=world.sku,
                reserved_units=i,
            )
    monkeypatch.setattr(engine, "BATCH_SIZE", 2)
    return world


def test_a_large_run_counts_its_skus_once_and_finds_what_a_small_one_finds(
    many_batches, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(engine, "COUNTED_FROM_BATCHES", 100)
    alone = engine.run_checks(None).run
    expected = sorted(Conflict.objects.values_list("rule_code", "campaign_id", "scope", "message"))
    Conflict.objects.all().delete()
    monkeypatch.setattr(engine, "COUNTED_FROM_BATCHES", 2)
    counted = []
    original = loader.write_sku_totals

    def counting(run_id, *args, **kwargs):
        original(run_id, *args, **kwargs)
        counted.append(CheckRunSkuTotals.objects.filter(run_id=run_id).count())

    monkeypatch.setattr(loader, "write_sku_totals", counting)
    with django_capture_on_commit_callbacks(execute=True):
        run = engine.run_checks(None).run
    assert (run.batches, run.scope["counted"], counted) == (4, True, [1])
    assert (
        sorted(Conflict.objects.values_list("rule_code", "campaign_id", "scope", "message"))
        == expected
    )
    assert run.opened == alone.opened
    assert not CheckRunSkuTotals.objects.exists()  # forgotten once the run finished


@postgres_only
def test_a_runs_sku_totals_are_analysed_once_written(many_batches):
    table = CheckRunSkuTotals._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'ANALYZE "{table}"')  # as autovacuum does between runs: empty
    run = CheckRun.objects.create(trigger="sweep", started_at=timezone.now())

    loader.write_sku_totals(run.pk, run.started_at)

    with connection.cursor() as cursor:
        # ANALYZE writes the row count into pg_class at once, inside the transaction.
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        (tuples,) = cursor.fetchone()
    assert tuples == CheckRunSkuTotals.objects.filter(run_id=run.pk).count() > 0


def test_a_batch_runs_without_the_cyclic_collector_and_restores_it(world, monkeypatch):
    seen = []
    original = engine._check_batch

    def watching(*args, **kwargs):
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, "_check_batch", watching)
    assert gc.isenabled()
    engine.run_checks([world.campaign.pk])
    assert seen == [False] and gc.isenabled()
    gc.disable()  # a caller that turned it off keeps it off
    try:
        engine.run_checks([world.campaign.pk])
        assert seen == [False, False] and not gc.isenabled()
    finally:
        gc.enable()


def test_a_batch_whose_run_counted_nothing_for_a_sku_counts_it_itself(many_batches):
    run = CheckRun.objects.create(trigger="sweep", started_at=timezone.now())
    loader.write_sku_totals(run.pk, run.started_at, sku_ids=[])  # counted nothing
    skus = loader.load_skus([many_batches.sku.pk], totals_run=run.pk)
    reserved = many_batches.campaign.items.get().reserved_units + sum(range(7))
    assert (skus[many_batches.sku.pk].available, skus[many_batches.sku.pk].reserved_total) == (
        0,
        reserved,
    )
    # Counted: read from the totals, as the run saw them, not summed again.
    CheckRunSkuTotals.objects.create(
        run_id=run.pk, sku_id=many_batches.sku.pk, available=5, reserved_total=1, demand_total=1
    )
    skus = loader.load_skus([many_batches.sku.pk], totals_run=run.pk)
    assert (skus[many_batches.sku.pk].available, skus[many_batches.sku.pk].reserved_total) == (5, 1)


@postgres_only
# serialized_rollback: the flush after a transactional test would take the role groups.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_stock_rechecks_at_once_leave_no_duplicates(world, monkeypatch):
    with triggers.suspended():
        for i in range(4):
            CampaignItemFactory(
                campaign=CampaignFactory(
                    channel=world.channel, status="scheduled", name=f"C{i}", target_countries=["FR"]
                ),
                sku=world.sku,
            )
    engine.run_checks(None)
    before = Conflict.objects.count()
    StockLevel.objects.filter(pk=world.stock.pk).update(available=0, on_hand=0)
    triggers.mark_stock_changed(loader.stock_pairs([world.sku.pk]))
    barrier = threading.Barrier(2, timeout=30)
    original = engine.reconcile

    def both_reconcile_together(*args, **kwargs):
        barrier.wait()  # both runs have loaded the same facts; now both write
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, "reconcile", both_reconcile_together)
    outcomes, failures = [], []

    def recheck(kwargs):
        try:
            outcomes.append(engine.run_checks(**kwargs).run)
        except Exception as exc:  # surfaced by the assertion below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=recheck, args=(kwargs,))
        for kwargs in ({"due_only": True}, {"stock_skus": [world.sku.pk]})
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    keys = list(Conflict.objects.values_list("rule_code", "campaign_id", "scope"))
    assert len(keys) == len(set(keys))
    assert Conflict.objects.filter(rule_code="STOCK_OUT").count() == 5  # each campaign, once
    # Each new conflict opened by exactly one of the two runs.
    assert sum(run.opened for run in outcomes) == len(keys) - before > 0
    assert ConflictEvent.objects.filter(kind="opened", check_run__in=outcomes).count() == (
        len(keys) - before
    )


def test_a_large_periodic_sweep_counts_only_the_skus_it_rechecks(many_batches, monkeypatch):
    world = many_batches
    with triggers.suspended():
        other = SKUFactory(code="MASK-50")
        StockLevelFactory(sku=other, on_hand=100, available=100)
        CampaignItemFactory(campaign=world.campaign, sku=other)
    engine.run_checks(None)
    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=100, available=100)
    triggers.mark_stock_changed(loader.stock_pairs([world.sku.pk]))
    counted = []
    original = loader.write_sku_totals

    def counting(run_id, *args, **kwargs):
        original(run_id, *args, **kwargs)
        counted.append(set(CheckRunSkuTotals.objects.values_list("sku_id", flat=True)))

    monkeypatch.setattr(loader, "write_sku_totals", counting)
    run = engine.run_checks(None, due_only=True).run
    assert (run.batches, run.scope["counted"], run.scope["stock_only"]) == (4, True, 8)
    assert counted == [{world.sku.pk}]  # not the mask: no campaign is re-checked for it
    assert not Conflict.objects.filter(rule_code="STOCK_OUT", state="open").exists()
    assert run.items_checked == 8 and run.resolved >= 8  # one item each, its stock rules

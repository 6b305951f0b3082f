"""A change that matters re-checks the campaigns it touches, once, after it commits."""

from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign
from promises import triggers
from promises.models import CheckRun, Conflict
from tests.factories import (
    CampaignClaimFactory,
    CampaignFactory,
    CampaignItemFactory,
    PromoCodeFactory,
    ShippingOverrideFactory,
    SupportReplyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit():` runs the block, then what would run when it commits.

    The test's setup never commits (pytest-django rolls it back), so re-checks it queued are
    dropped first: what runs is what the block's own changes asked for.
    """

    @contextmanager
    def block():
        connection = transaction.get_connection()
        connection.run_on_commit = [
            entry
            for entry in connection.run_on_commit
            if not isinstance(entry[1], triggers._Recheck)
        ]
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks

    return block


def rules_on(campaign):
    return set(
        Conflict.objects.filter(campaign=campaign, state="open").values_list("rule_code", flat=True)
    )


def test_a_stock_change_rechecks_the_campaigns_promoting_the_sku(world, commit):
    bystander = CampaignFactory(status="scheduled", name="Other SKUs")
    with commit():
        world.stock.available = world.stock.on_hand = 0
        world.stock.save()
    assert "STOCK_OUT" in rules_on(world.campaign)
    run = CheckRun.objects.get()
    assert run.trigger == "change"
    assert run.scope["campaigns"] == [world.campaign.pk]
    assert bystander.pk not in run.scope["campaigns"]

    with commit():
        world.stock.available = world.stock.on_hand = 50
        world.stock.save()
    assert "STOCK_OUT" not in rules_on(world.campaign)


def test_many_changes_in_one_transaction_make_one_recheck(world, commit):
    with commit() as callbacks:
        for units in (10, 5, 0):
            world.stock.available = world.stock.on_hand = units
            world.stock.save()
    # One re-check (the run it makes then announces its changes with a callback of its own).
    assert len([c for c in callbacks if isinstance(c, triggers._Recheck)]) == 1
    assert CheckRun.objects.count() == 1


def test_a_rolled_back_change_rechecks_nothing(world, commit):
    with commit() as callbacks:
        try:
            with transaction.atomic():
                world.stock.available = world.stock.on_hand = 0
                world.stock.save()
                raise RuntimeError("abort")
        except RuntimeError:
            pass
    assert callbacks == []
    assert CheckRun.objects.count() == 0


def test_a_methods_days_change_rechecks_campaigns_targeting_its_countries(world, commit):
    CampaignClaimFactory(campaign=world.campaign, kind="delivery", days=3, text="3-day delivery")
    with commit():
        world.method.max_days = 5
        world.method.save()
    assert "DELIVERY_CLAIM_UNSUPPORTED" in rules_on(world.campaign)
    with commit():
        world.method.max_days = 3
        world.method.save()
    assert "DELIVERY_CLAIM_UNSUPPORTED" not in rules_on(world.campaign)


def test_a_peak_override_during_the_campaign_is_caught(world, commit):
    CampaignClaimFactory(campaign=world.campaign, kind="delivery", days=3)
    with commit():
        ShippingOverrideFactory(
            method=world.method,
            extra_days=2,
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() + timedelta(days=30),
        )
    assert "DELIVERY_CLAIM_UNSUPPORTED" in rules_on(world.campaign)


def test_a_codes_dates_change_rechecks_the_campaigns_announcing_it(world, commit):
    code = PromoCodeFactory(code="SPRING15", ends_at=None)
    with commit():
        world.campaign.promo_code = "spring15"
        world.campaign.save()
    assert "PROMO_CODE_INVALID" not in rules_on(world.campaign)
    with commit():
        code.ends_at = world.campaign.starts_at + timedelta(days=2)
        code.save()
    assert "PROMO_CODE_INVALID" in rules_on(world.campaign)
    evidence = Conflict.objects.get(rule_code="PROMO_CODE_INVALID").evidence
    assert "before the campaign ends" in evidence["problems"][0]


def test_editing_the_copy_extracts_its_claims_and_checks_them(world, commit):
    world.method.max_days = 5
    world.method.save()
    with commit():
        world.campaign.caption = "Glow in 48h: delivered in 48h, code NOPE99"
        world.campaign.save()
    kinds = set(world.campaign.claims.filter(source="extracted").values_list("kind", flat=True))
    assert kinds == {"delivery", "promo_code"}
    assert {"DELIVERY_CLAIM_UNSUPPORTED", "PROMO_CODE_INVALID"} <= rules_on(world.campaign)
    with commit():
        world.campaign.caption = "Glow, at your pace."
        world.campaign.save()
    assert not world.campaign.claims.filter(source="extracted").exists()
    assert rules_on(world.campaign) & {"DELIVERY_CLAIM_UNSUPPORTED", "PROMO_CODE_INVALID"} == set()


def test_a_new_item_on_the_same_sku_rechecks_the_other_campaigns_too(world, commit):
    rival = CampaignFactory(
        channel=world.channel, status="scheduled", name="Rival", target_countries=["FR"]
    )
    with commit():
        CampaignItemFactory(campaign=rival, sku=world.sku, expected_units=90, reserved_units=0)
    assert "STOCK_OVERCOMMIT" in rules_on(world.campaign)
    assert "STOCK_OVERCOMMIT" in rules_on(rival)


def test_a_support_reply_change_rechecks_campaigns_with_claims(world, commit):
    CampaignClaimFactory(campaign=world.campaign, kind="delivery", days=3)
    with commit():
        SupportReplyFactory(
            title="Delivery times", text="Please allow five business days", stated_delivery_days=5
        )
    assert "SUPPORT_REPLY_CONTRADICTS" in rules_on(world.campaign)


def test_a_channel_change_rechecks_its_campaigns(world, commit):
    with commit():
        world.channel.creative_budget_monthly = None
        world.channel.save()
    assert "CHANNEL_GOVERNANCE_INCOMPLETE" in rules_on(world.campaign)


def test_suspended_triggers_recheck_nothing(world, commit):
    with commit() as callbacks, triggers.suspended():
        world.stock.available = world.stock.on_hand = 0
        world.stock.save()
    assert callbacks == []


def test_checkout_country_switched_off(world, commit):
    from promises.models import CheckoutCountry

    with commit():
        CheckoutCountry.objects.get(country="FR").delete()
    assert "SHIPPING_COUNTRY_UNCOVERED" in rules_on(world.campaign)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_in_process_sweeper_sweeps_until_stopped(world):
    """Without Redis, `serve` sweeps on a thread: the periodic sweep still runs."""
    import time

    from promises import sweeper

    stop = sweeper.start(interval=0.05)
    try:
        deadline = time.monotonic() + 20
        sweeps = CheckRun.objects.filter(trigger="sweep", status="succeeded")
        while time.monotonic() < deadline and sweeps.count() < 2:
            time.sleep(0.05)
    finally:
        stop.set()
    assert CheckRun.objects.filter(trigger="sweep", status="succeeded").count() >= 2


def test_changing_stock_in_the_admin_updates_the_conflicts_on_commit(world, commit, login):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", password="x")
    client = login(root)
    url = f"/admin/catalog/stocklevel/{world.stock.pk}/change/"
    form = {
        "sku": world.sku.pk,
        "location": world.stock.location_id,
        "on_hand": 0,
        "committed": 0,
        "available": 0,
        "incoming": 0,
        "source": "manual",
    }
    with commit():
        response = client.post(url, form)
    assert response.status_code == 302, response.content[:500]
    assert "STOCK_OUT" in rules_on(world.campaign)

    with commit():
        client.post(url, {**form, "on_hand": 80, "available": 80})
    assert "STOCK_OUT" not in rules_on(world.campaign)
    assert Conflict.objects.get(rule_code="STOCK_OUT").state == "resolved"


def test_changing_a_methods_days_in_the_admin_updates_the_conflicts(world, commit, login):
    from django.contrib.auth import get_user_model

    CampaignClaimFactory(campaign=world.campaign, kind="delivery", days=3, text="3-day delivery")
    client = login(get_user_model().objects.create_superuser("root", password="x"))
    form = {
        "name": "Colissimo",
        "kind": "standard",
        "countries": ["FR"],
        "min_days": 3,
        "max_days": 5,
        "price": "4.90",
        "currency": "EUR",
        "enabled_in_checkout": "on",
        "overrides-TOTAL_FORMS": 0,
        "overrides-INITIAL_FORMS": 0,
    }
    with commit():
        response = client.post(f"/admin/promises/shippingmethod/{world.method.pk}/change/", form)
    assert response.status_code == 302, response.content[:2000]
    assert "DELIVERY_CLAIM_UNSUPPORTED" in rules_on(world.campaign)


def test_moving_an_item_to_another_sku_rechecks_the_old_skus_campaigns(world, commit):
    rival = CampaignFactory(
        channel=world.channel, status="scheduled", name="Rival", target_countries=["FR"]
    )
    item = CampaignItemFactory(campaign=rival, sku=world.sku, expected_units=90, reserved_units=0)
    with commit():
        item.save()
    assert "STOCK_OVERCOMMIT" in rules_on(world.campaign)
    from tests.factories import StockLevelFactory

    elsewhere = StockLevelFactory(on_hand=500, available=500).sku
    with commit():
        item.sku = elsewhere
        item.save()
    assert "STOCK_OVERCOMMIT" not in rules_on(world.campaign)


def test_a_code_scoped_from_the_sku_side_rechecks(world, commit):
    code = PromoCodeFactory(code="SERUMONLY", applies_to="skus")
    with commit():
        world.campaign.promo_code = "SERUMONLY"
        world.campaign.save()
    assert "PROMO_CODE_INVALID" in rules_on(world.campaign)  # applies to no SKU yet
    with commit():
        world.sku.promo_codes.add(code)
    assert "PROMO_CODE_INVALID" not in rules_on(world.campaign)


def test_a_rule_setting_change_reaches_the_next_recheck(world, commit):
    from promises.models import RuleSetting

    with commit():
        world.stock.available = world.stock.on_hand = 0
        world.stock.save()  # caches operations, rule settings included
    assert Conflict.objects.get(rule_code="STOCK_OUT").severity == "blocker"
    with commit():
        RuleSetting.objects.create(rule_code="STOCK_OUT", severity="warning")
    with commit():
        world.stock.available = world.stock.on_hand = 1
        world.stock.save()
        world.stock.available = world.stock.on_hand = 0
        world.stock.save()
    assert Conflict.objects.get(rule_code="STOCK_OUT").severity == "warning"


# --- The apps' bulk signals: importers, webhooks and feed fetches ---------------------------


def _bulk_sends(world):
    from campaigns import signals as campaign_signals
    from campaigns.models import Channel
    from catalog import signals as catalog_signals
    from catalog.models import SKU, Product, StockLevel
    from insights import signals as insights_signals
    from insights.models import ChannelMetric, Order

    scope = {"campaign_ids": {world.campaign.pk}, "channel_ids": {world.channel.pk}}
    return {
        "products": (
            catalog_signals.products_changed,
            Product,
            {"product_ids": [world.sku.product_id]},
        ),
        "skus": (catalog_signals.skus_changed, SKU, {"sku_ids": [world.sku.pk]}),
        "stock": (catalog_signals.stock_levels_changed, StockLevel, {"sku_ids": [world.sku.pk]}),
        "orders": (insights_signals.orders_changed, Order, scope),
        "metrics": (insights_signals.channel_metrics_changed, ChannelMetric, scope),
        "stale sync": (
            campaign_signals.channel_catalog_synced,
            Channel,
            {"channel_id": world.channel.pk, "was_stale": True},
        ),
    }


@pytest.mark.parametrize("kind", ["products", "skus", "stock", "orders", "metrics", "stale sync"])
def test_each_bulk_signal_rechecks_the_campaigns_it_concerns_on_commit(world, commit, kind):
    CampaignFactory(status="scheduled", name="Bystander")  # another SKU, another channel
    signal, sender, kwargs = _bulk_sends(world)[kind]
    with commit() as callbacks:
        signal.send(sender=sender, **kwargs)
        assert CheckRun.objects.count() == 0  # not before the commit
    assert len([c for c in callbacks if isinstance(c, triggers._Recheck)]) == 1
    assert CheckRun.objects.get().scope["campaigns"] == [world.campaign.pk]


def test_a_fresh_catalog_sync_only_refreshes_the_cached_channel_facts(world, commit):
    from campaigns.models import Channel
    from campaigns.signals import channel_catalog_synced

    with commit() as callbacks:
        channel_catalog_synced.send(sender=Channel, channel_id=world.channel.pk, was_stale=False)
    assert [c.__name__ for c in callbacks] == ["_bump_operations_version"]
    assert not CheckRun.objects.exists()


def test_muted_row_signals_recheck_nothing_for_catalog_rows(world, commit):
    """A writer that mutes them announces the batch itself (see catalog/webhooks/apply.py)."""
    from common.signals import row_signals_muted

    with commit() as callbacks, row_signals_muted():
        world.stock.available = world.stock.on_hand = 0
        world.stock.save()
        world.sku.save()
        world.sku.product.save()
    assert callbacks == []


def test_a_product_import_that_drafts_the_product_rechecks_its_campaigns(world, commit):
    from catalog.imports.products import ProductImporter
    from catalog.models import SKU
    from tests.imports.conftest import run
    from tests.imports.test_products import legacy, tee

    product = world.sku.product
    row = tee(handle=product.handle, title=product.title, sku="SERUM-30", size="", price="24.99")
    row.update({"Option1 Name": "", "Status": "draft"})
    with commit():
        result = run(ProductImporter, legacy(row))
    assert result.counts["product"]["updated"] == 1
    assert result.counts["sku"]["unchanged"] == 1
    assert SKU.objects.get(pk=world.sku.pk).product.status == "draft"
    assert CheckRun.objects.get().scope["campaigns"] == [world.campaign.pk]


def test_a_metrics_import_rechecks_the_campaigns_it_measures(world, commit):
    from insights.imports import ChannelMetricImporter
    from tests.imports.conftest import csv_bytes, run

    rows = [
        ["date", "channel", "campaign", "spend", "platform_revenue"],
        ["2026-03-01", "Instagram", "Spring glow", "100", "50"],
        ["2026-03-01", "Instagram", "", "300", "900"],
    ]
    with commit():
        assert run(ChannelMetricImporter, csv_bytes(rows)).errors == []
    assert CheckRun.objects.get().scope["campaigns"] == [world.campaign.pk]


def test_a_rolled_back_import_rechecks_nothing(world, commit):
    from catalog.imports.inventory import InventoryImporter
    from insights.imports import ChannelMetricImporter
    from tests.imports.conftest import csv_bytes, run
    from tests.imports.test_inventory import LONG, long_row

    location = world.stock.location.name
    stock = [LONG, long_row("SERUM-30", location, "0", "0"), long_row("NOPE", location, "1", "1")]
    metrics = [
        ["date", "channel", "campaign", "spend"],
        ["2026-03-01", "Instagram", "Spring glow", "100"],
        ["2026-03-01", "Nowhere", "", "100"],
    ]
    with commit() as callbacks:
        # --atomic with a refused row: everything written is rolled back, re-checks with it.
        assert run(InventoryImporter, csv_bytes(stock), atomic=True).rolled_back
        assert run(ChannelMetricImporter, csv_bytes(metrics), atomic=True).rolled_back
    assert callbacks == []
    assert not CheckRun.objects.exists()
    world.stock.refresh_from_db()
    assert world.stock.available == 100


def test_a_save_reads_the_claims_of_the_copy_once_and_a_status_change_not_at_all(world):
    from campaigns import services

    with mock.patch.object(
        services, "refresh_extracted_claims", wraps=services.refresh_extracted_claims
    ) as refresh:
        world.campaign.caption = "Delivered in 48h"
        services.save_campaign(world.campaign)
        assert refresh.call_count == 1
        refresh.reset_mock()
        services.save_campaign(world.campaign, update_fields=["budget"])
        Campaign.objects.filter(pk=world.campaign.pk).update(status="in_review")
        services.change_status(world.campaign, "draft")
        assert refresh.call_count == 0
        # A write bypassing the service (the admin, the demo) still gets its claims read.
        world.campaign.caption = "Delivered in 24h"
        world.campaign.save()
        assert refresh.call_count == 1
    assert list(
        world.campaign.claims.filter(source="extracted").values_list("text", flat=True)
    ) == ["24h"]

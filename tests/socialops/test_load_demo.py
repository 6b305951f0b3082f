"""`manage.py load_demo`: volumes, idempotence, the planted mistakes, the demo users."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Sum
from django.test import override_settings

from campaigns.choices import (
    CampaignFormat,
    CampaignStatus,
    CheckoutPath,
    ClaimKind,
    ClaimSource,
    Network,
    Objective,
)
from campaigns.models import Campaign, CampaignClaim, CampaignItem, Channel
from catalog.choices import InventoryPolicy
from catalog.models import SKU, StockLevel
from insights.models import ChannelMetric, Order, SurveyResponse
from promises.choices import SupportTopic
from promises.models import (
    CheckoutCountry,
    PromoCode,
    ReturnPolicy,
    ShippingMethod,
    ShippingOverride,
    SupportReply,
)
from socialops.demo import (
    CHANNEL_GOVERNANCE_WARNINGS,
    DEMO_PASSWORD,
    PLANTED_MISTAKES,
    demo_models,
)
from socialops.demo.planted import (
    EXPIRING_CODE_CAMPAIGN,
    FREE_RETURNS,
    OVERCOMMIT_CAMPAIGNS,
    SOLD_OUT_STORY,
    UNDISCLOSED_CREATOR,
    UNSUPPORTED_DELIVERY,
)
from socialops.demo.store import OVERCOMMITTED_SKU, SOLD_OUT_SKU
from socialops.roles import Role

# Mid-morning: two runs in a test can never straddle midnight, when every demo date moves.
NOW = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)
ORDER_DAYS = 90


@pytest.fixture(autouse=True)
def fixed_clock():
    # tick=True: auto_now still moves between the two runs, so a needless save would show.
    with time_machine.travel(NOW, tick=True):
        yield


# The test runner turns DEBUG off; the demo is for development, where it is on. MD5 keeps
# the four password checks of each run fast.
DEVELOPMENT = {
    "DEBUG": True,
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
}


@pytest.fixture(autouse=True)
def development_settings(settings):
    for name, value in DEVELOPMENT.items():
        setattr(settings, name, value)


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for a class of tests that only read it, rolled back after them."""
    with (
        django_db_blocker.unblock(),
        override_settings(**DEVELOPMENT),
        time_machine.travel(NOW, tick=True),
        transaction.atomic(),
    ):
        load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def fresh_demo(db) -> None:
    """The demo loaded for one test that changes it."""
    load()


def fingerprint() -> dict[str, list[dict]]:
    """Every column of every row the demo writes, link tables included."""
    user_model = get_user_model()
    tables = [
        *demo_models(),
        user_model.groups.through,
        PromoCode.products.through,
        PromoCode.skus.through,
        PromoCode.channels.through,
    ]
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values()) for model in tables
    }


def checked_campaigns() -> list[Campaign]:
    return list(Campaign.objects.checked().select_related("channel").prefetch_related("items__sku"))


def available(sku: SKU) -> int:
    return StockLevel.objects.filter(sku=sku).aggregate(total=Sum("available"))["total"] or 0


def overlap(a: Campaign, b: Campaign) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def enabled_methods(country: str) -> list[ShippingMethod]:
    return [
        m
        for m in ShippingMethod.objects.prefetch_related("overrides")
        if m.enabled_in_checkout and country in {c.code for c in m.countries}
    ]


# --- idempotence ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_second_run_changes_no_row_and_no_timestamp():
    load()
    first = fingerprint()

    output = load()

    assert fingerprint() == first
    assert "nothing to change" in output


@pytest.mark.django_db
def test_the_summary_counts_rows_per_model_and_says_how_to_log_in():
    output = load()

    lines = {line.split()[0]: line.split()[1] for line in output.splitlines() if "created" in line}
    assert lines["catalog.SKU"] == str(SKU.objects.count())
    assert lines["insights.Order"] == str(Order.objects.count())
    assert "password 'demo'" in output
    for role in Role:
        assert role.value in output


@pytest.mark.django_db
def test_a_later_day_moves_campaigns_and_rolls_the_90_day_window():
    load()
    before = Campaign.objects.get(name=SOLD_OUT_STORY).starts_at

    with time_machine.travel(NOW + timedelta(days=1), tick=True):
        load()

    assert Campaign.objects.get(name=SOLD_OUT_STORY).starts_at == before + timedelta(days=1)
    days = {o.placed_at.date() for o in Order.objects.only("placed_at")}
    assert (min(days), max(days), len(days)) == (
        NOW.date() - timedelta(days=ORDER_DAYS - 1),
        NOW.date(),
        ORDER_DAYS,
    )
    assert (
        ChannelMetric.objects.filter(campaign=None).count() == Channel.objects.count() * ORDER_DAYS
    )
    # No campaign keeps the spend of a day it no longer ran on.
    for metric in ChannelMetric.objects.exclude(campaign=None).select_related("campaign"):
        campaign = metric.campaign
        assert campaign.starts_at.date() <= metric.date <= campaign.ends_at.date() + timedelta(1)
    assert not SurveyResponse.objects.filter(order=None).exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestVolumes:
    """The demo is big and varied enough to look like a real store."""

    def test_the_demo_has_the_minimum_volumes(self):
        networks = set(Channel.objects.values_list("network", flat=True))
        assert Channel.objects.count() >= 5
        assert {
            Network.TIKTOK, Network.INSTAGRAM, Network.PINTEREST, Network.CREATORS, Network.LIVE,
            Network.ORGANIC,
        } <= networks  # fmt: skip
        assert SKU.objects.count() >= 60
        assert StockLevel.objects.values("location").distinct().count() == 3
        assert Campaign.objects.count() >= 12
        statuses = [c.status for c in Campaign.objects.all()]
        assert set(statuses) == set(CampaignStatus.values)
        for status in CampaignStatus.checked():
            assert statuses.count(status) >= 2, status
        shipping_countries = {
            c.code
            for m in ShippingMethod.objects.filter(enabled_in_checkout=True)
            for c in m.countries
        }
        assert len(shipping_countries) >= 6
        assert shipping_countries <= {
            c.country.code for c in CheckoutCountry.objects.filter(enabled=True)
        }
        assert ShippingOverride.objects.filter(extra_days__gt=0).exists()
        assert ReturnPolicy.objects.filter(window_days=30, is_free=False, countries="").exists()
        assert set(SupportReply.objects.values_list("topic", flat=True)) == set(SupportTopic.values)
        assert PromoCode.objects.count() >= 5

    def test_ninety_days_of_orders_metrics_and_answers(self):
        today = NOW.date()
        order_days = {o.placed_at.date() for o in Order.objects.only("placed_at")}
        assert Order.objects.count() >= 2000
        assert len(order_days) == ORDER_DAYS
        assert min(order_days) == today - timedelta(days=ORDER_DAYS)
        assert max(order_days) == today - timedelta(days=1)

        channel_days = ChannelMetric.objects.filter(campaign__isnull=True)
        assert channel_days.count() == Channel.objects.count() * ORDER_DAYS
        assert ChannelMetric.objects.filter(campaign__isnull=False).count() > 100

        answers = SurveyResponse.objects.all()
        assert answers.filter(channel__isnull=True).exists()
        assert answers.filter(channel__isnull=False).exists()
        assert answers.filter(answer="a friend", channel__isnull=True).exists()

    def test_orders_and_metrics_look_like_a_real_store(self):
        orders = list(Order.objects.all())
        assert any(o.refunded > 0 for o in orders)
        assert 0.03 < sum(o.refunded > 0 for o in orders) / len(orders) < 0.2
        assert 0.3 < sum(o.is_new_customer for o in orders) / len(orders) < 0.8
        # A discount comes from a code, and a code always brings one.
        assert all((o.discounts > 0) == bool(o.promo_code) for o in orders)
        assert any(o.checkout_path == CheckoutPath.NATIVE for o in orders)
        assert all(o.cost_of_goods < o.gross - o.discounts for o in orders)

        metrics = ChannelMetric.objects.filter(campaign__isnull=True)
        assert all(m.qualified_add_to_carts <= m.add_to_carts <= m.sessions for m in metrics)
        organic = metrics.filter(channel__network=Network.ORGANIC)
        assert organic.aggregate(spend=Sum("spend"))["spend"] == 0
        assert organic.aggregate(sessions=Sum("sessions"))["sessions"] > 0
        # Platforms report more revenue than the store attributes to them.
        for channel in Channel.objects.exclude(network=Network.ORGANIC):
            platform = metrics.filter(channel=channel).aggregate(r=Sum("platform_revenue"))["r"]
            attributed = sum(o.gross - o.discounts for o in orders if o.channel_id == channel.pk)
            assert attributed < platform < attributed * Decimal("1.6"), channel.name

    def test_stock_is_consistent_everywhere(self):
        for level in StockLevel.objects.all():
            assert 0 <= level.available <= level.on_hand
            assert level.available == level.on_hand - level.committed

    def test_governance_is_uneven_as_announced(self):
        gaps = {channel.name: channel.governance_gaps for channel in Channel.objects.all()}
        assert {name for name, missing in gaps.items() if missing} == set(
            CHANNEL_GOVERNANCE_WARNINGS
        )
        assert not all(gaps.values())
        stale = [
            c.name
            for c in Channel.objects.exclude(last_catalog_sync_at=None)
            if c.last_catalog_sync_at < NOW - timedelta(hours=c.catalog_sync_max_age_hours)
        ]
        assert stale == [
            name
            for name, codes in CHANNEL_GOVERNANCE_WARNINGS.items()
            if "CATALOG_SYNC_STALE" in codes
        ]


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestPlantedMistakes:
    """Each planted mistake's raw facts are in the data, as PLANTED_MISTAKES says."""

    def test_every_planted_campaign_is_checked_and_current(self):
        for name in PLANTED_MISTAKES:
            campaign = Campaign.objects.get(name=name)
            assert campaign.status in CampaignStatus.checked(), name
            assert campaign.ends_at > NOW, name

    def test_sold_out_sku_in_a_live_story(self):
        campaign = Campaign.objects.get(name=SOLD_OUT_STORY)
        sku = SKU.objects.get(code=SOLD_OUT_SKU)
        item = campaign.items.get(sku=sku)

        assert campaign.status == CampaignStatus.LIVE
        assert campaign.format == CampaignFormat.STORY
        assert campaign.starts_at <= NOW <= campaign.ends_at
        assert (
            list(StockLevel.objects.filter(sku=sku).values_list("available", flat=True)) == [0] * 3
        )
        assert sku.inventory_policy == InventoryPolicy.DENY
        assert item.preorder_message == ""

    def test_one_sku_overcommitted_by_three_overlapping_campaigns_on_three_networks(self):
        sku = SKU.objects.get(code=OVERCOMMITTED_SKU)
        campaigns = [Campaign.objects.get(name=name) for name in OVERCOMMIT_CAMPAIGNS]
        expected = [c.items.get(sku=sku).expected_units for c in campaigns]
        supply = available(sku) - sku.safety_buffer

        assert len({c.channel.network for c in campaigns}) == 3
        assert max(c.starts_at for c in campaigns) < min(c.ends_at for c in campaigns)
        assert all(units <= supply for units in expected)
        assert all(a + b <= supply for i, a in enumerate(expected) for b in expected[i + 1 :])
        assert sum(expected) > available(sku)

    def test_48h_delivery_to_a_country_whose_only_method_takes_five_days(self):
        campaign = Campaign.objects.get(name=UNSUPPORTED_DELIVERY)
        claim = campaign.claims.get(kind=ClaimKind.DELIVERY, source=ClaimSource.ENTERED)

        assert "48h delivery" in campaign.caption
        assert (claim.days, claim.source) == (2, ClaimSource.ENTERED)
        for country in campaign.target_countries:
            methods = enabled_methods(country.code)
            assert len(methods) == 1
            assert methods[0].max_days == 5

    def test_the_delivery_support_reply_says_five_business_days(self):
        reply = SupportReply.objects.get(topic=SupportTopic.DELIVERY)
        claimed = CampaignClaim.objects.get(
            campaign__name=UNSUPPORTED_DELIVERY, kind=ClaimKind.DELIVERY, source=ClaimSource.ENTERED
        )

        assert "allow five business days" in reply.text
        assert reply.stated_delivery_days == 5 > claimed.days

    def test_paid_creator_post_without_disclosure(self):
        campaign = Campaign.objects.get(name=UNDISCLOSED_CREATOR)

        assert campaign.format == CampaignFormat.CREATOR_POST
        assert campaign.creator is not None
        assert campaign.is_paid_partnership
        assert campaign.disclosure == ""

    def test_promo_code_expires_mid_campaign(self):
        campaign = Campaign.objects.get(name=EXPIRING_CODE_CAMPAIGN)
        code = PromoCode.objects.get(code=campaign.promo_code)

        assert code.active
        assert code.starts_at <= campaign.starts_at
        assert campaign.starts_at < code.ends_at < campaign.ends_at

    def test_free_60_day_returns_against_a_30_day_paid_policy(self):
        campaign = Campaign.objects.get(name=FREE_RETURNS)
        claim = campaign.claims.get(kind=ClaimKind.RETURNS, source=ClaimSource.ENTERED)
        policy = ReturnPolicy.objects.get(countries="")

        assert "Free 60-day returns" in campaign.caption
        assert (claim.days, claim.is_free) == (60, True)
        assert (policy.window_days, policy.is_free) == (30, False)
        specific = {c.code for p in ReturnPolicy.objects.exclude(countries="") for c in p.countries}
        assert not specific & {c.code for c in campaign.target_countries}


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestSoundCampaigns:
    """The other checked campaigns keep their promises: no accidental mistake."""

    def test_unplanted_checked_campaigns_keep_their_promises(self):
        """The facts behind every rule, for the campaigns meant to pass: no accidental mistake."""
        campaigns = checked_campaigns()
        sound = [c for c in campaigns if c.name not in PLANTED_MISTAKES]
        assert len(sound) >= 6
        reserved = defaultdict(int)
        for campaign in campaigns:
            for item in campaign.items.all():
                reserved[item.sku_id] += item.reserved_units
        checkout = {c.country.code for c in CheckoutCountry.objects.filter(enabled=True)}
        delivery_reply = SupportReply.objects.get(topic=SupportTopic.DELIVERY)
        returns_reply = SupportReply.objects.get(topic=SupportTopic.RETURNS)

        for campaign in sound:
            name = campaign.name
            countries = {c.code for c in campaign.target_countries}
            assert campaign.cited_functions, name
            if campaign.objective == Objective.PERFORMANCE:
                assert campaign.stop_min_roas or campaign.stop_max_cpa, name
                assert campaign.qualified_basket_threshold, name
            if campaign.creator_id or campaign.is_paid_partnership:
                assert campaign.disclosure, name
            assert countries and countries <= checkout, name
            assert all(enabled_methods(country) for country in countries), name
            if campaign.checkout_path == CheckoutPath.NATIVE:
                assert countries <= {c.code for c in campaign.channel.native_checkout_countries}

            code = PromoCode.objects.filter(code=campaign.promo_code).first()
            if campaign.promo_code:
                assert code and code.active, name
                assert code.starts_at <= campaign.starts_at, name
                assert code.ends_at is None or code.ends_at >= campaign.ends_at, name
                code_channels = set(code.channels.all())
                assert not code_channels or campaign.channel in code_channels, name
            discount = code.value / 100 if code else Decimal(0)
            fee_rate = (
                campaign.channel.native_checkout_fee_rate
                if campaign.checkout_path == CheckoutPath.NATIVE
                else 0
            )
            commission = campaign.creator.commission_rate if campaign.creator else 0

            for item in campaign.items.all():
                sku = item.sku
                assert item.announced_price == sku.price, (name, sku.code)
                assert item.reserved_units > 0, (name, sku.code)
                assert sku.product.is_sellable, (name, sku.code)
                assert not countries & {c.code for c in sku.product.restricted_countries}
                paid = sku.price * (1 - discount)
                assert paid - sku.unit_cost - paid * (fee_rate + commission) > 0, (name, sku.code)
                free = available(sku) - sku.safety_buffer - (reserved[sku.pk] - item.reserved_units)
                assert item.expected_units <= free, (name, sku.code)
                demand = sum(
                    other_item.expected_units
                    for other in campaigns
                    if overlap(campaign, other)
                    for other_item in other.items.all()
                    if other_item.sku_id == sku.pk
                )
                assert demand <= available(sku) - sku.safety_buffer, (name, sku.code)

            for claim in campaign.claims.filter(kind=ClaimKind.DELIVERY):
                for country in countries:
                    slowest = max(
                        m.max_days
                        + max(
                            (
                                o.extra_days
                                for o in m.overrides.all()
                                if o.starts_on <= campaign.ends_at.date()
                                and o.ends_on >= campaign.starts_at.date()
                            ),
                            default=0,
                        )
                        for m in enabled_methods(country)
                    )
                    assert claim.days >= slowest, (name, country)
                assert delivery_reply.stated_delivery_days <= claim.days, name
            for claim in campaign.claims.filter(kind=ClaimKind.RETURNS):
                assert claim.days <= 30 and not claim.is_free, name
                assert returns_reply.stated_return_days >= claim.days, name
                assert not any(item.sku.product.final_sale for item in campaign.items.all())

    def test_live_performance_campaigns_are_within_their_stop_rules(self):
        live = list(
            Campaign.objects.filter(status=CampaignStatus.LIVE, objective=Objective.PERFORMANCE)
        )
        assert live
        for campaign in live:
            spend = campaign.metrics.aggregate(spend=Sum("spend"))["spend"]
            orders = list(campaign.orders.all())
            assert spend > 0 and orders, campaign.name
            net = sum(o.net_revenue for o in orders)
            if campaign.stop_min_roas:
                assert net / spend >= campaign.stop_min_roas, campaign.name
            if campaign.stop_max_cpa:
                assert spend / len(orders) <= campaign.stop_max_cpa, campaign.name


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestUsers:
    """One staff user per role, in the role's group, password demo."""

    def test_one_staff_user_per_role_logs_in_with_demo(self):
        for role in Role:
            user = authenticate(username=role.value, password=DEMO_PASSWORD)
            assert user is not None, role
            assert user.is_staff
            assert user.first_name
            assert user.is_superuser == (role == Role.ADMIN)
            assert list(user.groups.values_list("name", flat=True)) == [role.value]
        marketing = get_user_model().objects.get(username=Role.MARKETING)
        assert Campaign.objects.filter(owner=marketing).count() > Campaign.objects.count() / 2
        assert Channel.objects.filter(calendar_owner=marketing).exists()


# --- changes and safety ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_changed_password_is_reset_to_demo(fresh_demo):
    user = get_user_model().objects.get(username=Role.OPS)
    user.set_password("something else")
    user.save()

    load()

    assert authenticate(username=Role.OPS, password=DEMO_PASSWORD) is not None


@pytest.mark.django_db
def test_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        load()
    assert not Campaign.objects.exists()

    load("--force")
    assert Campaign.objects.count() >= 12


@pytest.mark.django_db
def test_items_and_entered_claims_the_demo_no_longer_describes_are_removed(fresh_demo):
    campaign = Campaign.objects.get(name=FREE_RETURNS)
    stray = CampaignItem.objects.create(
        campaign=campaign, sku=SKU.objects.get(code="ML-TEE-M"), reserved_units=1
    )
    CampaignClaim.objects.create(campaign=campaign, kind=ClaimKind.DELIVERY, days=9)
    extracted = CampaignClaim.objects.create(
        campaign=campaign, kind=ClaimKind.RETURNS, source=ClaimSource.EXTRACTED, days=60
    )

    load()

    assert not CampaignItem.objects.filter(pk=stray.pk).exists()
    assert not campaign.claims.filter(kind=ClaimKind.DELIVERY).exists()
    # Claims extracted from the copy belong to the checks engine.
    assert CampaignClaim.objects.filter(pk=extracted.pk).exists()

"""Plain-value facts for rule tests: no database, every field defaulting to a fine campaign."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from promises.checks.facts import (
    CampaignFacts,
    ChannelFacts,
    CheckContext,
    ClaimFacts,
    DemandWindow,
    ItemFacts,
    Operations,
    PromoCodeFacts,
    ReturnPolicyFacts,
    ShippingMethodFacts,
    ShippingOverrideFacts,
    SkuFacts,
    SupportReplyFacts,
)
from promises.checks.registry import RULES

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def sku(id: int = 1, **kw) -> SkuFacts:
    values = dict(
        id=id,
        code=f"SKU-{id}",
        product_id=id,
        price=Decimal("24.99"),
        compare_at_price=None,
        unit_cost=Decimal("8.00"),
        currency="EUR",
        sellable_status="active",
        published=True,
        final_sale=False,
        category="Skincare",
        restricted_countries=frozenset(),
        available_on=None,
        allows_backorder=False,
        safety_buffer=0,
        available=100,
        reserved_total=10,
        demand_total=10,
        stock_as_of=NOW,
        price_as_of=NOW,
    )
    values.update(kw)
    return SkuFacts(**values)


def item(sku_id: int = 1, **kw) -> ItemFacts:
    values = dict(
        campaign_id=1,
        id=sku_id,
        sku_id=sku_id,
        announced_price=Decimal("24.99"),
        currency="EUR",
        expected_units=10,
        reserved_units=10,
        preorder_message="",
    )
    values.update(kw)
    return ItemFacts(**values)


def claim(kind: str, **kw) -> ClaimFacts:
    return ClaimFacts(kind=kind, source=kw.pop("source", "entered"), **kw)


def channel(**kw) -> ChannelFacts:
    values = dict(
        id=1,
        name="Instagram",
        network="instagram",
        native_checkout_countries=frozenset({"FR"}),
        native_checkout_fee_rate=Decimal("0.05"),
        governance_gaps=(),
        catalog_sync="feed",
        last_catalog_sync_at=NOW - timedelta(hours=1),
        catalog_sync_max_age_hours=24,
        updated_at=NOW,
    )
    values.update(kw)
    return ChannelFacts(**values)


def campaign(**kw) -> CampaignFacts:
    values = dict(
        id=1,
        name="Spring glow",
        status="scheduled",
        objective="performance",
        format="short_video",
        starts_at=NOW + timedelta(days=1),
        ends_at=NOW + timedelta(days=15),
        target_countries=("FR",),
        checkout_path="site",
        channel=channel(),
        cites_stock=True,
        stop_min_roas=Decimal("2"),
        qualified_basket_threshold=Decimal("40"),
        updated_at=NOW,
        items=[item()],
    )
    values.update(kw)
    return CampaignFacts(**values)


def method(id: int = 1, **kw) -> ShippingMethodFacts:
    values = dict(
        id=id,
        name=f"Colissimo {id}",
        kind="standard",
        countries=frozenset({"FR"}),
        min_days=2,
        max_days=3,
        price=Decimal("4.90"),
        currency="EUR",
        free_shipping_threshold=Decimal("50"),
        enabled_in_checkout=True,
        overrides=(),
        updated_at=NOW,
    )
    values.update(kw)
    return ShippingMethodFacts(**values)


def override(extra_days: int, starts_on: date, ends_on: date) -> ShippingOverrideFacts:
    return ShippingOverrideFacts("Peak season", starts_on, ends_on, extra_days)


def policy(**kw) -> ReturnPolicyFacts:
    values = dict(
        id=1,
        name="Standard returns",
        window_days=30,
        is_free=False,
        countries=frozenset(),
        excluded_categories=frozenset(),
        updated_at=NOW,
    )
    values.update(kw)
    return ReturnPolicyFacts(**values)


def code(**kw) -> PromoCodeFacts:
    values = dict(
        id=1,
        code="SUMMER20",
        kind="percentage",
        value=Decimal("20"),
        starts_at=NOW - timedelta(days=1),
        ends_at=None,
        active=True,
        usage_limit=None,
        usage_count=0,
        applies_to="all",
        product_ids=frozenset(),
        sku_ids=frozenset(),
        channel_ids=frozenset(),
        updated_at=NOW,
    )
    values.update(kw)
    return PromoCodeFacts(**values)


def reply(**kw) -> SupportReplyFacts:
    values = dict(
        id=1,
        topic="delivery",
        title="Where is my order?",
        stated_delivery_days=3,
        stated_return_days=None,
        updated_at=NOW,
    )
    values.update(kw)
    return SupportReplyFacts(**values)


def window(campaign_id: int, units: int, start_day: int, end_day: int | None) -> DemandWindow:
    return DemandWindow(
        campaign_id,
        f"Campaign {campaign_id}",
        f"Channel {campaign_id}",
        NOW + timedelta(days=start_day),
        None if end_day is None else NOW + timedelta(days=end_day),
        units,
    )


def context(
    skus=None,
    *,
    methods=None,
    checkout=("FR",),
    policies=None,
    codes=None,
    replies=(),
    windows=None,
    margin_floor=Decimal(0),
) -> CheckContext:
    ops = Operations(
        shipping_methods=list(methods if methods is not None else [method()]),
        checkout_countries=frozenset(checkout),
        checkout_as_of=NOW,
        return_policies=list(policies if policies is not None else [policy()]),
        promo_codes={c.code: c for c in (codes or [])},
        support_replies=list(replies),
    )
    skus = skus if skus is not None else [sku()]
    return CheckContext(
        now=NOW,
        operations=ops,
        skus={s.id: s for s in skus},
        demand_windows=windows or {},
        margin_floor=margin_floor,
    )


def fired(code_: str, campaign_: CampaignFacts, ctx: CheckContext) -> list:
    """The findings of one rule."""
    return list(RULES[code_].check(campaign_, ctx))

"""What operations can deliver in the demo: shipping, returns, checkout, codes, support replies.

Two facts here are planted on purpose: Italy's only enabled method takes up to five days
(against the "48h delivery" campaign), and the delivery support reply says "allow five
business days". FLASH15 ends mid-campaign. See socialops.demo.PLANTED_MISTAKES.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from promises.choices import AppliesTo, DiscountKind, ShippingKind, SupportTopic
from promises.models import (
    CheckoutCountry,
    PromoCode,
    ReturnPolicy,
    ShippingMethod,
    ShippingOverride,
    SupportReply,
)
from socialops.demo.context import DemoContext, money
from socialops.demo.people import CREATORS, TIKTOK_SHOP
from socialops.demo.upsert import sync_m2m, upsert


@dataclass(frozen=True)
class ShippingSpec:
    """A shipping method; currency None means the store currency."""

    name: str
    kind: str
    countries: tuple[str, ...]
    min_days: int
    max_days: int
    price: Decimal
    free_from: Decimal | None = None
    enabled: bool = True
    currency: str | None = None


SHIPPING_METHODS: tuple[ShippingSpec, ...] = (
    ShippingSpec("Colissimo Home", ShippingKind.STANDARD, ("FR",), 2, 3, money("4.90"), money(60)),
    ShippingSpec(
        "Mondial Relay Pickup", ShippingKind.PICKUP, ("BE", "FR"), 3, 4, money("3.90"), money(50)
    ),
    ShippingSpec("Chronopost Express", ShippingKind.EXPRESS, ("FR",), 1, 1, money("12.90")),
    ShippingSpec(
        "DHL Parcel Europe",
        ShippingKind.STANDARD,
        ("BE", "DE", "NL"),
        2,
        4,
        money("5.90"),
        money(70),
    ),
    ShippingSpec(
        "DHL Express Europe", ShippingKind.EXPRESS, ("BE", "DE", "GB", "NL"), 1, 2, money("14.90")
    ),
    # Italy's (and Spain's) only enabled method: three to five days.
    ShippingSpec(
        "Standard Europe South",
        ShippingKind.STANDARD,
        ("ES", "IT"),
        3,
        5,
        money("7.90"),
        money(80),
    ),
    # Negotiated but never switched on in checkout.
    ShippingSpec(
        "GLS Express Italy", ShippingKind.EXPRESS, ("IT",), 1, 2, money("15.90"), enabled=False
    ),
    ShippingSpec("Royal Mail Tracked", ShippingKind.STANDARD, ("GB",), 3, 6, money("8.90")),
    ShippingSpec(
        "USPS Ground",
        ShippingKind.STANDARD,
        ("US",),
        4,
        7,
        money("9.00"),
        money(120),
        currency="USD",
    ),
    ShippingSpec(
        "UPS 2nd Day Air", ShippingKind.EXPRESS, ("US",), 2, 2, money("19.00"), currency="USD"
    ),
)
SHIPPING_COUNTRIES = sorted(
    {c for spec in SHIPPING_METHODS if spec.enabled for c in spec.countries}
)


@dataclass(frozen=True)
class OverrideSpec:
    """Extra days on a method between two days counted from today."""

    method: str
    label: str
    from_day: int
    to_day: int
    extra_days: int


PEAK_SEASON = "Peak season: carrier backlog"
SHIPPING_OVERRIDES: tuple[OverrideSpec, ...] = (
    OverrideSpec("Colissimo Home", PEAK_SEASON, 10, 24, 2),
    OverrideSpec("Mondial Relay Pickup", PEAK_SEASON, 10, 24, 2),
    OverrideSpec("DHL Parcel Europe", "Hub strike in Leipzig", -40, -37, 3),
)

STANDARD_RETURNS = "Standard returns"
RETURN_WINDOW_DAYS = 30
# name -> (window days, free, countries (blank: everywhere), excluded categories)
RETURN_POLICIES: dict[str, tuple[int, bool, tuple[str, ...], tuple[str, ...]]] = {
    STANDARD_RETURNS: (RETURN_WINDOW_DAYS, False, (), ("Gift cards",)),
    "Germany free returns": (RETURN_WINDOW_DAYS, True, ("DE",), ("Gift cards",)),
}
# Flat return label the customer pays under the standard (paid) policy.
RETURN_LABEL_PRICE = money("5.90")

# Switzerland was tried and switched off: duties made every order a support ticket.
CHECKOUT_COUNTRIES: dict[str, bool] = {**dict.fromkeys(SHIPPING_COUNTRIES, True), "CH": False}


@dataclass(frozen=True)
class PromoCodeSpec:
    """A discount code; days are counted from today's midnight UTC."""

    code: str
    percent: Decimal
    starts: timedelta
    ends: timedelta | None
    active: bool = True
    usage_limit: int | None = None
    channels: tuple[str, ...] = ()
    products: tuple[str, ...] = ()


WELCOME_CODE = "WELCOME10"
EXPIRING_CODE = "FLASH15"
# FLASH15 stops at the end of day 3; its campaign runs until day 9.
EXPIRING_CODE_ENDS = timedelta(days=3, hours=23, minutes=59)

PROMO_CODES: tuple[PromoCodeSpec, ...] = (
    PromoCodeSpec(WELCOME_CODE, Decimal("10"), timedelta(days=-365), None),
    PromoCodeSpec(
        "GLOW20",
        Decimal("20"),
        timedelta(days=-85),
        timedelta(days=-60),
        usage_limit=1500,
        channels=(TIKTOK_SHOP,),
        products=("glow-serum",),
    ),
    PromoCodeSpec("LEA15", Decimal("15"), timedelta(days=-60), None, channels=(CREATORS,)),
    PromoCodeSpec(
        "NORA10", Decimal("10"), timedelta(days=-10), None, usage_limit=300, channels=(CREATORS,)
    ),
    PromoCodeSpec("CLARA10", Decimal("10"), timedelta(days=-20), None, usage_limit=500),
    PromoCodeSpec(
        EXPIRING_CODE,
        Decimal("15"),
        timedelta(days=-2),
        EXPIRING_CODE_ENDS,
        usage_limit=1000,
        channels=(TIKTOK_SHOP,),
    ),
    PromoCodeSpec(
        "TIKTOK12",
        Decimal("12"),
        timedelta(days=-30),
        None,
        usage_limit=3000,
        channels=(TIKTOK_SHOP,),
    ),
    PromoCodeSpec("SPRING5", Decimal("5"), timedelta(days=-120), timedelta(days=-90), active=False),
)
PROMO_CODE_SPECS = {spec.code: spec for spec in PROMO_CODES}

DELIVERY_REPLY_DAYS = 5

# topic -> (title, text, stated delivery days, stated return days)
SUPPORT_REPLIES: dict[str, tuple[str, str, int | None, int | None]] = {
    SupportTopic.STOCK: (
        "Out of stock: when is it back?",
        "Most shades are restocked within three weeks. Tap 'Notify me' on the product page and "
        "we will email you the day it is back.",
        None,
        None,
    ),
    SupportTopic.ALLERGENS: (
        "Ingredients and allergens",
        "The full INCI list is on every product page. The Glow Serum contains limonene; the "
        "Velvet Lip Tint contains carmine. Our Cloud Moisturiser is fragrance-free.",
        None,
        None,
    ),
    SupportTopic.COMPATIBILITY: (
        "Can I use the Glow Serum with retinol?",
        "Yes: use the Glow Serum in the morning and your retinol at night, and wear SPF by day.",
        None,
        None,
    ),
    SupportTopic.RETURNS: (
        "How do I return an order?",
        "You have 30 days from delivery to return unworn, unopened items. The return label costs "
        "5.90 and is deducted from your refund (free in Germany). Final-sale items cannot be "
        "returned.",
        None,
        RETURN_WINDOW_DAYS,
    ),
    SupportTopic.TRACKING: (
        "Where is my order?",
        "You receive a tracking link by email as soon as your parcel leaves our warehouse.",
        None,
        None,
    ),
    # Planted: contradicts the "48h delivery to Italy" campaign.
    SupportTopic.DELIVERY: (
        "How long does delivery take?",
        "Please allow five business days for delivery. You will receive a tracking link as soon "
        "as your parcel ships.",
        DELIVERY_REPLY_DAYS,
        None,
    ),
}


def build_operations(ctx: DemoContext) -> None:
    """Shipping methods and overrides, return policies, checkout countries, support replies."""
    methods = {}
    for spec in SHIPPING_METHODS:
        methods[spec.name] = upsert(
            ShippingMethod,
            ctx.tally,
            {"name": spec.name},
            {
                "kind": spec.kind,
                "countries": list(spec.countries),
                "min_days": spec.min_days,
                "max_days": spec.max_days,
                "price": spec.price,
                "currency": spec.currency or ctx.currency,
                "free_shipping_threshold": spec.free_from,
                "enabled_in_checkout": spec.enabled,
            },
        )
    for spec in SHIPPING_OVERRIDES:
        upsert(
            ShippingOverride,
            ctx.tally,
            {"method": methods[spec.method], "label": spec.label},
            {
                "starts_on": ctx.day(spec.from_day),
                "ends_on": ctx.day(spec.to_day),
                "extra_days": spec.extra_days,
            },
        )
    for name, (window_days, is_free, countries, excluded) in RETURN_POLICIES.items():
        upsert(
            ReturnPolicy,
            ctx.tally,
            {"name": name},
            {
                "window_days": window_days,
                "is_free": is_free,
                "countries": list(countries),
                "excluded_categories": list(excluded),
                "active": True,
            },
        )
    for country, enabled in CHECKOUT_COUNTRIES.items():
        upsert(CheckoutCountry, ctx.tally, {"country": country}, {"enabled": enabled})
    for topic, (title, text, delivery_days, return_days) in SUPPORT_REPLIES.items():
        upsert(
            SupportReply,
            ctx.tally,
            {"topic": topic, "title": title},
            {
                "text": text,
                "stated_delivery_days": delivery_days,
                "stated_return_days": return_days,
                "active": True,
            },
        )


def build_promo_codes(ctx: DemoContext, usage_counts: dict[str, int]) -> None:
    """The codes checkout knows, with usage counts taken from the demo orders that used them."""
    for spec in PROMO_CODES:
        code = upsert(
            PromoCode,
            ctx.tally,
            {"code": spec.code},
            {
                "kind": DiscountKind.PERCENTAGE,
                "value": money(spec.percent),
                "currency": ctx.currency,
                "starts_at": ctx.at(spec.starts),
                "ends_at": ctx.at(spec.ends),
                "active": spec.active,
                "usage_limit": spec.usage_limit,
                "usage_count": usage_counts.get(spec.code, 0),
                "applies_to": AppliesTo.PRODUCTS if spec.products else AppliesTo.ALL,
            },
        )
        sync_m2m(ctx.tally, code, "products", [ctx.products[h] for h in spec.products])
        sync_m2m(ctx.tally, code, "skus", [])
        sync_m2m(ctx.tally, code, "channels", [ctx.channels[name] for name in spec.channels])

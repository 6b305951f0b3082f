"""The demo's people and places to sell: role users, channels with uneven governance, creators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from campaigns.choices import CatalogSync, Network, Surface
from campaigns.models import Channel, Creator
from socialops.demo.context import DemoContext, money
from socialops.demo.upsert import upsert
from socialops.roles import Role

DEMO_PASSWORD = "demo"
EMAIL_DOMAIN = "maisonlumen.example"

# username (= role) -> (first name, last name)
USERS: dict[str, tuple[str, str]] = {
    Role.MARKETING: ("Camille", "Laurent"),
    Role.OPS: ("Mehdi", "Benali"),
    Role.EXEC: ("Hélène", "Marchand"),
    Role.ADMIN: ("Sam", "Okafor"),
}

TIKTOK_SHOP = "TikTok Shop"
INSTAGRAM = "Instagram"
PINTEREST = "Pinterest"
CREATORS = "Maison Lumen Creators"
LIVE = "Lumen Live"
SITE_ORGANIC = "Site organic"

# A feed synced more than this long ago is stale whatever the channel's allowed age.
STALE_SYNC_AGE = timedelta(days=9)


@dataclass(frozen=True)
class ChannelSpec:
    """A demo channel; None in a governance field leaves that item not written down."""

    name: str
    network: str
    surfaces: tuple[str, ...]
    native_checkout_countries: tuple[str, ...]
    native_checkout_fee_rate: Decimal
    calendar_owner: str | None
    creative_budget_monthly: Decimal | None
    catalog_sync: str
    catalog_feed_url: str
    last_catalog_sync_ago: timedelta | None
    response_time_commitment_hours: int | None
    conversion_definition: str
    attribution_window_days: int | None
    pixel_configured: bool
    consent_configured: bool


FEED_BASE = "https://maisonlumen.example/feeds"
# The demo brand's storefront; `make run` serves the demo with STORE_URL set to it.
DEMO_STORE_URL = "https://maisonlumen.example"

CHANNELS: tuple[ChannelSpec, ...] = (
    ChannelSpec(
        name=TIKTOK_SHOP,
        network=Network.TIKTOK,
        surfaces=(Surface.NATIVE_SHOP, Surface.LINK_TO_SITE, Surface.LIVE),
        native_checkout_countries=("DE", "ES", "FR", "GB", "IT"),
        native_checkout_fee_rate=Decimal("0.0500"),
        calendar_owner=Role.MARKETING,
        creative_budget_monthly=money(12000),
        catalog_sync=CatalogSync.API,
        catalog_feed_url="",
        last_catalog_sync_ago=timedelta(0),
        response_time_commitment_hours=2,
        conversion_definition="Purchase (TikTok Pixel + Events API)",
        attribution_window_days=7,
        pixel_configured=True,
        consent_configured=True,
    ),
    ChannelSpec(
        name=INSTAGRAM,
        network=Network.INSTAGRAM,
        surfaces=(Surface.LINK_TO_SITE, Surface.MESSAGING, Surface.NATIVE_SHOP),
        native_checkout_countries=("US",),
        native_checkout_fee_rate=Decimal("0.0500"),
        calendar_owner=Role.MARKETING,
        creative_budget_monthly=money(9000),
        catalog_sync=CatalogSync.FEED,
        catalog_feed_url=f"{FEED_BASE}/meta.xml",
        last_catalog_sync_ago=timedelta(0),
        response_time_commitment_hours=4,
        conversion_definition="Purchase (Meta Pixel + Conversions API)",
        attribution_window_days=7,
        pixel_configured=True,
        consent_configured=True,
    ),
    # Governance gaps: no response-time commitment, and the feed stopped syncing.
    ChannelSpec(
        name=PINTEREST,
        network=Network.PINTEREST,
        surfaces=(Surface.LINK_TO_SITE,),
        native_checkout_countries=(),
        native_checkout_fee_rate=Decimal("0"),
        calendar_owner=Role.MARKETING,
        creative_budget_monthly=money(2500),
        catalog_sync=CatalogSync.FEED,
        catalog_feed_url=f"{FEED_BASE}/pinterest.xml",
        last_catalog_sync_ago=STALE_SYNC_AGE,
        response_time_commitment_hours=None,
        conversion_definition="Checkout (Pinterest Tag)",
        attribution_window_days=30,
        pixel_configured=True,
        consent_configured=False,
    ),
    # Governance gaps: nobody owns the calendar, no creative budget, no catalog sync.
    ChannelSpec(
        name=CREATORS,
        network=Network.CREATORS,
        surfaces=(Surface.LINK_TO_SITE,),
        native_checkout_countries=(),
        native_checkout_fee_rate=Decimal("0"),
        calendar_owner=None,
        creative_budget_monthly=None,
        catalog_sync=CatalogSync.NONE,
        catalog_feed_url="",
        last_catalog_sync_ago=None,
        response_time_commitment_hours=24,
        conversion_definition="Order with the creator's code",
        attribution_window_days=30,
        pixel_configured=False,
        consent_configured=False,
    ),
    ChannelSpec(
        name=LIVE,
        network=Network.LIVE,
        surfaces=(Surface.LIVE, Surface.LINK_TO_SITE),
        native_checkout_countries=(),
        native_checkout_fee_rate=Decimal("0"),
        calendar_owner=Role.ADMIN,
        creative_budget_monthly=money(3000),
        catalog_sync=CatalogSync.API,
        catalog_feed_url="",
        last_catalog_sync_ago=timedelta(0),
        response_time_commitment_hours=1,
        conversion_definition="Purchase during the show or within 24 hours",
        attribution_window_days=1,
        pixel_configured=True,
        consent_configured=True,
    ),
    # The organic baseline for KPIs: no paid calendar, budget or feed of its own.
    ChannelSpec(
        name=SITE_ORGANIC,
        network=Network.ORGANIC,
        surfaces=(Surface.LINK_TO_SITE,),
        native_checkout_countries=(),
        native_checkout_fee_rate=Decimal("0"),
        calendar_owner=None,
        creative_budget_monthly=None,
        catalog_sync=CatalogSync.NONE,
        catalog_feed_url="",
        last_catalog_sync_ago=None,
        response_time_commitment_hours=None,
        conversion_definition="Site purchase (GA4)",
        attribution_window_days=None,
        pixel_configured=True,
        consent_configured=True,
    ),
)

CHANNEL_SPECS = {spec.name: spec for spec in CHANNELS}


@dataclass(frozen=True)
class CreatorSpec:
    """A creator of the demo's program."""

    handle: str
    network: str
    commission_rate: Decimal
    promo_code: str


CLARA = "clara.glow"
NORA = "nora.linen"
LEA = "lea.sunday"
THEO = "theo.wears"

CREATORS_LIST: tuple[CreatorSpec, ...] = (
    CreatorSpec(CLARA, Network.INSTAGRAM, Decimal("0.1000"), "CLARA10"),
    CreatorSpec(NORA, Network.INSTAGRAM, Decimal("0.1200"), "NORA10"),
    CreatorSpec(LEA, Network.TIKTOK, Decimal("0.1200"), "LEA15"),
    CreatorSpec(THEO, Network.TIKTOK, Decimal("0.0800"), ""),
)
CREATOR_SPECS = {spec.handle: spec for spec in CREATORS_LIST}


def build_users(ctx: DemoContext) -> None:
    """One staff user per role, password `demo`, in the role's group; admin is superuser."""
    user_model = get_user_model()
    groups = {group.name: group for group in Group.objects.filter(name__in=list(USERS))}
    label = user_model._meta.label
    for username, (first_name, last_name) in USERS.items():
        created_before = ctx.tally.created[label]
        user = upsert(
            user_model,
            ctx.tally,
            {"username": username},
            {
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@{EMAIL_DOMAIN}",
                "is_staff": True,
                "is_superuser": username == Role.ADMIN,
                "is_active": True,
            },
        )
        # Hashing is slow and salted: re-hashing would change the row on every run.
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            if ctx.tally.created[label] == created_before:
                ctx.tally.updated[label] += 1
        group = groups.get(username)
        if group is None:
            raise RuntimeError(f"The {username!r} group is missing: run `manage.py migrate` first.")
        if not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
        ctx.users[username] = user


def build_channels(ctx: DemoContext) -> None:
    """The channels, with their governance filled in unevenly on purpose."""
    for spec in CHANNELS:
        ctx.channels[spec.name] = upsert(
            Channel,
            ctx.tally,
            {"name": spec.name},
            {
                "network": spec.network,
                "surfaces": list(spec.surfaces),
                "native_checkout_countries": list(spec.native_checkout_countries),
                "native_checkout_fee_rate": spec.native_checkout_fee_rate,
                "calendar_owner": ctx.users[spec.calendar_owner] if spec.calendar_owner else None,
                "creative_budget_monthly": spec.creative_budget_monthly,
                "currency": ctx.currency,
                "catalog_sync": spec.catalog_sync,
                "catalog_feed_url": spec.catalog_feed_url,
                "last_catalog_sync_at": (
                    ctx.anchor - spec.last_catalog_sync_ago
                    if spec.last_catalog_sync_ago is not None
                    else None
                ),
                "response_time_commitment_hours": spec.response_time_commitment_hours,
                "conversion_definition": spec.conversion_definition,
                "attribution_window_days": spec.attribution_window_days,
                "pixel_configured": spec.pixel_configured,
                "consent_configured": spec.consent_configured,
            },
        )
    for spec in CREATORS_LIST:
        ctx.creators[spec.handle] = upsert(
            Creator,
            ctx.tally,
            {"network": spec.network, "handle": spec.handle},
            {
                "commission_rate": spec.commission_rate,
                "promo_code": spec.promo_code,
                "disclosure_required": True,
            },
        )

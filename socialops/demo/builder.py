"""Build the whole demo in one transaction, in dependency order."""

from __future__ import annotations

from datetime import UTC, date

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from campaigns.models import Campaign, CampaignClaim, CampaignItem, Channel, Creator
from catalog.models import SKU, Location, Product, StockLevel
from insights.models import ChannelMetric, Order, SurveyResponse
from promises import triggers
from promises.models import (
    CheckoutCountry,
    PromoCode,
    ReturnPolicy,
    ShippingMethod,
    ShippingOverride,
    SupportReply,
)
from socialops.demo.activity import build_activity
from socialops.demo.context import DemoContext, anchor_for
from socialops.demo.marketing import build_campaigns
from socialops.demo.operations import build_operations
from socialops.demo.people import build_channels, build_users
from socialops.demo.store import build_catalog
from socialops.demo.upsert import Tally


def demo_models() -> list[type[models.Model]]:
    """The models the demo writes, in the order a summary lists them."""
    return [
        get_user_model(),
        Location, Product, SKU, StockLevel,
        Channel, Creator, Campaign, CampaignItem, CampaignClaim,
        ShippingMethod, ShippingOverride, ReturnPolicy, CheckoutCountry, PromoCode, SupportReply,
        Order, ChannelMetric, SurveyResponse,
    ]  # fmt: skip


def load_demo(*, today: date | None = None) -> Tally:
    """Create or bring up to date every demo row; return what was created, updated, deleted.

    `today` defaults to the current UTC date; all demo dates are offsets from its midnight.
    Change triggers are off while loading (hundreds of rows would each queue a re-check);
    the caller runs one sweep afterwards.
    """
    ctx = DemoContext(anchor=anchor_for(today or timezone.now().astimezone(UTC).date()))
    with triggers.suspended(), transaction.atomic():
        build_users(ctx)
        build_catalog(ctx)
        build_channels(ctx)
        build_operations(ctx)
        build_campaigns(ctx)
        build_activity(ctx)
    return ctx.tally

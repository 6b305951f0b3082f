"""The shape of a demo campaign, as plain values: offsets from today, SKU codes, claims."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from campaigns.choices import CheckoutPath, Objective
from socialops.roles import Role


@dataclass(frozen=True)
class ItemSpec:
    """A promoted SKU; its announced price is the store price (the sale price when on sale)."""

    sku: str
    expected: int
    reserved: int
    preorder_message: str = ""


@dataclass(frozen=True)
class ClaimSpec:
    """A claim entered with the campaign."""

    kind: str
    text: str
    days: int | None = None
    is_free: bool | None = None
    code: str = ""
    date_in_days: int | None = None


@dataclass(frozen=True)
class CampaignSpec:
    """A demo campaign. Offsets count from today's midnight UTC; None leaves a draft undated."""

    name: str
    channel: str
    format: str
    status: str
    starts: timedelta | None
    ends: timedelta | None
    countries: tuple[str, ...]
    items: tuple[ItemSpec, ...]
    objective: str = Objective.PERFORMANCE
    checkout: str = CheckoutPath.SITE
    budget: Decimal | None = None
    cites: tuple[str, ...] = ("stock",)
    stop_min_roas: Decimal | None = None
    stop_max_cpa: Decimal | None = None
    qualified_basket: Decimal | None = None
    creator: str | None = None
    paid_partnership: bool = False
    disclosure: str = ""
    promo_code: str = ""
    caption: str = ""
    script: str = ""
    claims: tuple[ClaimSpec, ...] = ()
    owner: str | None = Role.MARKETING
    went_live_ready: bool | None = None
    # A paused campaign stopped spending and selling this long before today.
    paused_for: timedelta | None = None


def at(days: int, hours: int = 0) -> timedelta:
    return timedelta(days=days, hours=hours)


# Campaigns end at 23:00 UTC, after the evening's last post.
EVENING = 23

STOCK, SERVICE, MARGIN = "stock", "customer_service", "margin"

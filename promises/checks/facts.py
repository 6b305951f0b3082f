"""Plain-value facts the rules read. No ORM here: the loader fills these, tests build them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple


@dataclass(slots=True)
class SkuFacts:
    id: int
    code: str
    product_id: int
    price: Decimal
    compare_at_price: Decimal | None
    unit_cost: Decimal | None
    currency: str
    sellable_status: str  # product status: active, draft, archived
    published: bool
    final_sale: bool
    category: str
    restricted_countries: frozenset[str]
    available_on: date | None
    allows_backorder: bool
    safety_buffer: int
    available: int = 0
    reserved_total: int = 0  # reserved by every checked campaign
    demand_total: int = 0  # max(expected, reserved) summed over every checked campaign
    stock_as_of: datetime | None = None
    price_as_of: datetime | None = None


class ItemFacts(NamedTuple):
    """A campaign item. A named tuple: a million of them are built straight from DB rows."""

    campaign_id: int
    id: int
    sku_id: int
    announced_price: Decimal | None
    currency: str
    expected_units: int
    reserved_units: int
    preorder_message: str


@dataclass(slots=True)
class ClaimFacts:
    kind: str
    source: str
    text: str = ""
    days: int | None = None
    is_free: bool | None = None
    shipping_option: str = ""
    amount: Decimal | None = None
    currency: str = ""
    code: str = ""
    date: date | None = None


@dataclass(slots=True)
class ChannelFacts:
    id: int
    name: str
    network: str
    native_checkout_countries: frozenset[str]
    native_checkout_fee_rate: Decimal
    governance_gaps: tuple[str, ...]
    catalog_sync: str
    last_catalog_sync_at: datetime | None
    catalog_sync_max_age_hours: int
    updated_at: datetime | None = None


@dataclass(slots=True)
class Performance:
    """What a campaign measured so far: attributed net revenue, orders and spend."""

    net_revenue: Decimal
    orders: int
    spend: Decimal


@dataclass(slots=True)
class CampaignFacts:
    id: int
    name: str
    status: str
    objective: str
    format: str
    starts_at: datetime | None
    ends_at: datetime | None
    target_countries: tuple[str, ...]
    checkout_path: str
    channel: ChannelFacts
    cites_stock: bool = False
    cites_customer_service: bool = False
    cites_margin: bool = False
    stop_min_roas: Decimal | None = None
    stop_max_cpa: Decimal | None = None
    qualified_basket_threshold: Decimal | None = None
    creator_handle: str = ""
    creator_disclosure_required: bool = False
    creator_commission_rate: Decimal = Decimal(0)
    creator_promo_code: str = ""
    is_paid_partnership: bool = False
    disclosure: str = ""
    promo_code: str = ""
    caption: str = ""
    script: str = ""
    currency: str = "EUR"
    updated_at: datetime | None = None
    items: list[ItemFacts] = field(default_factory=list)
    claims: list[ClaimFacts] = field(default_factory=list)
    performance: Performance | None = None

    def claims_of(self, kind: str) -> list[ClaimFacts]:
        return [claim for claim in self.claims if claim.kind == kind]

    @property
    def has_creator(self) -> bool:
        return bool(self.creator_handle)


@dataclass(slots=True)
class ShippingOverrideFacts:
    label: str
    starts_on: date
    ends_on: date
    extra_days: int


@dataclass(slots=True)
class ShippingMethodFacts:
    id: int
    name: str
    kind: str
    countries: frozenset[str]
    min_days: int
    max_days: int
    price: Decimal
    currency: str
    free_shipping_threshold: Decimal | None
    enabled_in_checkout: bool
    overrides: tuple[ShippingOverrideFacts, ...] = ()
    updated_at: datetime | None = None
    handling_days: int | None = None  # None: not written down


@dataclass(slots=True)
class ReturnPolicyFacts:
    id: int
    name: str
    window_days: int
    is_free: bool
    countries: frozenset[str]  # empty: every country
    excluded_categories: frozenset[str]
    updated_at: datetime | None = None


@dataclass(slots=True)
class PromoCodeFacts:
    id: int
    code: str
    kind: str
    value: Decimal
    starts_at: datetime
    ends_at: datetime | None
    active: bool
    usage_limit: int | None
    usage_count: int
    applies_to: str
    product_ids: frozenset[int]
    sku_ids: frozenset[int]
    channel_ids: frozenset[int]
    updated_at: datetime | None = None


@dataclass(slots=True)
class SupportReplyFacts:
    id: int
    topic: str
    title: str
    stated_delivery_days: int | None
    stated_return_days: int | None
    updated_at: datetime | None = None


@dataclass(slots=True)
class Operations:
    """What operations can deliver, the same for every campaign of a run."""

    shipping_methods: list[ShippingMethodFacts] = field(default_factory=list)
    checkout_countries: frozenset[str] = frozenset()
    checkout_as_of: datetime | None = None
    return_policies: list[ReturnPolicyFacts] = field(default_factory=list)
    promo_codes: dict[str, PromoCodeFacts] = field(default_factory=dict)  # by upper-case code
    support_replies: list[SupportReplyFacts] = field(default_factory=list)
    # Loaded and cached with them, as they change as rarely: channels by id, and the admins'
    # rule overrides (code -> (severity, enabled)).
    channels: dict[int, ChannelFacts] = field(default_factory=dict)
    rule_settings: dict[str, tuple[str, bool]] = field(default_factory=dict)


@dataclass(slots=True)
class DemandWindow:
    """One checked campaign's demand on a SKU over its dates (for overcommitment)."""

    campaign_id: int
    campaign_name: str
    channel_name: str
    starts_at: datetime | None
    ends_at: datetime | None
    units: int


@dataclass(slots=True)
class CheckContext:
    now: datetime
    operations: Operations
    skus: dict[int, SkuFacts]
    # Only for SKUs whose total demand exceeds what they have: every campaign's window on them.
    demand_windows: dict[int, list[DemandWindow]] = field(default_factory=dict)
    margin_floor: Decimal = Decimal(0)

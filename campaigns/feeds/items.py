"""One item per sellable SKU, shared by every network's feed.

Availability follows available to promise (stock at active locations, less what checked
campaigns reserve and the SKU's safety buffer: the one definition, in campaigns.querysets),
so a SKU that sells out shows out of stock at the next fetch, and a SKU a campaign holds
back is not sold twice through a feed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import strip_tags

from campaigns.feeds.formats import Availability
from campaigns.models import Channel
from campaigns.querysets import annotate_available_to_promise
from catalog.choices import InventoryPolicy, ProductStatus
from catalog.models import SKU, StockLevel
from catalog.querysets import counted_stock_q

# Rows fetched per round trip while streaming: bounded memory on a 100,000-SKU catalog.
FEED_CHUNK = 2000
# Shopify's option value for a product without options: not worth a title suffix.
DEFAULT_VARIANT_TITLE = "Default Title"
# Barcode lengths that are GTINs (EAN-8, UPC-A, EAN-13, GTIN-14).
GTIN_LENGTHS = frozenset({8, 12, 13, 14})
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class FeedItem:
    """A SKU as a catalog feed presents it, before a network's spelling."""

    id: str
    item_group_id: str
    title: str
    description: str
    link: str
    image_link: str
    price: str
    sale_price: str
    availability: Availability
    availability_date: date | None
    quantity: int
    brand: str
    gtin: str
    mpn: str
    condition: str = "new"


def channel_products_q(channel: Channel | None) -> Q:
    """The SKUs whose product the channel sells: one of its feed's product types (if it
    names any) and one of its feed's tags (if it names any), both compared ignoring case.

    Tags are stored comma-separated, as Shopify exports them: a tag matches a whole entry.
    """
    wanted = Q()
    if channel is None:
        return wanted
    types = [t.strip() for t in channel.feed_product_types or [] if t.strip()]
    tags = [t.strip() for t in channel.feed_tags or [] if t.strip()]
    if types:
        wanted &= reduce(or_, (Q(product__product_type__iexact=t) for t in types))
    if tags:
        wanted &= reduce(
            or_, (Q(product__tags__iregex=rf"(^|,)\s*{re.escape(t)}\s*(,|$)") for t in tags)
        )
    return wanted


def sellable_skus(channel: Channel | None = None) -> QuerySet:
    """SKUs a shopper can buy (through `channel`, if given: the products it sells): active,
    published products with a price, ATP annotated."""
    on_hand = (
        StockLevel.objects.filter(counted_stock_q(), sku=OuterRef("pk"))
        .order_by()
        .values("sku")
        .annotate(total=Sum("on_hand"))
        .values("total")
    )
    skus = (
        SKU.objects.filter(
            channel_products_q(channel),
            product__status=ProductStatus.ACTIVE,
            product__published=True,
            price__gt=0,
        )
        .select_related("product")
        .annotate(on_hand_total=Coalesce(Subquery(on_hand), Value(0)))
        .order_by("product_id", "pk")
    )
    return annotate_available_to_promise(skus)


def plain_text(value: str) -> str:
    """HTML descriptions as the networks want them: tags dropped, entities read, one line."""
    return _SPACES.sub(" ", html.unescape(strip_tags(value or ""))).strip()


def money(amount: Decimal, currency: str) -> str:
    """`9.99 USD`: a period and two decimals, then the ISO 4217 code."""
    return f"{amount.quantize(Decimal('0.01'))} {currency}"


def availability_of(sku: SKU, today: date) -> tuple[Availability, date | None]:
    """In stock while anything is available to promise; else preorder or backorder when the
    SKU keeps selling and says when it will ship; else out of stock.

    Preorder when nothing is on hand anywhere (a release not arrived yet), backorder when
    stock exists but is all promised. Without a future date a network would promise a
    delivery nobody can keep, so such a SKU is out of stock.
    """
    if sku.available_to_promise > 0:
        return Availability.IN_STOCK, None
    dated = sku.available_on is not None and sku.available_on >= today
    if sku.inventory_policy == InventoryPolicy.CONTINUE and dated:
        kind = Availability.PREORDER if sku.on_hand_total <= 0 else Availability.BACKORDER
        return kind, sku.available_on
    return Availability.OUT_OF_STOCK, None


def _title(sku: SKU) -> str:
    options = [o for o in (sku.option1, sku.option2, sku.option3) if o]
    if options == [DEFAULT_VARIANT_TITLE]:
        options = []
    return " - ".join([sku.product.title, " / ".join(options)]) if options else sku.product.title


def _link(sku: SKU, store_url: str) -> str:
    if not store_url:
        return ""
    link = f"{store_url.rstrip('/')}/products/{sku.product.handle}"
    return f"{link}?variant={sku.shopify_variant_id}" if sku.shopify_variant_id else link


def build_item(sku: SKU, today: date, store_url: str) -> FeedItem:
    """The feed item of one SKU from `sellable_skus()`."""
    product = sku.product
    availability, available_on = availability_of(sku, today)
    on_sale = sku.compare_at_price is not None and sku.compare_at_price > sku.price
    barcode = (sku.barcode or "").strip()
    return FeedItem(
        id=sku.code
        or (f"shopify-{sku.shopify_variant_id}" if sku.shopify_variant_id else "")
        or f"sku-{sku.pk}",
        item_group_id=product.handle,
        title=plain_text(_title(sku)),
        description=plain_text(product.description),
        link=_link(sku, store_url),
        image_link=str((product.attributes or {}).get("image_url") or ""),
        # Shopify's compare-at price is the regular price; the price is then the sale price.
        price=money(sku.compare_at_price if on_sale else sku.price, sku.currency),
        sale_price=money(sku.price, sku.currency) if on_sale else "",
        availability=availability,
        availability_date=available_on,
        quantity=max(int(sku.available_to_promise), 0),
        brand=product.vendor,
        gtin=barcode if barcode.isdigit() and len(barcode) in GTIN_LENGTHS else "",
        mpn=sku.code,
    )


def feed_items(today: date | None = None, channel: Channel | None = None) -> Iterator[FeedItem]:
    """Every sellable SKU's item (the ones `channel` sells, if given), streamed in chunks."""
    today = today or timezone.localdate()
    store_url = settings.STORE_URL
    for sku in sellable_skus(channel).iterator(chunk_size=FEED_CHUNK):
        yield build_item(sku, today, store_url)

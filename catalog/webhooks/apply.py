"""Apply a Shopify payload to the catalog: products/update and inventory_levels/update.

Writes go through the ORM's save() (validation, auto timestamps), with per-row model signals
muted: each delivery is one event, announced once with the same `catalog.signals` signal an
import chunk sends (products_changed, stock_levels_changed), which the checks engine listens
to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db.models import Max, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils.text import slugify

from catalog.choices import InventoryPolicy, ProductStatus, StockSource
from catalog.models import SKU, Location, Product, StockLevel
from catalog.signals import products_changed, stock_levels_changed
from catalog.webhooks.inbox import INVENTORY_LEVELS_UPDATE, PRODUCTS_UPDATE, parse_timestamp
from common.signals import row_signals_muted

# Shopify's name for the single variant of a product without options.
DEFAULT_VARIANT_TITLE = "Default Title"


class PayloadError(ValueError):
    """The payload cannot be applied as sent; the message says which field and why."""


@dataclass(frozen=True)
class Target:
    """What a payload updates (a stable key) and as of when, for the staleness check."""

    key: str
    updated_at: datetime | None


def _int(value: Any, field: str, *, required: bool = True) -> int | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise PayloadError(f"{field} must be a whole number, got {value!r}.")
    try:
        return int(value)
    except ValueError:
        raise PayloadError(f"{field} must be a whole number, got {value!r}.") from None


def _money(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise PayloadError(f"{field} must be a number, got {value!r}.") from None
    if not amount.is_finite() or amount < 0:
        raise PayloadError(f"{field} must be a non-negative number, got {value!r}.")
    return amount


def _text(value: Any, limit: int) -> str:
    return "" if value is None else str(value).strip()[:limit]


# --- products/update ------------------------------------------------------------------------


def product_target(payload: dict) -> Target:
    product_id = _int(payload.get("id"), "id")
    return Target(f"product:{product_id}", parse_timestamp(payload.get("updated_at")))


def _find_product(payload: dict, shopify_id: int) -> Product:
    handle = _text(payload.get("handle"), 255)
    product = Product.objects.filter(shopify_product_id=shopify_id).first()
    if product is None and handle:
        product = Product.objects.filter(handle=handle, shopify_product_id__isnull=True).first()
    if product is None:
        # products/update also fires for products SocialOps has not imported yet: keep them.
        base = handle or slugify(payload.get("title") or "")[:200] or "product"
        taken = Product.objects.filter(handle=base).exists()
        product = Product(handle=f"{base}-{shopify_id}" if taken else base)
    product.shopify_product_id = shopify_id
    return product


def _apply_product_fields(product: Product, payload: dict) -> None:
    if "title" in payload:
        product.title = _text(payload["title"], 255) or product.title or product.handle
    if "status" in payload:
        status = str(payload["status"] or "").lower()
        if status not in ProductStatus.values:
            raise PayloadError(f"status must be one of {ProductStatus.values}, got {status!r}.")
        product.status = status
    if "published_at" in payload:
        product.published = payload["published_at"] is not None
    for field, key, limit in (
        ("vendor", "vendor", 255),
        ("product_type", "product_type", 255),
        ("tags", "tags", 1000),
    ):
        if key in payload:
            setattr(product, field, _text(payload[key], limit))
    if "body_html" in payload:
        product.description = payload["body_html"] or ""
    names = sorted(
        (o for o in payload.get("options") or [] if isinstance(o, dict)),
        key=lambda o: o.get("position") or 0,
    )
    for index, option in enumerate(names[:3], start=1):
        setattr(product, f"option{index}_name", _text(option.get("name"), 255))
    image = payload.get("image") or next(iter(payload.get("images") or []), None)
    if isinstance(image, dict) and image.get("src"):
        # No image column on Product yet: the feeds read it from the attributes.
        product.attributes = {**(product.attributes or {}), "image_url": str(image["src"])}


def _variant_options(variant: dict) -> tuple[str, str, str]:
    options = [_text(variant.get(f"option{i}"), 255) for i in (1, 2, 3)]
    if not any(options):
        options[0] = _text(variant.get("title"), 255) or DEFAULT_VARIANT_TITLE
    return options[0], options[1], options[2]


def _apply_variants(product: Product, variants: list[dict]) -> int:
    parsed = []
    for index, variant in enumerate(variants):
        if not isinstance(variant, dict):
            raise PayloadError(f"variants[{index}] must be an object.")
        where = f"variants[{index}]"
        parsed.append(
            {
                "variant_id": _int(variant.get("id"), f"{where}.id"),
                "code": _text(variant.get("sku"), 255),
                "options": _variant_options(variant),
                "price": _money(variant.get("price"), f"{where}.price"),
                "compare_at": _money(variant.get("compare_at_price"), f"{where}.compare_at_price"),
                "item_id": _int(
                    variant.get("inventory_item_id"), f"{where}.inventory_item_id", required=False
                ),
                "barcode": variant.get("barcode"),
                "policy": str(variant.get("inventory_policy") or "").lower(),
                "raw": variant,
            }
        )
    # One query for every SKU a variant may already be: by variant id, code, or options.
    variant_ids = [p["variant_id"] for p in parsed]
    codes = [p["code"] for p in parsed if p["code"]]
    known = list(
        SKU.objects.filter(
            Q(shopify_variant_id__in=variant_ids) | Q(code__in=codes) | Q(product_id=product.pk)
        )
    )
    by_variant = {s.shopify_variant_id: s for s in known if s.shopify_variant_id}
    by_code = {s.code: s for s in known if s.code}
    by_options = {(s.option1, s.option2, s.option3): s for s in known if s.product_id == product.pk}
    for p in parsed:
        sku = (
            by_variant.get(p["variant_id"])
            or (by_code.get(p["code"]) if p["code"] else None)
            or by_options.get(p["options"])
        )
        if sku is None:
            if p["price"] is None:
                raise PayloadError(f"Variant {p['variant_id']} is new and has no price.")
            sku = SKU(product=product, currency=settings.STORE_CURRENCY)
        raw = p["raw"]
        sku.product = product
        sku.shopify_variant_id = p["variant_id"]
        sku.option1, sku.option2, sku.option3 = p["options"]
        if "sku" in raw:
            sku.code = p["code"]
        if p["price"] is not None:
            sku.price = p["price"]
        if "compare_at_price" in raw:
            sku.compare_at_price = p["compare_at"]
        if p["item_id"] is not None:
            sku.shopify_inventory_item_id = p["item_id"]
        if "barcode" in raw:
            sku.barcode = _text(p["barcode"], 64)
        if p["policy"] in InventoryPolicy.values:
            sku.inventory_policy = p["policy"]
        sku.save()
    return len(parsed)


def apply_product_update(payload: dict) -> str:
    """Update the product and its SKUs (matched by variant id, then SKU code, then options)."""
    shopify_id = _int(payload.get("id"), "id")
    variants = payload.get("variants") or []
    if not isinstance(variants, list):
        raise PayloadError("variants must be a list.")
    product = _find_product(payload, shopify_id)
    _apply_product_fields(product, payload)
    if not product.title:
        product.title = product.handle
    with row_signals_muted():
        product.save()
        count = _apply_variants(product, variants)
    # The variants applied are the product's SKUs now: announcing the product covers them.
    products_changed.send(sender=Product, product_ids=[product.pk])
    return f"Product {product.handle}: {count} variant(s) applied."


def product_last_write(payload: dict) -> datetime | None:
    """When the product or one of its SKUs was last saved, by anything."""
    product_id = _int(payload.get("id"), "id")
    return (
        Product.objects.filter(shopify_product_id=product_id)
        # Coalesce: SQLite's two-argument MAX is NULL when either is (a product with no SKU).
        .aggregate(
            last=Greatest(Max("updated_at"), Coalesce(Max("skus__updated_at"), Max("updated_at")))
        )["last"]
    )


# --- inventory_levels/update ----------------------------------------------------------------


def inventory_target(payload: dict, triggered_at: datetime | None) -> Target:
    item = _int(payload.get("inventory_item_id"), "inventory_item_id")
    location = _int(payload.get("location_id"), "location_id")
    updated = parse_timestamp(payload.get("updated_at")) or triggered_at
    return Target(f"inventory:{item}:{location}", updated)


def inventory_last_write(payload: dict) -> datetime | None:
    """When the stock level the payload sets was last saved, by anything."""
    item = _int(payload.get("inventory_item_id"), "inventory_item_id")
    location = _int(payload.get("location_id"), "location_id")
    return StockLevel.objects.filter(
        sku__shopify_inventory_item_id=item, location__shopify_location_id=location
    ).aggregate(last=Max("updated_at"))["last"]


def last_write(topic: str, payload: dict) -> datetime | None:
    """When SocialOps last wrote what a delivery of `topic` would update (None: never)."""
    if topic == PRODUCTS_UPDATE:
        return product_last_write(payload)
    if topic == INVENTORY_LEVELS_UPDATE:
        return inventory_last_write(payload)
    return None


def apply_inventory_level_update(payload: dict) -> str:
    """Set the available units of the SKU (by inventory item id) at the location."""
    item = _int(payload.get("inventory_item_id"), "inventory_item_id")
    location_id = _int(payload.get("location_id"), "location_id")
    available = _int(payload.get("available"), "available")
    sku = SKU.objects.filter(shopify_inventory_item_id=item).first()
    if sku is None:
        raise PayloadError(
            f"No SKU has inventory item id {item}: import the products or wait for their "
            "products/update, then reprocess this delivery."
        )
    location = Location.objects.filter(shopify_location_id=location_id).first()
    if location is None:
        raise PayloadError(
            f"No location has Shopify location id {location_id}: set it on the location, then "
            "reprocess this delivery."
        )
    # Shopify reports oversold stock as negative available; nothing is promisable then.
    available = max(available, 0)
    level = StockLevel.objects.filter(sku=sku, location=location).first()
    if level is None:
        level = StockLevel(sku=sku, location=location)
    # Keep what on hand holds beyond available (committed, unavailable) as it was.
    held = max(level.on_hand - level.available, 0)
    level.available = available
    level.on_hand = available + held
    level.source = StockSource.WEBHOOK
    with row_signals_muted():
        level.save()
    stock_levels_changed.send(sender=StockLevel, sku_ids=[sku.pk])
    return f"{sku} at {location}: {available} available."

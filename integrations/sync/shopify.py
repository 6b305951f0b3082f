"""Shopify store -> catalog: products, variants (SKUs), locations and stock levels.

Rows are keyed on the Shopify ids the catalog already keeps (shopify_product_id,
shopify_variant_id, shopify_inventory_item_id, shopify_location_id), then on the handle,
SKU code or location name, so a store first imported by CSV is adopted, not duplicated.
Each page (or bulk chunk) is one transaction written set-based (integrations/sync/batch.py)
and announced once with the catalog's signals: the re-checks of the campaigns it touched run
at its commit. Codes and shipping: shopify_discounts.py, shopify_delivery.py; the bulk
operation path for large stores: shopify_bulk.py.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_noop
from django_countries import countries

from catalog.choices import InventoryPolicy, ProductStatus, StockSource
from catalog.models import SKU, Location, Product, StockLevel
from catalog.signals import products_changed, skus_changed, stock_levels_changed
from common.signals import row_signals_muted
from common.texts import say
from integrations.choices import IssueKind, SyncRunStatus
from integrations.clients.shopify import (
    INVENTORY_QUERY,
    LOCATIONS_QUERY,
    PRODUCTS_QUERY,
    VARIANTS_QUERY,
    ShopifyClient,
    gid_number,
)
from integrations.models import Connection, SyncRun
from integrations.sync.base import ItemError, Tally, money, text, upsert
from integrations.sync.batch import Batch, planning

# Shopify's option value for the single variant of a product without options.
DEFAULT_VARIANT_TITLE = "Default Title"
# An incremental run reads what changed since the last run's start, minus this margin.
INCREMENTAL_OVERLAP = timedelta(minutes=5)


def objects(nodes: list, tally: Tally) -> list[dict]:
    """The nodes that are objects; anything else is recorded as malformed."""
    for bad in [n for n in nodes if not isinstance(n, dict)]:
        tally.note(
            IssueKind.MALFORMED,
            "",
            say(gettext_noop("A node must be an object, got %(value)s."), value=repr(bad)[:400]),
        )
    return [n for n in nodes if isinstance(n, dict)]


def _id(node: dict, field: str = "id") -> int:
    try:
        return gid_number(node.get(field) if field == "id" else (node.get(field) or {}).get("id"))
    except (ValueError, AttributeError):
        raise ItemError(
            say(
                gettext_noop("%(field)s is not a Shopify id: %(value)s."),
                field=field,
                value=repr(node.get(field)),
            )
        ) from None


def _product_values(node: dict) -> dict:
    status = text(node.get("status"), 16).lower()
    if status not in ProductStatus.values:
        raise ItemError(
            say(
                gettext_noop("status must be one of ACTIVE, DRAFT, ARCHIVED, got %(value)s."),
                value=repr(node.get("status")),
            )
        )
    tags = node.get("tags") or []
    values = {
        "title": text(node.get("title"), 255) or text(node.get("handle"), 255),
        "status": status,
        "published": node.get("publishedAt") is not None,
        "vendor": text(node.get("vendor"), 255),
        "product_type": text(node.get("productType"), 255),
        "tags": ", ".join(str(t) for t in tags)[:1000] if isinstance(tags, list) else "",
        "description": node.get("descriptionHtml") or "",
    }
    names = sorted(
        (o for o in node.get("options") or [] if isinstance(o, dict)),
        key=lambda o: o.get("position") or 0,
    )
    for index in (1, 2, 3):
        option = names[index - 1] if len(names) >= index else {}
        values[f"option{index}_name"] = text(option.get("name"), 255)
    return values


def apply_products(nodes: list[dict], tally: Tally) -> None:
    """Create or update the products of one page or chunk, in two statements."""
    nodes = objects(nodes, tally)
    ids = []
    for node in nodes:
        try:
            ids.append(_id(node))
        except ItemError:
            continue
    handles = [text(n.get("handle"), 255) for n in nodes]
    known = Product.objects.filter(shopify_product_id__in=ids) | Product.objects.filter(
        handle__in=[h for h in handles if h], shopify_product_id__isnull=True
    )
    by_id = {p.shopify_product_id: p for p in known if p.shopify_product_id}
    by_handle = {p.handle: p for p in known if p.shopify_product_id is None}
    # Handles already taken, in one query (a new product whose handle is taken gets its id).
    taken_handles = set(
        Product.objects.filter(handle__in=[h for h in handles if h]).values_list(
            "handle", flat=True
        )
    )
    batch = Batch(Product, tally)
    for node in nodes:
        with planning(tally, node.get("id")):
            shopify_id = _id(node)
            handle = text(node.get("handle"), 255)
            product = by_id.get(shopify_id) or by_handle.pop(handle, None)
            values = _product_values(node)
            if product is None:
                base = handle or slugify(values["title"])[:200] or "product"
                taken = base in taken_handles or (
                    base != handle and Product.objects.filter(handle=base).exists()
                )
                product = Product(handle=f"{base}-{shopify_id}" if taken else base)
                taken_handles.add(product.handle)
                by_id[shopify_id] = product
            values["shopify_product_id"] = shopify_id
            batch.plan(product, values, node.get("id"))
    with row_signals_muted():
        _, updated = batch.write()
    if updated:
        products_changed.send(sender=Product, product_ids=[p.pk for p in updated])


def _options(node: dict) -> tuple[str, str, str]:
    selected = [o for o in node.get("selectedOptions") or [] if isinstance(o, dict)]
    values = [text(o.get("value"), 255) for o in selected[:3]]
    if not any(values):
        values = [text(node.get("title"), 255) or DEFAULT_VARIANT_TITLE]
    values += [""] * (3 - len(values))
    return values[0], values[1], values[2]


def apply_variants(nodes: list[dict], tally: Tally) -> None:
    """Create or update the SKUs of one page or chunk, in two statements."""
    nodes = objects(nodes, tally)
    product_ids, variant_ids, codes = set(), [], []
    for node in nodes:
        try:
            product_ids.add(_id(node, "product"))
            variant_ids.append(_id(node))
        except ItemError:
            continue
        if text(node.get("sku"), 255):
            codes.append(text(node.get("sku"), 255))
    products = {
        p.shopify_product_id: p
        for p in Product.objects.filter(shopify_product_id__in=product_ids).only(
            "pk", "shopify_product_id"
        )
    }
    known = list(
        SKU.objects.filter(
            Q(shopify_variant_id__in=variant_ids)
            | Q(code__in=codes)
            | Q(product__in=[p.pk for p in products.values()])
        )
    )
    by_variant = {s.shopify_variant_id: s for s in known if s.shopify_variant_id}
    by_code = {s.code: s for s in known if s.code}
    by_options = {(s.product_id, s.option1, s.option2, s.option3): s for s in known}
    batch = Batch(SKU, tally)
    for node in nodes:
        with planning(tally, node.get("id")):
            variant_id = _id(node)
            product = products.get(_id(node, "product"))
            if product is None:
                tally.note(
                    IssueKind.UNMATCHED,
                    node.get("id"),
                    say(
                        gettext_noop(
                            "Variant %(variant)s belongs to product %(product)s, "
                            "which this sync did not read."
                        ),
                        variant=variant_id,
                        product=node["product"]["id"],
                    ),
                )
                continue
            code = text(node.get("sku"), 255)
            options = _options(node)
            sku = (
                by_variant.get(variant_id)
                or (by_code.get(code) if code else None)
                or by_options.get((product.pk, *options))
            )
            if sku is None:
                sku = SKU(currency=settings.STORE_CURRENCY)
                by_variant[variant_id] = sku
            policy = text(node.get("inventoryPolicy"), 16).lower()
            if policy not in InventoryPolicy.values:
                raise ItemError(
                    say(
                        gettext_noop("inventoryPolicy must be DENY or CONTINUE, got %(value)s."),
                        value=repr(policy),
                    )
                )
            item = node.get("inventoryItem")
            values = {
                "product_id": product.pk,
                "code": code,
                "option1": options[0],
                "option2": options[1],
                "option3": options[2],
                "price": money(node.get("price"), "price", required=True),
                "compare_at_price": money(node.get("compareAtPrice"), "compareAtPrice"),
                "barcode": text(node.get("barcode"), 64),
                "inventory_policy": policy,
                "shopify_variant_id": variant_id,
                "shopify_inventory_item_id": _id(node, "inventoryItem") if item else None,
            }
            batch.plan(sku, values, node.get("id"))
    with row_signals_muted():
        _, updated = batch.write()
    if updated:
        skus_changed.send(sender=SKU, sku_ids=[s.pk for s in updated])


def apply_locations(nodes: list[dict], tally: Tally) -> list[Location]:
    nodes = objects(nodes, tally)
    ids = []
    for node in nodes:
        try:
            ids.append(_id(node))
        except ItemError:
            continue
    names = [text(n.get("name"), 255) for n in nodes]
    known = Location.objects.filter(shopify_location_id__in=ids) | Location.objects.filter(
        name__in=names, shopify_location_id__isnull=True
    )
    by_id = {loc.shopify_location_id: loc for loc in known if loc.shopify_location_id}
    by_name = {loc.name: loc for loc in known if loc.shopify_location_id is None}
    synced = []
    for node in nodes:
        with tally.item(node.get("id")):
            location_id = _id(node)
            name = text(node.get("name"), 255)
            if not name:
                raise ItemError(say(gettext_noop("The location has no name.")))
            location = by_id.get(location_id) or by_name.pop(name, None) or Location()
            country = text((node.get("address") or {}).get("countryCode"), 2).upper()
            if country not in countries:
                country = location.country or settings.IMPORTS_LOCATION_COUNTRY
            values = {
                "name": name,
                "active": bool(node.get("isActive", True)),
                "country": country,
                "shopify_location_id": location_id,
            }
            tally.count(upsert(location, values))
            synced.append(location)
    return synced


def _quantities(node: dict) -> dict[str, int]:
    """StockLevel values from an inventory level's `quantities`."""
    quantities = {}
    for entry in node.get("quantities") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("quantity"), int):
            raise ItemError(
                say(
                    gettext_noop("quantities must be {name, quantity} pairs, got %(value)s."),
                    value=repr(entry),
                )
            )
        quantities[entry.get("name")] = entry["quantity"]
    if "available" not in quantities:
        raise ItemError(say(gettext_noop("quantities has no 'available'.")))
    # Shopify reports oversold stock as negative available: nothing is promisable.
    available = max(quantities["available"], 0)
    committed = max(quantities.get("committed", 0), 0)
    # On hand = available + committed + unavailable (reserved, safety stock, damaged...).
    held = sum(max(quantities.get(name, 0), 0) for name in ("reserved", "safety_stock"))
    on_hand = quantities.get("on_hand", available + committed + held)
    return {
        "available": available,
        "on_hand": max(on_hand, available),
        "committed": committed,
        "incoming": max(quantities.get("incoming", 0), 0),
    }


def apply_levels(location: Location, nodes: list[dict], tally: Tally) -> None:
    """Create or update the stock levels of one location's page or chunk."""
    nodes = objects(nodes, tally)
    item_ids = []
    for node in nodes:
        try:
            item_ids.append(_id(node, "item"))
        except ItemError:
            continue
    skus = dict(
        SKU.objects.filter(shopify_inventory_item_id__in=item_ids).values_list(
            "shopify_inventory_item_id", "pk"
        )
    )
    levels = {
        level.sku_id: level
        for level in StockLevel.objects.filter(location=location, sku_id__in=skus.values())
    }
    batch = Batch(StockLevel, tally)
    for node in nodes:
        external_id = f"{location.shopify_location_id}:{(node.get('item') or {}).get('id')}"
        with planning(tally, external_id):
            item_id = _id(node, "item")
            sku_id = skus.get(item_id)
            if sku_id is None:
                tally.note(
                    IssueKind.UNMATCHED,
                    node["item"]["id"],
                    say(
                        gettext_noop(
                            "Stock at %(location)s for inventory item %(item)s, which no SKU has."
                        ),
                        location=location.name,
                        item=item_id,
                    ),
                )
                continue
            values = _quantities(node)
            level = levels.get(sku_id)
            if level is None:
                level = levels[sku_id] = StockLevel(
                    sku_id=sku_id, location=location, source=StockSource.WEBHOOK
                )
            batch.plan(level, values, external_id)
    with row_signals_muted():
        created, updated = batch.write()
    if created or updated:
        stock_levels_changed.send(
            sender=StockLevel, sku_ids=sorted({level.sku_id for level in created + updated})
        )


def sync_locations(client: ShopifyClient, tally: Tally) -> list[Location]:
    locations = []
    for page in client.paginate(LOCATIONS_QUERY, ("locations",)):
        with transaction.atomic():
            locations += apply_locations(page, tally)
    return locations


def sync_catalog_paged(
    client: ShopifyClient, tally: Tally, locations: list[Location], search: str | None
) -> None:
    """Products, variants and stock a page at a time (small stores)."""
    variables = {"query": search} if search else {}
    for page in client.paginate(PRODUCTS_QUERY, ("products",), variables):
        with transaction.atomic():
            apply_products(page, tally)
    for page in client.paginate(VARIANTS_QUERY, ("productVariants",), variables):
        with transaction.atomic():
            apply_variants(page, tally)
    for location in locations:
        gid = f"gid://shopify/Location/{location.shopify_location_id}"
        for page in client.paginate(
            INVENTORY_QUERY, ("location", "inventoryLevels"), {"location": gid}
        ):
            with transaction.atomic():
                apply_levels(location, page, tally)


def updated_since(connection: Connection, run_id: int | None) -> str | None:
    """The `updated_at` search of an incremental run: since the start of the last run that
    went through (a few minutes earlier, for clocks that disagree), or None for a full one."""
    last = (
        SyncRun.objects.filter(
            connection=connection, status__in=[SyncRunStatus.SUCCEEDED, SyncRunStatus.PARTIAL]
        )
        .exclude(pk=run_id)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    if last is None:
        return None
    since = (last - INCREMENTAL_OVERLAP).astimezone(UTC)
    return f"updated_at:>'{since:%Y-%m-%dT%H:%M:%SZ}'"


def use_bulk(client: ShopifyClient) -> bool:
    mode = settings.SHOPIFY_SYNC_MODE
    if mode in ("bulk", "paged"):
        return mode == "bulk"
    return client.variants_count() >= settings.SHOPIFY_BULK_MIN_VARIANTS


def sync_shopify(connection: Connection, tally: Tally, *, full: bool = False) -> ShopifyClient:
    """Read the store and apply it; returns the client (for its request count).

    Products and variants: only those updated since the last run that went through (all of
    them the first time, or with `full`). Stock, codes and shipping: all of them each time
    (quantities change without touching a product's updated_at).
    """
    from integrations.sync.shopify_bulk import sync_catalog_bulk
    from integrations.sync.shopify_delivery import sync_delivery_profiles
    from integrations.sync.shopify_discounts import sync_discounts

    client = ShopifyClient(connection.account_id, connection.credentials())
    tally.client = client
    search = None if full else updated_since(connection, tally.run.pk)
    bulk = use_bulk(client)
    locations = sync_locations(client, tally)
    if bulk:
        sync_catalog_bulk(client, tally, locations, search)
    else:
        sync_catalog_paged(client, tally, locations, search)
    sync_discounts(client, connection, tally)
    sync_delivery_profiles(client, connection, tally)
    return client

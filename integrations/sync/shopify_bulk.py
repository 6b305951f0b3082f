"""Large stores: the catalog and stock through Shopify bulk operations (JSONL files).

One bulk query reads every product with its variants, another every location's inventory
levels. Shopify answers each with a JSONL file: one object a line, a nested connection's nodes
on their own lines pointing at their parent with `__parentId`, a parent before its children.
The file is read a line at a time and applied in chunks of CHUNK_LINES, each one transaction
written set-based (integrations/sync/batch.py): memory stays flat whatever the store's size.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import transaction
from django.utils.translation import gettext_noop

from catalog.models import Location
from common.texts import say
from integrations.choices import IssueKind
from integrations.clients.shopify import BULK_CATALOG_QUERY, BULK_STOCK_QUERY, ShopifyClient
from integrations.sync.base import Tally
from integrations.sync.shopify import apply_levels, apply_products, apply_variants

# Lines per transaction: large enough for few round trips, small enough to hold in memory.
CHUNK_LINES = 5000

# A line of the bulk file that is none of the objects the query asks for.
UNEXPECTED_LINE = gettext_noop("Unexpected line in the file.")


def catalog_query(search: str | None) -> str:
    """The bulk catalog query, filtered to what changed since `search` when given."""
    if search:
        return BULK_CATALOG_QUERY.replace("FILTER", json.dumps(search))
    return BULK_CATALOG_QUERY.replace("(query: FILTER)", "")


def chunks(lines: Iterable[dict], tally: Tally, size: int | None = None) -> Iterator[list[dict]]:
    size = size or CHUNK_LINES
    chunk: list[dict] = []
    for line in lines:
        if "__malformed__" in line:
            tally.note(IssueKind.MALFORMED, "", line["__malformed__"])
            continue
        chunk.append(line)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _kind(line: dict) -> str:
    gid = line.get("id")
    if isinstance(gid, str) and gid.startswith("gid://shopify/"):
        return gid.split("/")[3]
    return ""


def apply_catalog_chunk(chunk: list[dict], tally: Tally) -> None:
    """Products first, then the variants (whose product is in this chunk or an earlier one)."""
    products, variants = [], []
    for line in chunk:
        kind = _kind(line)
        if kind == "Product":
            products.append(line)
        elif kind == "ProductVariant":
            # The paged query names the product; in the file it is the parent.
            variants.append({**line, "product": {"id": line.get("__parentId")}})
        else:
            tally.note(IssueKind.UNKNOWN_FIELD, line.get("id", ""), say(UNEXPECTED_LINE))
    with transaction.atomic():
        if products:
            apply_products(products, tally)
        if variants:
            apply_variants(variants, tally)


def apply_stock_chunk(chunk: list[dict], locations: dict[str, Location], tally: Tally) -> None:
    by_location: dict[str, list[dict]] = defaultdict(list)
    for line in chunk:
        kind = _kind(line)
        if kind == "Location":
            continue
        if kind != "InventoryLevel":
            tally.note(IssueKind.UNKNOWN_FIELD, line.get("id", ""), say(UNEXPECTED_LINE))
            continue
        by_location[line.get("__parentId") or ""].append(line)
    with transaction.atomic():
        for gid, levels in by_location.items():
            location = locations.get(gid)
            if location is None:
                tally.note(
                    IssueKind.UNMATCHED,
                    gid,
                    say(
                        gettext_noop(
                            "%(count)s stock levels at a location this sync did not read."
                        ),
                        count=len(levels),
                    ),
                )
                continue
            apply_levels(location, levels, tally)


def sync_catalog_bulk(
    client: ShopifyClient, tally: Tally, locations: list[Location], search: str | None
) -> None:
    """Products, variants and stock through two bulk operations."""
    url = client.run_bulk(catalog_query(search))
    if url:  # no url: nothing matched (nothing changed since the last run)
        for chunk in chunks(client.jsonl(url), tally):
            apply_catalog_chunk(chunk, tally)
    by_gid = {f"gid://shopify/Location/{loc.shopify_location_id}": loc for loc in locations}
    url = client.run_bulk(BULK_STOCK_QUERY)
    if url:
        for chunk in chunks(client.jsonl(url), tally):
            apply_stock_chunk(chunk, by_gid, tally)

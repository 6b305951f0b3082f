"""Which Shopify export a CSV is, from its header: a product file chosen as inventory (or
the reverse) is then refused with one sentence instead of a refused row per line.

Shopify's product exports (legacy "Variant SKU" headers and the 2025 "URL handle" ones) and
its inventory exports (2023 and 2025 layouts) share Handle, Title and the option columns;
these columns belong to one of them only.
"""

from __future__ import annotations

import codecs
import csv
import io
from typing import BinaryIO

from django.utils.translation import gettext as _

from socialops.models import ImportKind

# Header cells, lower-cased, that only one of the two exports has.
PRODUCT_ONLY = {
    "body (html)",
    "variant sku",
    "variant price",
    "variant inventory policy",
    "url handle",
    "description",
    "price",
    "compare-at price",
    "charge tax",
    "published",
    "published on online store",
}
INVENTORY_ONLY = {
    "location",
    "on hand",
    "on hand (current)",
    "on hand (new)",
    "available",
    "available (not editable)",
    "committed",
    "committed (not editable)",
    "bin name",
}
# The header is in the first line; read no more of a large file than this.
HEADER_BYTES = 64 * 1024


def header_of(binary: BinaryIO) -> list[str]:
    """The first row's cells, lower-cased and trimmed; the stream is rewound after."""
    start = binary.tell()
    head = binary.read(HEADER_BYTES)
    binary.seek(start)
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    text = head.decode("utf-8", errors="replace").splitlines()[:1]
    if not text:
        return []
    line = text[0]
    delimiter = max(",;\t", key=line.count)
    row = next(csv.reader(io.StringIO(line), delimiter=delimiter), [])
    return [cell.strip().lower() for cell in row]


def shopify_kind(header: list[str]) -> str | None:
    """PRODUCTS or INVENTORY when the header is clearly one Shopify export, else None."""
    cells = set(header)
    product = len(cells & PRODUCT_ONLY)
    inventory = len(cells & INVENTORY_ONLY)
    if product >= 2 and inventory == 0:
        return ImportKind.PRODUCTS
    if inventory >= 2 and product == 0:
        return ImportKind.INVENTORY
    return None


def wrong_kind_message(chosen: str, binary: BinaryIO) -> str | None:
    """A sentence when the file is the other Shopify export than the one chosen, else None."""
    if chosen not in (ImportKind.PRODUCTS, ImportKind.INVENTORY):
        return None
    found = shopify_kind(header_of(binary))
    if found is None or found == chosen:
        return None
    if found == ImportKind.PRODUCTS:
        message = _(
            "This looks like a Shopify product export; choose “%(kind)s” and upload it again."
        )
    else:
        message = _(
            "This looks like a Shopify inventory export; choose “%(kind)s” and upload it again."
        )
    return message % {"kind": ImportKind(found).label}

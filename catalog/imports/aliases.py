"""Header names to our field names: the alias tables of every CSV we read.

Shopify runs two header dialects at once ("Variant Price" and "Price") and stores add columns
of their own, so columns are found by name, never by position; unknown columns are ignored.
Names compare case-insensitively with runs of whitespace collapsed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

# Product metafield columns: "<label> (product.metafields.<namespace>.<key>)"; the label may be
# in the admin's language, so only the namespace and key are read.
METAFIELD_RE = re.compile(r"\(product\.metafields\.([\w-]+)\.([\w-]+)\)\s*$", re.IGNORECASE)

SHOPIFY_PRODUCT_COLUMNS: dict[str, tuple[str, ...]] = {
    "handle": ("Handle", "URL handle"),
    "title": ("Title",),
    "description": ("Body (HTML)", "Description", "Body HTML"),
    "vendor": ("Vendor",),
    "category": ("Product Category",),
    "product_type": ("Type", "Product type"),
    "tags": ("Tags",),
    "published": ("Published", "Published on online store"),
    "status": ("Status",),
    "option1_name": ("Option1 Name",),
    "option1": ("Option1 Value",),
    "option2_name": ("Option2 Name",),
    "option2": ("Option2 Value",),
    "option3_name": ("Option3 Name",),
    "option3": ("Option3 Value",),
    "code": ("Variant SKU", "SKU"),
    "barcode": ("Variant Barcode", "Barcode"),
    "price": ("Variant Price", "Price"),
    "compare_at_price": ("Variant Compare At Price", "Compare-at price", "Compare At Price"),
    "unit_cost": ("Cost per item",),
    "inventory_policy": ("Variant Inventory Policy", "Continue selling when out of stock"),
}

SHOPIFY_INVENTORY_COLUMNS: dict[str, tuple[str, ...]] = {
    "handle": ("Handle", "URL handle"),
    "title": ("Title",),
    "option1_name": ("Option1 Name",),
    "option1": ("Option1 Value",),
    "option2_name": ("Option2 Name",),
    "option2": ("Option2 Value",),
    "option3_name": ("Option3 Name",),
    "option3": ("Option3 Value",),
    "code": ("SKU", "Variant SKU"),
    "hs_code": ("HS Code",),
    "coo": ("COO", "Country of origin"),
    "location": ("Location",),
    "bin": ("Bin name",),
    "incoming": ("Incoming", "Incoming (not editable)"),
    "unavailable": ("Unavailable", "Unavailable (not editable)"),
    "committed": ("Committed", "Committed (not editable)"),
    "available": ("Available", "Available (not editable)"),
    "on_hand": ("On hand", "On hand (current)"),
    "on_hand_new": ("On hand (new)",),
}


def normalise(name: str) -> str:
    """The comparable form of a header: no BOM, trimmed, single spaces, case-folded."""
    return " ".join(name.replace("\ufeff", "").split()).casefold()


class ColumnMap:
    """Where each of our fields sits in one file's header."""

    def __init__(self, aliases: Mapping[str, Sequence[str]], header: Sequence[str]) -> None:
        lookup = {normalise(alias): field for field, names in aliases.items() for alias in names}
        self.header = list(header)
        self.index: dict[str, int] = {}
        self.metafields: dict[str, int] = {}
        self.unknown: list[tuple[int, str]] = []
        for position, name in enumerate(header):
            field = lookup.get(normalise(name))
            if field is not None:
                # A repeated column: the first one wins, like a spreadsheet's lookup would.
                self.index.setdefault(field, position)
                continue
            meta = METAFIELD_RE.search(name)
            if meta:
                self.metafields[f"{meta.group(1)}.{meta.group(2)}"] = position
            else:
                self.unknown.append((position, name))

    def __contains__(self, field: str) -> bool:
        return field in self.index

    def get(self, cells: Sequence[str], field: str) -> str:
        """The trimmed cell of `field`, "" when the file has no such column."""
        position = self.index.get(field)
        return cells[position].strip() if position is not None else ""

    def column(self, field: str) -> str:
        """The header name the file uses for `field`, for error messages."""
        position = self.index.get(field)
        return self.header[position] if position is not None else field

    def missing(self, required: Sequence[str]) -> list[str]:
        return [field for field in required if field not in self.index]

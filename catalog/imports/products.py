"""Shopify product CSV -> Products and SKUs.

Every row of a product shares its handle. The first row carries the product fields (its Title
is set), the option names, the first variant and image 1; later rows are variant rows (option
values, SKU or price set) or image-only rows, which create nothing. A product without options
is `Option1 Name=Title, Option1 Value=Default Title`, stored as such so the inventory export,
which says the same, joins on it.

A variant is found by its SKU code, else by its product and option values (SKU may be blank).
Only the columns the file has are compared and written: an export without "Cost per item"
leaves unit costs alone. Unchanged rows are not written, so re-importing a file changes
nothing, not even `updated_at`, and announces no change.

Bulk writes send no model signals: each chunk announces the products and SKUs it changed with
one `catalog.signals` signal each, which the checks engine listens to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from catalog.choices import InventoryPolicy, ProductStatus
from catalog.imports.aliases import SHOPIFY_PRODUCT_COLUMNS
from catalog.models import SKU, Product
from catalog.signals import products_changed, skus_changed
from common.csvimport import parse
from common.csvimport.parse import CellError
from common.csvimport.runner import Chunk, Importer

STATUSES = {status.value: status.value for status in ProductStatus}
POLICIES = {
    "deny": InventoryPolicy.DENY,
    "continue": InventoryPolicy.CONTINUE,
    # The 2025 template asks "Continue selling when out of stock"; some stores answer it.
    "false": InventoryPolicy.DENY,
    "true": InventoryPolicy.CONTINUE,
}
# A product with more rows than this is written in parts (Shopify allows 2,048 variants, each
# with images), so one product never holds the whole file in memory.
MAX_GROUP_ROWS = 5_000

HANDLE_LIMIT = 255
TEXT_LIMITS = {
    "title": 255,
    "vendor": 255,
    "product_type": 255,
    "category": 255,
    "tags": 1000,
    "option1_name": 255,
    "option2_name": 255,
    "option3_name": 255,
}
OPTION_FIELDS = ("option1", "option2", "option3")
PRODUCT_TEXT = ("title", "description", "vendor", "product_type", "category", "tags")
PRODUCT_NAMES = ("option1_name", "option2_name", "option3_name")
# A row with any of these set describes a variant; image-only rows have none of them.
VARIANT_MARKERS = ("option1", "option2", "option3", "code", "price", "barcode")


@dataclass
class Variant:
    line: int
    values: dict[str, Any]

    @property
    def options(self) -> tuple[str, str, str]:
        return tuple(self.values.get(f, "") for f in OPTION_FIELDS)  # type: ignore[return-value]


@dataclass
class Group:
    """The rows of one handle, in file order."""

    handle: str
    first_line: int
    rows: int = 0
    product: dict[str, Any] | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    variants: list[Variant] = field(default_factory=list)
    refused: bool = False


def _describe(old: Any, new: Any) -> str:
    def show(value: Any) -> str:
        text = "blank" if value in ("", None) else str(value)
        return text if len(text) <= 40 else text[:37] + "..."

    return f"{show(old)} -> {show(new)}"


def apply_changes(obj: Any, values: dict[str, Any]) -> list[str]:
    """Set the values that differ on `obj`; returns "field: old -> new" for each."""
    changes = []
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changes.append(f"{name}: {_describe(old, new)}")
            setattr(obj, name, new)
    return changes


class ProductImporter(Importer):
    """Shopify product CSV, both header dialects."""

    kind = "products"
    aliases = SHOPIFY_PRODUCT_COLUMNS
    required = ("handle", "title", "price")

    # --- Reading ----------------------------------------------------------------------------

    def chunks(self) -> Iterator[Chunk]:
        chunk = Chunk()
        group: Group | None = None
        for line, cells in self.rows():
            handle = self.cell(cells, "handle")
            if not handle or len(handle) > HANDLE_LIMIT:
                problem = "is blank" if not handle else f"is longer than {HANDLE_LIMIT} characters"
                self.result.refuse(line, self.columns.column("handle"), f"The handle {problem}.")
                continue
            if group is None or handle != group.handle or group.rows >= MAX_GROUP_ROWS:
                if group is not None:
                    chunk = self._add(chunk, group)
                    if chunk.rows >= self.chunk_rows:
                        yield chunk
                        chunk = Chunk()
                group = Group(handle=handle, first_line=line)
            self._read_row(group, line, cells)
        if group is not None:
            chunk = self._add(chunk, group)
        if chunk.rows:
            yield chunk

    @staticmethod
    def _add(chunk: Chunk, group: Group) -> Chunk:
        if not chunk.rows:
            chunk.first_line = group.first_line
        chunk.items.append(group)
        chunk.rows += group.rows
        return chunk

    def _read_row(self, group: Group, line: int, cells: list[str]) -> None:
        group.rows += 1
        if group.refused:
            self.result.refused += 1  # refused with its product row, which has the error
            return
        if group.rows == 1 and self.cell(cells, "title"):
            try:
                group.product, group.attributes = self._product_values(cells)
            except _Refused as refused:
                self.result.refuse(
                    line,
                    refused.column,
                    f"{refused.message} The product {group.handle!r} and its other rows "
                    "are refused with it.",
                )
                group.refused = True
                return
        if not any(self.cell(cells, name) for name in VARIANT_MARKERS):
            return  # an image-only row
        try:
            group.variants.append(Variant(line, self._variant_values(cells)))
        except _Refused as refused:
            self.result.refuse(line, refused.column, refused.message)

    def _parsed(self, cells: list[str], name: str, parser, *args) -> Any:
        try:
            return parser(self.cell(cells, name), *args)
        except CellError as exc:
            raise _Refused(
                self.columns.column(name), f"{self.columns.column(name)}: {exc}"
            ) from None

    def _product_values(self, cells: list[str]) -> tuple[dict[str, Any], dict[str, str]]:
        values: dict[str, Any] = {}
        for name in PRODUCT_TEXT + PRODUCT_NAMES:
            if name in self.columns:
                limit = TEXT_LIMITS.get(name)
                values[name] = (
                    self._parsed(cells, name, parse.text, limit)
                    if limit
                    else self.cell(cells, name)
                )
        if self.cell(cells, "status"):
            values["status"] = self._parsed(cells, "status", parse.choice, STATUSES)
        if self.cell(cells, "published"):
            values["published"] = self._parsed(cells, "published", parse.boolean)
        attributes = {
            key: cells[position].strip()
            for key, position in self.columns.metafields.items()
            if cells[position].strip()
        }
        return values, attributes

    def _variant_values(self, cells: list[str]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in ("code", *OPTION_FIELDS):
            if name in self.columns:
                values[name] = self._parsed(cells, name, parse.text, 255)
        if not self.cell(cells, "price"):
            column = self.columns.column("price")
            raise _Refused(column, f"{column} is blank; every variant needs a price.")
        values["price"] = self._parsed(cells, "price", parse.money)
        if "compare_at_price" in self.columns:
            values["compare_at_price"] = self._parsed(
                cells, "compare_at_price", parse.optional_money
            )
        if "unit_cost" in self.columns:
            values["unit_cost"] = self._parsed(cells, "unit_cost", parse.optional_money)
        if "barcode" in self.columns:
            values["barcode"] = self._parsed(cells, "barcode", parse.barcode)
        if self.cell(cells, "inventory_policy"):
            values["inventory_policy"] = self._parsed(
                cells, "inventory_policy", parse.choice, POLICIES
            )
        return values

    # --- Writing ----------------------------------------------------------------------------

    def process(self, chunk: Chunk) -> None:
        groups: list[Group] = [g for g in chunk.items if not g.refused]
        if not groups:
            return
        now = timezone.now()
        handles = {g.handle for g in groups}
        products = {p.handle: p for p in Product.objects.filter(handle__in=handles).order_by()}
        changed_products = self._write_products(groups, products, now)
        changed_skus = self._write_variants(groups, products, now)
        if changed_products:
            products_changed.send(sender=Product, product_ids=[p.pk for p in changed_products])
        if changed_skus:
            skus_changed.send(sender=SKU, sku_ids=changed_skus)

    def _write_products(
        self, groups: list[Group], products: dict[str, Product], now
    ) -> list[Product]:
        created: list[Product] = []
        changed: list[Product] = []
        fields: set[str] = set()
        for group in groups:
            product = products.get(group.handle)
            if group.product is None:
                if product is None:
                    self.result.refuse(
                        group.first_line,
                        self.columns.column("title"),
                        f"The first row of {group.handle!r} has no Title, and no product with "
                        "that handle exists: the product row is missing.",
                        rows=group.rows,
                    )
                    group.refused = True
                continue
            if product is None:
                product = Product(handle=group.handle, **group.product)
                product.attributes = dict(group.attributes)
                products[group.handle] = product
                created.append(product)
                self.result.count("product", "created")
                self.result.note("product", "create", group.handle, [group.product["title"]])
                continue
            changes = apply_changes(product, group.product)
            fields.update(change.split(":", 1)[0] for change in changes)
            merged = {**product.attributes, **group.attributes}
            if merged != product.attributes:
                changes.append("attributes: metafields changed")
                product.attributes = merged
                fields.add("attributes")
            if changes:
                product.updated_at = now
                changed.append(product)
                self.result.count("product", "updated")
                self.result.note("product", "update", group.handle, changes)
            else:
                self.result.count("product", "unchanged")
        Product.objects.bulk_create(created)
        if changed:
            Product.objects.bulk_update(changed, sorted(fields | {"updated_at"}))
        return changed

    def _write_variants(
        self,
        groups: list[Group],
        products: dict[str, Product],
        now,
    ) -> list[int]:
        """Create and update the variants; returns the ids of the SKUs it updated."""
        product_ids = [p.pk for p in products.values()]
        codes = {v.values["code"] for g in groups for v in g.variants if v.values.get("code")}
        # Two queries, not one with OR: each uses its index (the code's is partial, on
        # code <> '', so the query says so too), where the OR made PostgreSQL scan the table.
        of_products = SKU.objects.filter(product_id__in=product_ids)
        by_code_query = SKU.objects.filter(code__in=codes).exclude(code="")
        existing = {
            sku.pk: sku
            for query in (of_products, by_code_query)
            for sku in query.select_related("product").order_by()
        }
        by_code: dict[str, SKU] = {}
        by_options: dict[int, dict[tuple[str, str, str], SKU]] = defaultdict(dict)
        for sku in existing.values():
            if sku.code:
                by_code[sku.code] = sku
            by_options[sku.product_id][(sku.option1, sku.option2, sku.option3)] = sku

        created: list[SKU] = []
        changed: dict[int, SKU] = {}
        fields: set[str] = set()
        seen_codes: dict[str, int] = {}
        seen_options: dict[tuple[int, tuple[str, str, str]], int] = {}
        for group in groups:
            if group.refused:
                continue
            product = products[group.handle]
            for variant in group.variants:
                sku = self._match(variant, product, by_code, by_options, seen_codes, seen_options)
                if sku is None:
                    continue
                label = f"{group.handle} {' / '.join(o for o in variant.options if o)}".strip()
                if sku.pk is None:
                    created.append(sku)
                    self.result.count("sku", "created")
                    self.result.note("sku", "create", variant.values.get("code") or label)
                    continue
                changes = apply_changes(sku, variant.values)
                if changes:
                    fields.update(c.split(":", 1)[0] for c in changes)
                    sku.updated_at = now
                    changed[sku.pk] = sku
                    self.result.count("sku", "updated")
                    self.result.note("sku", "update", sku.code or label, changes)
                else:
                    self.result.count("sku", "unchanged")
        SKU.objects.bulk_create(created)
        if changed:
            SKU.objects.bulk_update(list(changed.values()), sorted(fields | {"updated_at"}))
        return sorted(changed)

    def _match(
        self,
        variant: Variant,
        product: Product,
        by_code: dict[str, SKU],
        by_options: dict[int, dict[tuple[str, str, str], SKU]],
        seen_codes: dict[str, int],
        seen_options: dict[tuple[int, tuple[str, str, str]], int],
    ) -> SKU | None:
        """The SKU this variant row updates, a new one, or None when the row is refused."""
        code = variant.values.get("code", "")
        options = variant.options
        code_column = self.columns.column("code")
        option_column = self.columns.column("option1")
        if code and code in seen_codes:
            self.result.refuse(
                variant.line,
                code_column,
                f"SKU {code!r} is already used on line {seen_codes[code]} of this file.",
            )
            return None
        key = (product.pk or id(product), options)
        if key in seen_options:
            self.result.refuse(
                variant.line,
                option_column,
                f"{product.handle!r} already has a variant {' / '.join(options)!r} "
                f"on line {seen_options[key]}.",
            )
            return None
        known = by_options.get(product.pk, {}) if product.pk else {}
        sku = by_code.get(code) if code else None
        if sku is not None and sku.product_id != product.pk:
            self.result.refuse(
                variant.line,
                code_column,
                f"SKU {code!r} belongs to another product ({sku.product.handle!r}).",
            )
            return None
        if sku is not None:
            other = known.get(options)
            if other is not None and other.pk != sku.pk:
                self.result.refuse(
                    variant.line,
                    option_column,
                    f"{product.handle!r} already has a variant {' / '.join(options)!r} "
                    f"(SKU {other.code or 'without code'}).",
                )
                return None
        else:
            sku = known.get(options)
        if code:
            seen_codes[code] = variant.line
        seen_options[key] = variant.line
        if sku is None:
            sku = SKU(product=product, currency=settings.STORE_CURRENCY, **variant.values)
        return sku


class _Refused(Exception):
    def __init__(self, column: str, message: str) -> None:
        self.column = column
        self.message = message
        super().__init__(message)

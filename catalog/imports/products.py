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
from datetime import datetime
from functools import lru_cache
from typing import Any, Literal

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.choices import InventoryPolicy, ProductStatus
from catalog.imports.aliases import SHOPIFY_PRODUCT_COLUMNS
from catalog.models import SKU, Product
from catalog.signals import products_changed, skus_changed
from common.csvimport import parse
from common.csvimport.copymerge import by_index, copy_insert, copy_update, row_defaults
from common.csvimport.parse import CellError
from common.csvimport.result import MAX_SAMPLE
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
# What is compared with the file, read as values rather than model instances (the cost of an
# import is per row, and an instance costs more than its row's validation).
PRODUCT_STORED = (*PRODUCT_TEXT, *PRODUCT_NAMES, "status", "published", "attributes")
SKU_STORED = ("code", *OPTION_FIELDS, "price", "compare_at_price", "unit_cost", "barcode",
              "inventory_policy")  # fmt: skip
# Columns the checks do not rely on: a problem in one is a warning, the row is imported
# without that value. The weight and image addresses are checked, not stored.
WARNING_ONLY = {
    "barcode": parse.barcode,
    "weight": parse.weight,
    "image": parse.web_address,
    "variant_image": parse.web_address,
}
# Distinct amounts and weights remembered per import: a catalog repeats a few dozen prices
# and weights over thousands of rows, and parsing one (Decimal, rounding, bounds) costs more
# than reading it. Barcodes and image addresses are new on every row: not remembered.
PARSED_CACHE = 4_096
REMEMBERED = ("weight",)


@dataclass
class Variant:
    line: int
    values: dict[str, Any]
    options: tuple[str, str, str]


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
    # Rows that describe a variant, and rows already refused (counted in the result).
    variant_rows: int = 0
    refused_rows: int = 0
    # When written: each variant kept and the stored SKU it updates (None: a new SKU).
    matched: list[tuple[Variant, dict[str, Any] | None]] = field(default_factory=list)


def _describe(old: Any, new: Any) -> str:
    def show(value: Any) -> str:
        text = "blank" if value in ("", None) else str(value)
        return text if len(text) <= 40 else text[:37] + "..."

    return f"{show(old)} -> {show(new)}"


def describe_changes(stored: dict[str, Any], values: dict[str, Any]) -> list[str]:
    """ "field: old -> new" for each of `values` that differs from the `stored` row."""
    return [
        f"{name}: {_describe(stored[name], new)}"
        for name, new in values.items()
        if stored[name] != new
    ]


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
    writes_with_copy = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        columns = self.columns
        # Decided once per file rather than per row: each row is read once into its trimmed
        # cells by field, and only the fields the file has are looked at.
        self.trimmed = columns.trimmed()
        self.product_fields = [
            (name, TEXT_LIMITS.get(name))
            for name in PRODUCT_TEXT + PRODUCT_NAMES
            if name in columns
        ]
        self.variant_text = [name for name in ("code", *OPTION_FIELDS) if name in columns]
        self.variant_markers = [name for name in VARIANT_MARKERS if name in columns]
        self.warning_parsers = [
            (name, lru_cache(PARSED_CACHE)(parser) if name in REMEMBERED else parser)
            for name, parser in WARNING_ONLY.items()
            if name in columns
        ]
        self.money = lru_cache(PARSED_CACHE)(parse.money)

    # --- Reading ----------------------------------------------------------------------------

    def chunks(self) -> Iterator[Chunk]:
        chunk = Chunk()
        group: Group | None = None
        for line, cells in self.rows():
            row = self.trimmed(cells)
            handle = row["handle"]
            if not handle or len(handle) > HANDLE_LIMIT:
                problem = (
                    _("The handle is blank.")
                    if not handle
                    else _("The handle is longer than %(limit)s characters.")
                    % {"limit": HANDLE_LIMIT}
                )
                self.result.refuse(line, self.columns.column("handle"), problem)
                continue
            if group is None or handle != group.handle or group.rows >= MAX_GROUP_ROWS:
                if group is not None:
                    chunk = self._add(chunk, group)
                    if chunk.rows >= self.rows_per_chunk:
                        yield chunk
                        chunk = Chunk()
                group = Group(handle=handle, first_line=line)
            self._read_row(group, line, cells, row)
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

    def _read_row(self, group: Group, line: int, cells: list[str], row: dict[str, str]) -> None:
        group.rows += 1
        if group.refused:
            self.result.refused += 1  # refused with its product row, which has the error
            group.refused_rows += 1
            return
        if group.rows == 1 and row["title"]:
            try:
                group.product, group.attributes = self._product_values(cells, row)
            except _Refused as refused:
                self.result.refuse(
                    line,
                    refused.column,
                    " ".join(
                        (
                            refused.message,
                            _("The product %(handle)s and its other rows are refused with it.")
                            % {"handle": repr(group.handle)},
                        )
                    ),
                )
                group.refused = True
                group.refused_rows = group.rows
                return
        checked = self._warning_values(line, row)
        if not any(map(row.__getitem__, self.variant_markers)):
            return  # an image-only row
        group.variant_rows += 1
        try:
            values = self._variant_values(row)
        except _Refused as refused:
            self.result.refuse(line, refused.column, refused.message)
            group.refused_rows += 1
            return
        if "barcode" in checked:
            values["barcode"] = checked["barcode"]
        options = (values.get("option1", ""), values.get("option2", ""), values.get("option3", ""))
        group.variants.append(Variant(line, values, options))

    def _warning_values(self, line: int, row: dict[str, str]) -> dict[str, Any]:
        """The row's values in WARNING_ONLY columns; a bad one is a warning and left out."""
        values: dict[str, Any] = {}
        for name, parser in self.warning_parsers:
            value = row[name]
            if not value:
                values[name] = ""
                continue
            try:
                values[name] = parser(value)
            except CellError as exc:
                column = self.columns.column(name)
                message = _("%(column)s: %(problem)s Imported without it.") % {
                    "column": column,
                    "problem": exc,
                }
                if name == "barcode":
                    message = " ".join((message, _("The stored value is kept.")))
                self.result.warn(line, column, message)
        return values

    def _parsed(self, row: dict[str, str], name: str, parser, *args) -> Any:
        try:
            return parser(row[name], *args)
        except CellError as exc:
            raise _Refused(
                self.columns.column(name), f"{self.columns.column(name)}: {exc}"
            ) from None

    def _product_values(
        self, cells: list[str], row: dict[str, str]
    ) -> tuple[dict[str, Any], dict[str, str]]:
        values: dict[str, Any] = {}
        for name, limit in self.product_fields:
            values[name] = self._parsed(row, name, parse.text, limit) if limit else row[name]
        if row.get("status"):
            values["status"] = self._parsed(row, "status", parse.choice, STATUSES)
        if row.get("published"):
            values["published"] = self._parsed(row, "published", parse.boolean)
        attributes = {
            key: cells[position].strip()
            for key, position in self.columns.metafields.items()
            if cells[position].strip()
        }
        return values, attributes

    def _variant_values(self, row: dict[str, str]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in self.variant_text:
            values[name] = self._parsed(row, name, parse.text, 255)
        if not row["price"]:
            column = self.columns.column("price")
            raise _Refused(
                column, _("%(column)s is blank; every variant needs a price.") % {"column": column}
            )
        values["price"] = self._parsed(row, "price", self.money)
        # parse.optional_money, through the remembered amounts.
        for name in ("compare_at_price", "unit_cost"):
            if name in row:
                values[name] = self._parsed(row, name, self.money) if row[name] else None
        if row.get("inventory_policy"):
            values["inventory_policy"] = self._parsed(
                row, "inventory_policy", parse.choice, POLICIES
            )
        return values

    # --- Writing ----------------------------------------------------------------------------

    def process(self, chunk: Chunk) -> None:
        groups: list[Group] = [g for g in chunk.items if not g.refused]
        if not groups:
            return
        now = timezone.now()
        stored = self._stored_products({g.handle for g in groups})
        described: set[str] = set()  # new products whose product row is in this chunk
        for group in groups:
            if group.product is not None:
                described.add(group.handle)
            elif group.handle not in stored and group.handle not in described:
                self._refuse_rest(
                    group,
                    self.columns.column("title"),
                    _(
                        "The first row of %(handle)s has no Title, and no product with that "
                        "handle exists: the product row is missing."
                    )
                    % {"handle": repr(group.handle)},
                )
        groups = [g for g in groups if not g.refused]
        self._match_variants(groups, stored)
        with_variants = {g.handle for g in groups if g.matched}
        for group in groups:
            if (
                group.handle not in stored
                and group.variant_rows
                and group.handle not in with_variants
            ):
                # Every variant row was refused: a product without a SKU would be an empty,
                # sellable-looking page in the catalog.
                self._refuse_rest(
                    group,
                    self.columns.column("title"),
                    _(
                        "The product %(handle)s is not created: none of its variant rows "
                        "could be imported."
                    )
                    % {"handle": repr(group.handle)},
                )
        groups = [g for g in groups if not g.refused]
        writer = CopyWriter(now) if self.use_copy else OrmWriter(now)
        new_products, changed_products, product_fields = self._product_changes(groups, stored)
        ids = writer.products(new_products, changed_products, product_fields)
        product_ids = {handle: row["pk"] for handle, row in stored.items()}
        product_ids.update(ids.created)
        unwritten = sorted(g.handle for g in groups if g.handle not in product_ids)
        if unwritten:
            # Only a concurrent writer creating the same handle gets here: refuse the chunk.
            raise IntegrityError(f"products {', '.join(unwritten[:5])} were created meanwhile")
        new_skus, changed_skus, sku_fields = self._sku_changes(groups, product_ids)
        changed_sku_ids = writer.skus(new_skus, changed_skus, sku_fields)
        if ids.changed:
            products_changed.send(sender=Product, product_ids=sorted(ids.changed))
        if changed_sku_ids:
            skus_changed.send(sender=SKU, sku_ids=sorted(changed_sku_ids))

    def _refuse_rest(self, group: Group, column: str, message: str) -> None:
        """Refuse the rows of `group` not refused yet, for one reason given on its first line."""
        self.result.refuse(group.first_line, column, message, rows=group.rows - group.refused_rows)
        group.refused_rows = group.rows
        group.refused = True

    @staticmethod
    def _stored_products(handles: set[str]) -> dict[str, dict[str, Any]]:
        """The stored products of `handles`: their id and the values a file can change."""
        rows = Product.objects.filter(handle__in=handles).order_by()
        with by_index():
            return {row["handle"]: row for row in rows.values("pk", "handle", *PRODUCT_STORED)}

    def _product_changes(
        self, groups: list[Group], stored: dict[str, dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
        """(new products, changed products with their pk, the fields changed), with the report."""
        created: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        fields: set[str] = set()
        for group in groups:
            if group.product is None:
                continue  # a later part of a long product, or variant rows of a stored one
            row = stored.get(group.handle)
            if row is None:
                created.append(
                    {"handle": group.handle, **group.product, "attributes": dict(group.attributes)}
                )
                self.result.count("product", "created")
                self.result.note("product", "create", group.handle, [group.product["title"]])
                continue
            values = dict(group.product or {})
            merged = {**row["attributes"], **group.attributes}
            changes = describe_changes(row, values)
            if merged != row["attributes"]:
                changes.append("attributes: metafields changed")
                values["attributes"] = merged
            differing = {name: values[name] for name in values if row[name] != values[name]}
            if changes:
                fields.update(differing)
                changed.append({"pk": row["pk"], **row, **differing})
                self.result.count("product", "updated")
                self.result.note("product", "update", group.handle, changes)
            else:
                self.result.count("product", "unchanged")
        return created, changed, sorted(fields)

    def _stored_skus(
        self, groups: list[Group], stored: dict[str, dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """The stored SKUs the chunk's variants may match: of its products, or by code."""
        product_ids = [stored[g.handle]["pk"] for g in groups if g.handle in stored]
        codes = {v.values["code"] for g in groups for v in g.variants if v.values.get("code")}
        # Two queries, not one with OR: each uses its index (the code's is partial, on
        # code <> '', so the query says so too), where the OR made PostgreSQL scan the table.
        # The second asks only for codes the first did not find: on a re-import, none.
        with by_index():
            return self._stored_skus_of(product_ids, codes, stored)

    @staticmethod
    def _stored_skus_of(
        product_ids: list[int], codes: set[str], stored: dict[str, dict[str, Any]]
    ) -> list[dict[str, Any]]:
        found: dict[int, dict[str, Any]] = {}
        columns = ("pk", "product_id", *SKU_STORED)
        if product_ids:
            handles = {row["pk"]: handle for handle, row in stored.items()}
            of_products = SKU.objects.filter(product_id__in=product_ids).order_by()
            for row in of_products.values(*columns):
                row["product__handle"] = handles[row["product_id"]]
                found[row["pk"]] = row
        codes -= {row["code"] for row in found.values()}
        if codes:
            by_code = SKU.objects.filter(code__in=codes).exclude(code="").order_by()
            for row in by_code.values(*columns, "product__handle"):
                found[row["pk"]] = row
        return list(found.values())

    def _match_variants(self, groups: list[Group], stored: dict[str, dict[str, Any]]) -> None:
        """Set each group's variants kept and the stored SKU each updates (None: a new SKU)."""
        by_code: dict[str, dict[str, Any]] = {}
        by_options: dict[int, dict[tuple[str, str, str], dict[str, Any]]] = defaultdict(dict)
        for sku in self._stored_skus(groups, stored):
            if sku["code"]:
                by_code[sku["code"]] = sku
            by_options[sku["product_id"]][(sku["option1"], sku["option2"], sku["option3"])] = sku
        seen_codes: dict[str, int] = {}
        seen_options: dict[tuple[Any, tuple[str, str, str]], int] = {}
        for group in groups:
            product_id = stored[group.handle]["pk"] if group.handle in stored else None
            for variant in group.variants:
                matched = self._match(
                    variant, group.handle, product_id, by_code, by_options, seen_codes,
                    seen_options,
                )  # fmt: skip
                if matched is False:
                    group.refused_rows += 1
                else:
                    group.matched.append((variant, matched))

    def _sku_changes(
        self,
        groups: list[Group],
        product_ids: dict[str, int],
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
        """(new SKUs, changed SKUs with their pk, the fields changed), with the report."""
        created: list[dict[str, Any]] = []
        changed: dict[int, dict[str, Any]] = {}
        fields: set[str] = set()
        for group in groups:
            for variant, sku in group.matched:
                # The label names a SKU without a code in the preview: made only for the preview.
                noted = len(self.result.sample) < MAX_SAMPLE
                label = _label(group.handle, variant) if noted else ""
                if sku is None:
                    created.append({"product_id": product_ids[group.handle], **variant.values})
                    self.result.count("sku", "created")
                    if noted:
                        self.result.note("sku", "create", variant.values.get("code") or label)
                    continue
                changes = describe_changes(sku, variant.values)
                if changes:
                    differing = {
                        name: value for name, value in variant.values.items() if sku[name] != value
                    }
                    fields.update(differing)
                    changed[sku["pk"]] = {"pk": sku["pk"], **sku, **differing}
                    self.result.count("sku", "updated")
                    if noted:
                        self.result.note("sku", "update", sku["code"] or label, changes)
                else:
                    self.result.count("sku", "unchanged")
        return created, list(changed.values()), sorted(fields)

    def _match(
        self,
        variant: Variant,
        handle: str,
        product_id: int | None,
        by_code: dict[str, dict[str, Any]],
        by_options: dict[int, dict[tuple[str, str, str], dict[str, Any]]],
        seen_codes: dict[str, int],
        seen_options: dict[tuple[Any, tuple[str, str, str]], int],
    ) -> dict[str, Any] | Literal[False] | None:
        """The stored SKU this variant row updates, None for a new one, False when refused."""
        code = variant.values.get("code", "")
        options = variant.options
        code_column = self.columns.column("code")
        option_column = self.columns.column("option1")
        if code and code in seen_codes:
            self.result.refuse(
                variant.line,
                code_column,
                _("SKU %(code)s is already used on line %(line)s of this file.")
                % {"code": repr(code), "line": seen_codes[code]},
            )
            return False
        key = (product_id or ("new", handle), options)
        if key in seen_options:
            self.result.refuse(
                variant.line,
                option_column,
                _("%(handle)s already has a variant %(options)s on line %(line)s.")
                % {
                    "handle": repr(handle),
                    "options": repr(" / ".join(options)),
                    "line": seen_options[key],
                },
            )
            return False
        known = by_options.get(product_id, {}) if product_id else {}
        sku = by_code.get(code) if code else None
        if sku is not None and sku["product_id"] != product_id:
            self.result.refuse(
                variant.line,
                code_column,
                _("SKU %(code)s belongs to another product (%(product)s).")
                % {"code": repr(code), "product": repr(sku["product__handle"])},
            )
            return False
        if sku is not None:
            other = known.get(options)
            if other is not None and other["pk"] != sku["pk"]:
                self.result.refuse(
                    variant.line,
                    option_column,
                    (
                        _("%(handle)s already has a variant %(options)s (SKU %(code)s).")
                        if other["code"]
                        else _("%(handle)s already has a variant %(options)s (SKU without code).")
                    )
                    % {
                        "handle": repr(handle),
                        "options": repr(" / ".join(options)),
                        "code": other["code"],
                    },
                )
                return False
        else:
            sku = known.get(options)
        if code:
            seen_codes[code] = variant.line
        seen_options[key] = variant.line
        return sku


@dataclass
class WrittenProducts:
    """What a writer did with a chunk's products: new ids by handle, ids actually updated."""

    created: dict[str, int]
    changed: list[int]


class OrmWriter:
    """Writes a chunk with bulk_create and bulk_update (SQLite, and any non-PostgreSQL base)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def products(
        self, created: list[dict], changed: list[dict], fields: list[str]
    ) -> WrittenProducts:
        new = [Product(**row) for row in created]
        Product.objects.bulk_create(new)
        if changed:
            Product.objects.bulk_update(
                [Product(**row, updated_at=self.now) for row in changed],
                [*fields, "updated_at"],
            )
        return WrittenProducts({p.handle: p.pk for p in new}, [row["pk"] for row in changed])

    def skus(self, created: list[dict], changed: list[dict], fields: list[str]) -> list[int]:
        SKU.objects.bulk_create([SKU(**row, currency=settings.STORE_CURRENCY) for row in created])
        if changed:
            SKU.objects.bulk_update(
                [SKU(**_own(row), updated_at=self.now) for row in changed],
                [*fields, "updated_at"],
            )
        return [row["pk"] for row in changed]


class CopyWriter:
    """Writes a chunk with COPY and set-based merges (PostgreSQL): see common.csvimport.copymerge.

    Products upsert on their handle (so a product another writer created meanwhile is updated,
    not a unique violation); SKUs are inserted, or updated by id, since a file may change the
    code or the options a stored SKU was found by.
    """

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.product_defaults = row_defaults(Product, now)
        self.sku_defaults = {**row_defaults(SKU, now), "currency": settings.STORE_CURRENCY}

    def products(
        self, created: list[dict], changed: list[dict], fields: list[str]
    ) -> WrittenProducts:
        # A changed product's row holds its stored values and the file's: complete, so the
        # upsert's proposed row passes the table's checks before the conflict turns it into an
        # update of `fields` alone.
        rows = created + [{k: v for k, v in row.items() if k != "pk"} for row in changed]
        written = copy_insert(
            Product,
            rows,
            defaults=self.product_defaults,
            returning=("id", "handle"),
            conflict=("handle",),
            update=fields,
            touch=("updated_at",),
        )
        new_handles = {row["handle"] for row in created}
        return WrittenProducts(
            {handle: pk for pk, handle in written if handle in new_handles},
            [pk for pk, handle in written if handle not in new_handles],
        )

    def skus(self, created: list[dict], changed: list[dict], fields: list[str]) -> list[int]:
        copy_insert(SKU, created, defaults=self.sku_defaults)
        rows = [{"id": row["pk"], **{name: row[name] for name in fields}} for row in changed]
        return copy_update(SKU, rows, fields, touch={"updated_at": self.now})


def _label(handle: str, variant: Variant) -> str:
    """A SKU by its product and options, for a preview line when it has no code."""
    return f"{handle} {' / '.join(o for o in variant.options if o)}".strip()


def _own(row: dict[str, Any]) -> dict[str, Any]:
    """A stored SKU's values without what was read through its product."""
    return {k: v for k, v in row.items() if k != "product__handle"}


class _Refused(Exception):
    def __init__(self, column: str, message: str) -> None:
        self.column = column
        self.message = message
        super().__init__(message)

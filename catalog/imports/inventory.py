"""Shopify inventory CSV -> StockLevels per SKU and location, announced once per chunk.

Two layouts. Long: one row per variant x location, with `Location` and quantity columns
(2023-24: `Incoming, Unavailable, Committed, Available, On hand`; 2025: the same with
"(not editable)", plus `On hand (current)` and `On hand (new)`). Wide: one column per location
after `COO`, holding the available quantity.

A row is joined on its SKU, or, where SKU is blank, on Handle plus option values.
`not stocked` means the item is never stocked at that location: it has no stock level there,
and one left from before is deleted. Shopify lets quantities go below zero when it oversells;
a negative count is stored as 0 (nothing to promise), the constraint the model keeps.
Locations are created by name when missing, in the IMPORTS_LOCATION_COUNTRY country.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from catalog.choices import StockSource
from catalog.imports.aliases import SHOPIFY_INVENTORY_COLUMNS
from catalog.models import SKU, Location, StockLevel
from catalog.signals import stock_levels_changed
from common.csvimport import parse
from common.csvimport.columns import ColumnMap
from common.csvimport.copymerge import copy_delete, copy_insert, copy_update, row_defaults
from common.csvimport.parse import CellError
from common.csvimport.result import ImportAborted
from common.csvimport.runner import Chunk, Importer

NOT_STOCKED = "not stocked"
QUANTITIES = ("incoming", "committed", "available", "on_hand")
# What an import writes on a stock level it updates (with updated_at).
STOCK_FIELDS = (*QUANTITIES, "source")
# The product export's name for a product without options.
DEFAULT_TITLE = ("Default Title", "", "")


@dataclass
class StockRow:
    """One variant at one location: quantities, or None for "not stocked"."""

    line: int
    column: str
    location: str
    quantities: dict[str, int] | None


@dataclass
class InventoryRow:
    line: int
    code: str
    handle: str
    options: tuple[str, str, str]
    stock: list[StockRow]

    def label(self) -> str:
        if self.code:
            return self.code
        return f"{self.handle} {' / '.join(o for o in self.options if o)}".strip()


def wide_locations(columns: ColumnMap) -> list[tuple[int, str]]:
    """The location columns of a wide export: unknown columns after COO (or after SKU)."""
    anchor = columns.index.get("coo", columns.index.get("code", -1))
    return [(position, name.strip()) for position, name in columns.unknown if position > anchor]


class InventoryImporter(Importer):
    """Shopify inventory CSV, long or wide layout."""

    kind = "inventory"
    aliases = SHOPIFY_INVENTORY_COLUMNS
    writes_with_copy = True

    @classmethod
    def check_header(cls, columns: ColumnMap) -> None:
        if "code" not in columns and "handle" not in columns:
            raise ImportAborted(gettext('Required column missing: "SKU" or "Handle".'), line=1)
        if "location" in columns:
            if not any(q in columns for q in QUANTITIES):
                raise ImportAborted(
                    gettext('Required column missing: a quantity ("Available" or "On hand").'),
                    line=1,
                )
        elif not wide_locations(columns):
            raise ImportAborted(
                gettext(
                    'Required column missing: "Location" (one row per location), or one column '
                    "per location after COO (wide layout)."
                ),
                line=1,
            )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.long = "location" in self.columns
        self.locations = [] if self.long else wide_locations(self.columns)
        self.country = settings.IMPORTS_LOCATION_COUNTRY

    # --- Reading ----------------------------------------------------------------------------

    def _read(self, line: int, cells: list[str]) -> InventoryRow | None:
        options = tuple(self.cell(cells, f) for f in ("option1", "option2", "option3"))
        row = InventoryRow(line, self.cell(cells, "code"), self.cell(cells, "handle"), options, [])  # type: ignore[arg-type]
        if not row.code and not row.handle:
            self.result.refuse(
                line, self.columns.column("code"), gettext("Both SKU and Handle are blank.")
            )
            return None
        try:
            if self.long:
                location = self.cell(cells, "location")
                if not location:
                    raise CellError(gettext("Location is blank."))
                row.stock.append(self._long_quantities(line, cells, location))
            else:
                for position, name in self.locations:
                    value = cells[position].strip()
                    if value:
                        row.stock.append(self._wide_quantity(line, name, value))
        except _CellRefused as refused:
            self.result.refuse(line, refused.column, refused.message)
            return None
        except CellError as exc:
            self.result.refuse(line, self.columns.column("location"), str(exc))
            return None
        return row

    def _long_quantities(self, line: int, cells: list[str], location: str) -> StockRow:
        values = {name: self.cell(cells, name) for name in (*QUANTITIES, "on_hand_new")}
        if any(v.casefold() == NOT_STOCKED for v in values.values()):
            return StockRow(line, self.columns.column("available"), location, None)
        if values.pop("on_hand_new"):
            values["on_hand"] = self.cell(cells, "on_hand_new")
            column_on_hand = "on_hand_new"
        else:
            column_on_hand = "on_hand"
        quantities = {}
        for name, value in values.items():
            if value:
                column = self.columns.column(column_on_hand if name == "on_hand" else name)
                quantities[name] = self._quantity(value, column)
        if quantities.get("available", 0) > quantities.get("on_hand", quantities.get("available")):
            column = self.columns.column("available")
            raise _CellRefused(
                column,
                gettext("%(column)s (%(available)s) is more than on hand (%(on_hand)s).")
                % {
                    "column": column,
                    "available": quantities["available"],
                    "on_hand": quantities["on_hand"],
                },
            )
        return StockRow(line, self.columns.column("available"), location, quantities)

    def _wide_quantity(self, line: int, location: str, value: str) -> StockRow:
        if value.casefold() == NOT_STOCKED:
            return StockRow(line, location, location, None)
        return StockRow(line, location, location, {"available": self._quantity(value, location)})

    @staticmethod
    def _quantity(value: str, column: str) -> int:
        try:
            return max(0, parse.whole(value, allow_negative=True))
        except CellError as exc:
            raise _CellRefused(column, f"{column}: {exc}") from None

    # --- Writing ----------------------------------------------------------------------------

    def process(self, chunk: Chunk) -> None:
        rows = [row for line, cells in chunk.items if (row := self._read(line, cells))]
        if not rows:
            return
        skus = self._skus(rows)
        matched: list[tuple[InventoryRow, int]] = []
        for row in rows:
            sku_id = self._find(row, skus)
            if sku_id is None:
                if row.code:
                    message = gettext(
                        "No SKU %(code)s in the catalog; import the products first."
                    ) % {"code": repr(row.code)}
                    column = self.columns.column("code")
                else:
                    options = " / ".join(o for o in row.options if o)
                    message = (
                        gettext(
                            "No variant of %(handle)s with options %(options)s in the catalog; "
                            "import the products first."
                        )
                        if options
                        else gettext(
                            "No variant of %(handle)s with options (none) in the catalog; "
                            "import the products first."
                        )
                    ) % {"handle": repr(row.handle), "options": options}
                    column = self.columns.column("handle")
                self.result.refuse(row.line, column, message)
                continue
            matched.append((row, sku_id))
        if matched:
            locations = self._locations({s.location for row, _ in matched for s in row.stock})
            self._write_stock(matched, locations)

    def _skus(self, rows: Sequence[InventoryRow]) -> dict[tuple, int]:
        codes = {row.code for row in rows if row.code}
        handles = {row.handle for row in rows if not row.code}
        fields = ("pk", "code", "product__handle", "option1", "option2", "option3")
        # Two queries, each on its index (see ProductImporter._write_variants).
        by_code = SKU.objects.filter(code__in=codes).exclude(code="")
        by_handle = SKU.objects.filter(product__handle__in=handles)
        index: dict[tuple, int] = {}
        found = [
            row for query in (by_code, by_handle) for row in query.order_by().values_list(*fields)
        ]
        for pk, code, handle, *options in found:
            if code:
                index[("code", code)] = pk
            index[("options", handle, tuple(options))] = pk
        return index

    @staticmethod
    def _find(row: InventoryRow, skus: dict[tuple, int]) -> int | None:
        if row.code:
            return skus.get(("code", row.code))
        found = skus.get(("options", row.handle, row.options))
        if found is None and row.options == DEFAULT_TITLE:
            # A product without options, created by hand rather than by the product import.
            found = skus.get(("options", row.handle, ("", "", "")))
        return found

    def _locations(self, names: set[str]) -> dict[str, Location]:
        locations = {loc.name: loc for loc in Location.objects.filter(name__in=names).order_by()}
        missing = sorted(names - set(locations))
        if missing:
            new = [Location(name=name, country=self.country) for name in missing]
            Location.objects.bulk_create(new)
            locations.update((loc.name, loc) for loc in new)
            self.result.count("location", "created", len(new))
            for name in missing:
                self.result.note("location", "create", name)
        return locations

    def _write_stock(
        self, matched: list[tuple[InventoryRow, int]], locations: dict[str, Location]
    ) -> None:
        now = timezone.now()
        stored = StockLevel.objects.filter(
            sku_id__in={sku_id for _, sku_id in matched},
            location_id__in={loc.pk for loc in locations.values()},
        ).order_by()
        existing = {
            (level["sku_id"], level["location_id"]): level
            for level in stored.values("pk", "sku_id", "location_id", *QUANTITIES)
        }
        created: list[dict] = []
        changed: list[dict] = []
        deleted: list[int] = []
        sku_of_level: dict[int, int] = {}
        seen: dict[tuple[int, int], int] = {}
        for row, sku_id in matched:
            for stock in row.stock:
                location = locations[stock.location]
                key = (sku_id, location.pk)
                if key in seen:
                    self.result.refuse(
                        stock.line,
                        stock.column,
                        gettext("%(row)s at %(location)s is already on line %(line)s.")
                        % {"row": row.label(), "location": stock.location, "line": seen[key]},
                    )
                    continue
                seen[key] = stock.line
                level = existing.get(key)
                label = f"{row.label()} @ {stock.location}"
                if stock.quantities is None:
                    if level is None:
                        self.result.count("stock level", "unchanged")
                    else:
                        deleted.append(level["pk"])
                        sku_of_level[level["pk"]] = sku_id
                        self.result.count("stock level", "deleted")
                        self.result.note("stock level", "delete", label, ["not stocked"])
                    continue
                quantities = self._complete(stock.quantities, level)
                if level is None:
                    created.append(
                        {
                            "sku_id": sku_id,
                            "location_id": location.pk,
                            "source": StockSource.CSV,
                            **quantities,
                        }
                    )
                    self.result.count("stock level", "created")
                    self.result.note(
                        "stock level", "create", label, [f"available {quantities['available']}"]
                    )
                    continue
                changes = [
                    f"{name}: {level[name]} -> {value}"
                    for name, value in quantities.items()
                    if level[name] != value
                ]
                if not changes:
                    self.result.count("stock level", "unchanged")
                    continue
                changed.append({"id": level["pk"], **quantities, "source": StockSource.CSV})
                sku_of_level[level["pk"]] = sku_id
                self.result.count("stock level", "updated")
                self.result.note("stock level", "update", label, changes)
        written = self._copy_write if self.use_copy else self._orm_write
        updated = written(created, changed, deleted, now)
        touched = {row["sku_id"] for row in created}
        touched.update(sku_of_level[pk] for pk in (*deleted, *updated))
        if touched:
            # Bulk writes send no model signals: one announcement for the chunk.
            stock_levels_changed.send(sender=StockLevel, sku_ids=sorted(touched))

    @staticmethod
    def _orm_write(created: list[dict], changed: list[dict], deleted: list[int], now) -> list[int]:
        """bulk_create, bulk_update and a raw delete; returns the ids of the levels updated."""
        if deleted:
            # A raw delete: QuerySet.delete() would fetch each row to send post_delete, and
            # each signal would look up its campaigns (a query per row); we announce instead.
            doomed = StockLevel.objects.filter(pk__in=deleted)
            doomed._raw_delete(doomed.db)
        StockLevel.objects.bulk_create([StockLevel(**row) for row in created])
        if changed:
            StockLevel.objects.bulk_update(
                [StockLevel(**row, updated_at=now) for row in changed],
                [*STOCK_FIELDS, "updated_at"],
            )
        return [row["id"] for row in changed]

    @staticmethod
    def _copy_write(created: list[dict], changed: list[dict], deleted: list[int], now) -> list[int]:
        """COPY and set-based merges (PostgreSQL); returns the ids of the levels updated."""
        copy_delete(StockLevel, deleted)
        copy_insert(StockLevel, created, defaults=row_defaults(StockLevel, now))
        return copy_update(StockLevel, changed, STOCK_FIELDS, touch={"updated_at": now})

    def _complete(self, given: dict[str, int], level: dict | None) -> dict[str, int]:
        """All four quantities: the file's, else the stored ones, else 0; available <= on hand."""
        values = {
            name: given.get(name, level[name] if level is not None else 0) for name in QUANTITIES
        }
        if "on_hand" not in given or not self.long:
            # The wide layout (or a file without on hand) says only what is available.
            values["on_hand"] = max(values["on_hand"], values["available"])
        return values


class _CellRefused(Exception):
    def __init__(self, column: str, message: str) -> None:
        self.column = column
        self.message = message
        super().__init__(message)

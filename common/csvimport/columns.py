"""Where each field sits in one file's header, found by name through an alias table.

Files come in several header dialects at once and stores add columns of their own, so columns
are found by name, never by position; unknown columns are listed, not fatal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter

# Metafield columns: "<label> (product.metafields.<namespace>.<key>)"; the label may be in the
# admin's language, so only the namespace and key are read.
METAFIELD_RE = re.compile(r"\((?:\w+\.)?metafields\.([\w-]+)\.([\w-]+)\)\s*$", re.IGNORECASE)


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

    def trimmed(self) -> Callable[[Sequence[str]], dict[str, str]]:
        """A reader of rows: the trimmed cell of each field the file has, by field.

        The same values as get() on each field, read in one pass over the row: an importer
        that looks at twenty fields per row calls it once rather than twenty times.
        """
        fields = tuple(self.index)
        if len(fields) < 2:  # itemgetter of one position gives the cell, not a tuple of one
            return lambda cells: {field: cells[self.index[field]].strip() for field in fields}
        cells_of = itemgetter(*self.index.values())
        strip = str.strip
        return lambda cells: dict(zip(fields, map(strip, cells_of(cells)), strict=True))

    def column(self, field: str) -> str:
        """The header name the file uses for `field`, for error messages."""
        position = self.index.get(field)
        return self.header[position] if position is not None else field

    def missing(self, required: Sequence[str]) -> list[str]:
        return [field for field in required if field not in self.index]

"""What an import did: counts, per-row errors and warnings (capped), notices, a sample of changes.

An error refuses its row. A warning names a problem in a column the checks do not rely on (a
barcode a spreadsheet mangled, a weight, an image address): the row is imported without that
value, and the report says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# A report names the first errors; past this many the rest are only counted, so a file of
# 100,000 bad rows does not turn into a 100,000-entry JSON column.
MAX_STORED_ERRORS = 1_000
# The preview shows this many of the changes an import makes (or would make).
MAX_SAMPLE = 50

ACTIONS = ("created", "updated", "unchanged", "deleted")


class ImportAborted(Exception):
    """The file cannot be read as a whole (encoding, delimiter, columns, a broken record)."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        self.line = line
        super().__init__(
            _("Line %(line)s: %(message)s") % {"line": line, "message": message}
            if line
            else message
        )


@dataclass(frozen=True)
class RowError:
    """A row refused (or, as a warning, imported without one value), with its line and column."""

    line: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class ImportResult:
    """The outcome of one import, dry run or real."""

    rows_total: int = 0
    rows_processed: int = 0
    refused: int = 0
    errors: list[RowError] = field(default_factory=list)
    errors_total: int = 0
    warnings: list[RowError] = field(default_factory=list)
    warnings_total: int = 0
    notices: list[str] = field(default_factory=list)
    fatal: str = ""
    rolled_back: bool = False
    # {"product": {"created": 3, "updated": 0, ...}, "sku": {...}}
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    sample: list[dict] = field(default_factory=list)

    def refuse(self, line: int, column: str, message: str, *, rows: int = 1) -> None:
        """Refuse `rows` rows (a product refuses its variant rows with it) for one reason."""
        self.refused += rows
        self.errors_total += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(RowError(line, column, message))

    def warn(self, line: int, column: str, message: str) -> None:
        """Note a problem in a value the row is imported without; the row itself goes in."""
        self.warnings_total += 1
        if len(self.warnings) < MAX_STORED_ERRORS:
            self.warnings.append(RowError(line, column, message))

    def count(self, kind: str, action: str, n: int = 1) -> None:
        if n:
            bucket = self.counts.get(kind)
            if bucket is None:  # not setdefault: its default would be built on every call
                bucket = self.counts[kind] = dict.fromkeys(ACTIONS, 0)
            bucket[action] += n

    def note(self, kind: str, action: str, key: str, changes: list[str] | None = None) -> None:
        """Keep a few changes for the preview ("what would be created, updated")."""
        if len(self.sample) < MAX_SAMPLE:
            self.sample.append(
                {"kind": kind, "action": action, "key": key, "changes": changes or []}
            )

    def total(self, action: str) -> int:
        return sum(bucket.get(action, 0) for bucket in self.counts.values())

    @property
    def created(self) -> int:
        return self.total("created")

    @property
    def updated(self) -> int:
        return self.total("updated") + self.total("deleted")

    @property
    def unchanged(self) -> int:
        return self.total("unchanged")

    @property
    def ok(self) -> bool:
        return not self.fatal and not self.refused

    def summary(self) -> str:
        """One line for a terminal or a log."""
        parts = [f"{self.rows_processed} of {self.rows_total} rows read"]
        for kind, bucket in self.counts.items():
            done = ", ".join(f"{n} {action}" for action, n in bucket.items() if n)
            parts.append(f"{kind}: {done or 'nothing'}")
        parts.append(f"{self.refused} rows refused")
        if self.warnings_total:
            parts.append(f"{self.warnings_total} warnings")
        if self.rolled_back:
            parts.append("nothing written (rolled back)")
        return "; ".join(parts)

"""Running an importer over a file: chunks, transactions, dry runs, --atomic and progress.

Each importer reads rows, groups them into chunks of about CHUNK_ROWS, and writes a chunk with
a handful of set-based queries. The runner decides the transactions:

- a real import commits chunk by chunk, so a bad row costs its row, not the file;
- `atomic` runs the file in one transaction and rolls it back if any row was refused;
- `dry_run` runs the same code in one transaction and always rolls back: the preview counts
  are exactly what the real import would do, and nothing is kept (re-check requests are
  on-commit callbacks, so they go with the rollback).

The file is read once before any write (counting rows for the progress bar), so a broken
record at the end of a file stops the import before its first row is written.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, BinaryIO, ClassVar

from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext as _

from common.csvimport.columns import ColumnMap
from common.csvimport.copymerge import copy_supported
from common.csvimport.csvfile import CsvSource
from common.csvimport.result import ImportAborted, ImportResult

# Rows per chunk: large enough that the per-chunk queries are amortised, small enough that a
# chunk's objects stay a few megabytes and a refused chunk costs little.
CHUNK_ROWS = 1_000
# With COPY (PostgreSQL) a chunk's rows cost little and its fixed part (a commit, a handful of
# statements) dominates, so chunks are larger; still a few megabytes of rows.
COPY_CHUNK_ROWS = 5_000

Progress = Callable[[ImportResult], None]


@dataclass
class Chunk:
    """Rows read together and written together."""

    items: list[Any] = field(default_factory=list)
    first_line: int = 0
    rows: int = 0


class Importer:
    """Base of every CSV importer: the file's columns, and one chunk at a time."""

    kind: ClassVar[str]
    aliases: ClassVar[dict[str, tuple[str, ...]]]
    required: ClassVar[Sequence[str]] = ()
    # None: CHUNK_ROWS, or COPY_CHUNK_ROWS for an importer that writes with COPY on PostgreSQL.
    chunk_rows: ClassVar[int | None] = None
    writes_with_copy: ClassVar[bool] = False

    def __init__(self, source: CsvSource, result: ImportResult) -> None:
        self.source = source
        self.columns: ColumnMap = source.columns
        self.result = result
        self.seen = 0
        self.use_copy = self.writes_with_copy and copy_supported()
        self.rows_per_chunk: int = type(self).chunk_rows or (
            COPY_CHUNK_ROWS if self.use_copy else CHUNK_ROWS
        )

    @classmethod
    def check_header(cls, columns: ColumnMap) -> None:
        """Raise ImportAborted when the header cannot serve (beyond the required columns)."""

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Rows with as many cells as the header; the others are refused here."""
        width = len(self.columns.header)
        for line, cells in self.source.rows():
            self.seen += 1
            if len(cells) != width:
                self.result.refuse(
                    line,
                    "",
                    _("The row has %(cells)s cells where the header has %(width)s.")
                    % {"cells": len(cells), "width": width},
                )
                continue
            yield line, cells

    def chunks(self) -> Iterator[Chunk]:
        chunk = Chunk()
        for line, cells in self.rows():
            if not chunk.rows:
                chunk.first_line = line
            chunk.items.append((line, cells))
            chunk.rows += 1
            if chunk.rows >= self.rows_per_chunk:
                yield chunk
                chunk = Chunk()
        if chunk.rows:
            yield chunk

    def process(self, chunk: Chunk) -> None:
        raise NotImplementedError

    def cell(self, cells: Sequence[str], name: str) -> str:
        return self.columns.get(cells, name)


def open_source(importer: type[Importer], binary: BinaryIO) -> CsvSource:
    return CsvSource(
        binary, importer.aliases, importer.required, header_check=importer.check_header
    )


def run_import(
    importer_class: type[Importer],
    binary: BinaryIO,
    *,
    dry_run: bool = False,
    atomic: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import `binary` (a seekable binary file) with `importer_class`; never raises on bad data."""
    result = ImportResult()
    try:
        source = open_source(importer_class, binary)
        result.notices.extend(source.notices)
        result.rows_total = source.count_rows()
    except ImportAborted as exc:
        result.fatal = str(exc)
        return result
    if progress:
        progress(result)
    importer = importer_class(source, result)
    whole_file = dry_run or atomic
    try:
        with transaction.atomic() if whole_file else nullcontext():
            for chunk in importer.chunks():
                _write_chunk(importer, chunk)
                result.rows_processed = importer.seen
                if progress:
                    progress(result)
            result.rows_processed = importer.seen
            if dry_run or (atomic and result.refused):
                transaction.set_rollback(True)
                result.rolled_back = True
    except ImportAborted as exc:  # the file changed between the two passes
        result.fatal = str(exc)
        result.rolled_back = whole_file
    return result


def _write_chunk(importer: Importer, chunk: Chunk) -> None:
    """Write one chunk in its own transaction (a savepoint inside a whole-file one).

    Rows are validated before they are written, so the database refusing a chunk means a case
    the validation missed: the chunk's rows are refused with the database's message rather
    than the import failing with a 500.
    """
    result = importer.result
    before = (copy.deepcopy(result.counts), len(result.sample), result.refused)
    try:
        with transaction.atomic():
            importer.process(chunk)
    except (IntegrityError, DataError) as exc:
        result.counts, sample_len, result.refused = before
        del result.sample[sample_len:]
        last = chunk.first_line + chunk.rows - 1
        result.refuse(
            chunk.first_line,
            "",
            _("The database refused rows starting at lines %(first)s-%(last)s: %(reason)s")
            % {"first": chunk.first_line, "last": last, "reason": str(exc).splitlines()[0]},
            rows=chunk.rows,
        )

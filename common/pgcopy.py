"""Streaming rows into PostgreSQL with COPY: ten times faster than INSERTs built by the ORM.

Used where a run writes tens of thousands of rows at once (the checks engine's first sweep of
a large store, the benchmark's synthetic store).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime

COPY_CHUNK = 50_000  # rows per buffer: a few MB of text


def copy_text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value)
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_rows(cursor, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY `rows` (sequences of values in `columns` order) into `table`; returns the count.

    `cursor` is a psycopg2 cursor (Django's `cursor.cursor`).
    """
    quoted = ", ".join(f'"{c}"' for c in columns)
    statement = f'COPY "{table}" ({quoted}) FROM STDIN'
    count = 0
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(map(copy_text, row)))
        buffer.write("\n")
        count += 1
        if count % COPY_CHUNK == 0:
            buffer.seek(0)
            cursor.copy_expert(statement, buffer)
            buffer = io.StringIO()
    buffer.seek(0)
    cursor.copy_expert(statement, buffer)
    return count

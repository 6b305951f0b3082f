"""Writing an import's chunk on PostgreSQL: COPY into a staging table, then set-based merges.

The ORM's bulk_create and bulk_update build one parameter per cell in Python, which costs more
than validating the row; COPY streams the rows as text and the merge is one statement per
kind of write. Every statement only writes rows whose values differ (`IS DISTINCT FROM`), and
returns the ids it wrote, so a re-import writes nothing and moves no `updated_at`.

Rows are dicts keyed by the model's attribute names (`product_id`, not `product`). The staging
table is a temporary table shaped like the columns written, emptied when a transaction
commits and before each use, so an --atomic run of many chunks in one transaction never sees
an earlier chunk's rows (and a savepoint rolled back takes its rows with it).
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import Model

from common.pgcopy import copy_text

COPY_SPECIAL_RE = re.compile(r"[\\\t\n\r]")
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_supported(using: str = "default") -> bool:
    """Whether the database takes COPY (PostgreSQL); elsewhere importers use the ORM."""
    return connections[using].vendor == "postgresql"


def row_defaults(model: type[Model], now: datetime) -> dict[str, Any]:
    """A new row's values before the file's: each field's default, `now` for auto_now fields."""
    defaults: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        else:
            defaults[field.attname] = field.get_default()
    return defaults


def _column(model: type[Model], attname: str) -> str:
    if attname in ("pk", "id"):
        return model._meta.pk.column
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field.column
    raise ValueError(f"{model.__name__} has no column {attname!r}")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _stage(cursor, model: type[Model], attnames: Sequence[str], rows: Sequence[dict]) -> str:
    """Fill the temporary table for these columns with `rows`' values; returns its name."""
    table = model._meta.db_table
    columns = [_column(model, name) for name in attnames]
    # One table per shape, named by its columns, so a table made before a migration changed
    # the target (a long-lived worker connection) is never reused with the wrong columns.
    shape = hashlib.sha1(",".join(columns).encode()).hexdigest()[:10]
    stage = f"import_stage_{table}_{shape}"
    # Same column types as the target, no constraints: the merge statements check those.
    # Kept for the session rather than made per chunk (DDL is what a chunk's time went on);
    # DELETE empties it of an earlier chunk of the same transaction (--atomic, dry run).
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {_quote(stage)} ON COMMIT DELETE ROWS AS "
        f"SELECT {', '.join(map(_quote, columns))} FROM {_quote(table)} WITH NO DATA"
    )
    cursor.execute(f"DELETE FROM {_quote(stage)}")
    text = io.StringIO()
    text.writelines("\t".join([_text(row[name]) for name in attnames]) + "\n" for row in rows)
    text.seek(0)
    quoted = ", ".join(map(_quote, columns))
    with cursor.db.wrap_database_errors:
        # COPY is not one of the cursor calls Django wraps: a value PostgreSQL refuses must
        # still surface as django.db.DataError, which refuses the chunk rather than the file.
        cursor.cursor.copy_expert(f"COPY {_quote(stage)} ({quoted}) FROM STDIN", text)
    return stage


def _text(value: Any) -> str:
    """One value in COPY's text format (common.pgcopy.copy_text, with the usual cases first).

    An import writes millions of cells, and this is where its time went: plain strings,
    numbers and None are the cells of almost every row, so they are tested for first.
    """
    kind = type(value)
    if kind is str:
        return value.translate(COPY_ESCAPES) if COPY_SPECIAL_RE.search(value) else value
    if value is None:
        return r"\N"
    if kind is int or kind is Decimal:
        return str(value)
    return copy_text(value)


def _differs(target: str, source: str, columns: Sequence[str]) -> str:
    left = ", ".join(f"{target}.{_quote(c)}" for c in columns)
    right = ", ".join(f"{source}.{_quote(c)}" for c in columns)
    # ROW(): a single column compares as a value, several as a row; both need the keyword.
    return f"ROW({left}) IS DISTINCT FROM ROW({right})"


def copy_insert(
    model: type[Model],
    rows: Sequence[dict],
    *,
    returning: Sequence[str] = ("id",),
    conflict: Sequence[str] = (),
    update: Sequence[str] = (),
    touch: Sequence[str] = (),
    using: str = "default",
) -> list[tuple]:
    """Insert `rows` (complete new rows); returns the `returning` columns of the rows written.

    With `conflict` (the attributes of a unique constraint) and `update`, a row whose key is
    already stored updates it instead (INSERT ... ON CONFLICT DO UPDATE), but only when one of
    the `update` values differs; `touch` (such as updated_at) is written along with them.
    Returned rows are those inserted or actually updated.
    """
    if not rows:
        return []
    attnames = list(rows[0])
    table = _quote(model._meta.db_table)
    columns = ", ".join(_quote(_column(model, name)) for name in attnames)
    returned = ", ".join(f"{table}.{_quote(_column(model, name))}" for name in returning)
    with connections[using].cursor() as cursor:
        stage = _stage(cursor, model, attnames, rows)
        statement = f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {_quote(stage)}"
        if conflict:
            keys = ", ".join(_quote(_column(model, name)) for name in conflict)
            changed = [_column(model, name) for name in update]
            if changed:
                sets = ", ".join(
                    f"{_quote(c)} = EXCLUDED.{_quote(c)}"
                    for c in (*changed, *(_column(model, name) for name in touch))
                )
                statement += (
                    f" ON CONFLICT ({keys}) DO UPDATE SET {sets}"
                    f" WHERE {_differs(table, 'EXCLUDED', changed)}"
                )
            else:
                statement += f" ON CONFLICT ({keys}) DO NOTHING"
        cursor.execute(f"{statement} RETURNING {returned}")
        return [tuple(row) for row in cursor.fetchall()]


def copy_update(
    model: type[Model],
    rows: Sequence[dict],
    fields: Sequence[str],
    *,
    touch: Sequence[str] = (),
    using: str = "default",
) -> list[int]:
    """Update stored rows (each dict has `id` and `fields`, plus `touch`) where a value differs.

    Returns the ids actually updated: a row equal to what is stored is not written.
    """
    if not rows or not fields:
        return []
    pk = model._meta.pk.column
    attnames = ["id", *fields, *touch]
    table = _quote(model._meta.db_table)
    changed = [_column(model, name) for name in fields]
    sets = ", ".join(
        f"{_quote(c)} = s.{_quote(c)}" for c in (*changed, *(_column(model, n) for n in touch))
    )
    with connections[using].cursor() as cursor:
        stage = _stage(cursor, model, attnames, rows)
        cursor.execute(
            f"UPDATE {table} SET {sets} FROM {_quote(stage)} AS s "
            f"WHERE {table}.{_quote(pk)} = s.{_quote(pk)} AND {_differs(table, 's', changed)} "
            f"RETURNING {table}.{_quote(pk)}"
        )
        return [row[0] for row in cursor.fetchall()]


def copy_delete(model: type[Model], ids: Sequence[int], *, using: str = "default") -> list[int]:
    """Delete rows by id, without the ORM's per-row collection; returns the ids deleted."""
    if not ids:
        return []
    table = _quote(model._meta.db_table)
    pk = _quote(model._meta.pk.column)
    with connections[using].cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {pk} = ANY(%s) RETURNING {pk}", [list(ids)])
        return [row[0] for row in cursor.fetchall()]

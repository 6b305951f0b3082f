"""Writing an import's chunk on PostgreSQL: COPY into a staging table, then set-based merges.

The ORM's bulk_create and bulk_update build one parameter per cell in Python, which costs more
than validating the row; COPY streams the rows as text and the merge is one statement per
kind of write. Every statement only writes rows whose values differ (`IS DISTINCT FROM`), and
returns the ids it wrote, so a re-import writes nothing and moves no `updated_at`.

Rows are dicts keyed by the model's attribute names (`product_id`, not `product`). Values the
same for every row of a chunk (a field's default, the import's time) are not repeated in each
row: `defaults` gives them, a row leaves them out, and a column no row sets is sent once, as a
parameter of the merge statement, rather than 5,000 times through COPY. The staging table is a
temporary table shaped like the columns staged, emptied when a transaction commits and before
each use, so an --atomic run of many chunks in one transaction never sees an earlier chunk's
rows (and a savepoint rolled back takes its rows with it).
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import Field, Model

from common.pgcopy import copy_text

COPY_SPECIAL_RE = re.compile(r"[\\\t\n\r]")
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = r"\N"
NONE_TYPE = type(None)
# Columns whose values need nothing but str() in COPY's text format (no escapes, None as \N).
PLAIN_TYPES = frozenset({int, Decimal, NONE_TYPE})


def copy_supported(using: str = "default") -> bool:
    """Whether the database takes COPY (PostgreSQL); elsewhere importers use the ORM."""
    return connections[using].vendor == "postgresql"


@contextmanager
def by_index(using: str = "default") -> Iterator[None]:
    """Within: PostgreSQL looks rows up by index, not by reading the whole table in parallel.

    A chunk looks up a few thousand keys (handles, ids, codes) in a table of any size, so an
    index is always the way; but the planner chooses by the table's statistics, which a table
    an import is filling has not got yet (autovacuum analyses it a minute later): with none, it
    guessed that 5,000 ids were most of the SKUs and read all of them, once per chunk (136 ms
    where the index takes 6, at 95,000 SKUs; a first import grew quadratically with its file),
    with parallel workers that cost more to start than such a lookup. The settings are local
    to the chunk's transaction; an error rolls them back with the chunk.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), "
            "current_setting('max_parallel_workers_per_gather'), "
            "set_config('enable_seqscan', 'off', true), "
            "set_config('max_parallel_workers_per_gather', '0', true)"
        )
        seqscan, workers, *_ = cursor.fetchone()
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('enable_seqscan', %s, true), "
            "set_config('max_parallel_workers_per_gather', %s, true)",
            [seqscan, workers],
        )


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


def _field(model: type[Model], attname: str) -> Field:
    if attname in ("pk", "id"):
        return model._meta.pk
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field
    raise ValueError(f"{model.__name__} has no column {attname!r}")


def _column(model: type[Model], attname: str) -> str:
    return _field(model, attname).column


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(value: Any) -> str:
    """One value in COPY's text format (common.pgcopy.copy_text, with the usual cases first)."""
    kind = type(value)
    if kind is str:
        return value.translate(COPY_ESCAPES) if COPY_SPECIAL_RE.search(value) else value
    if value is None:
        return NULL
    if kind is int or kind is Decimal:
        return str(value)
    return copy_text(value)


def _column_text(values: list) -> list[str]:
    """One column's values in COPY's text format: `_text` of each, a whole column at a time.

    An import writes millions of cells, and a function call per cell was where its time went.
    Almost every column is all plain strings without a tab, newline or backslash (one search
    over the column says so, and the strings go as they are), or all numbers and None.
    """
    kinds = set(map(type, values))
    if kinds == {str}:
        if COPY_SPECIAL_RE.search("".join(values)) is None:
            return values
        return [value.translate(COPY_ESCAPES) for value in values]
    if kinds <= PLAIN_TYPES:
        if NONE_TYPE in kinds:
            return [NULL if value is None else str(value) for value in values]
        return list(map(str, values))
    return [_text(value) for value in values]


def copy_text_rows(columns: Sequence[list]) -> str:
    """The COPY text of rows given column by column (lists of equal length)."""
    encoded = [_column_text(values) for values in columns]
    return "".join(line + "\n" for line in map("\t".join, zip(*encoded, strict=True)))


def _split(
    rows: Sequence[Mapping[str, Any]], defaults: Mapping[str, Any]
) -> tuple[list[str], list[str]]:
    """(columns staged, columns sent once): a column no row sets takes its default for all."""
    names = [*defaults, *(name for name in rows[0] if name not in defaults)]
    given = set().union(*rows)
    unknown = given.difference(names)
    if unknown:
        raise ValueError(f"columns without a default missing from the first row: {sorted(unknown)}")
    return [n for n in names if n in given], [n for n in names if n not in given]


def _constant(model: type[Model], attname: str, value: Any, connection) -> tuple[str, Any]:
    """A value the same for every row, as a typed parameter of the merge statement."""
    field = _field(model, attname)
    return f"CAST(%s AS {field.cast_db_type(connection)})", field.get_db_prep_save(
        value, connection
    )


def _stage(
    cursor,
    model: type[Model],
    attnames: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    defaults: Mapping[str, Any],
) -> str:
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
    values = []
    for name in attnames:
        if name in defaults:
            default = defaults[name]
            values.append([row.get(name, default) for row in rows])
        else:
            values.append([row[name] for row in rows])
    text = io.StringIO(copy_text_rows(values))
    quoted = ", ".join(map(_quote, columns))
    with cursor.db.wrap_database_errors:
        # COPY is not one of the cursor calls Django wraps: a value PostgreSQL refuses must
        # still surface as django.db.DataError, which refuses the chunk rather than the file.
        cursor.cursor.copy_expert(f"COPY {_quote(stage)} ({quoted}) FROM STDIN", text)
    return stage


def _differs(target: str, source: str, columns: Sequence[str]) -> str:
    left = ", ".join(f"{target}.{_quote(c)}" for c in columns)
    right = ", ".join(f"{source}.{_quote(c)}" for c in columns)
    # ROW(): a single column compares as a value, several as a row; both need the keyword.
    return f"ROW({left}) IS DISTINCT FROM ROW({right})"


def copy_insert(
    model: type[Model],
    rows: Sequence[Mapping[str, Any]],
    *,
    defaults: Mapping[str, Any] | None = None,
    returning: Sequence[str] = ("id",),
    conflict: Sequence[str] = (),
    update: Sequence[str] = (),
    touch: Sequence[str] = (),
    using: str = "default",
) -> list[tuple]:
    """Insert `rows` (new rows); returns the `returning` columns of the rows written.

    A row gives every column, or leaves out those of `defaults` it does not change.
    With `conflict` (the attributes of a unique constraint) and `update`, a row whose key is
    already stored updates it instead (INSERT ... ON CONFLICT DO UPDATE), but only when one of
    the `update` values differs; `touch` (such as updated_at) is written along with them.
    Returned rows are those inserted or actually updated.
    """
    if not rows:
        return []
    defaults = defaults or {}
    connection = connections[using]
    staged, constant = _split(rows, defaults)
    table = _quote(model._meta.db_table)
    names = [*staged, *constant]
    columns = ", ".join(_quote(_column(model, name)) for name in names)
    selected = [_quote(_column(model, name)) for name in staged]
    params = []
    for name in constant:
        expression, param = _constant(model, name, defaults[name], connection)
        selected.append(expression)
        params.append(param)
    returned = ", ".join(f"{table}.{_quote(_column(model, name))}" for name in returning)
    with connection.cursor() as cursor:
        stage = _stage(cursor, model, staged, rows, defaults)
        statement = (
            f"INSERT INTO {table} ({columns}) SELECT {', '.join(selected)} FROM {_quote(stage)}"
        )
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
        cursor.execute(f"{statement} RETURNING {returned}", params)
        return [tuple(row) for row in cursor.fetchall()]


def copy_update(
    model: type[Model],
    rows: Sequence[Mapping[str, Any]],
    fields: Sequence[str],
    *,
    touch: Mapping[str, Any] | None = None,
    using: str = "default",
) -> list[int]:
    """Update stored rows (each dict has `id` and `fields`) where a value differs.

    `touch` (such as {"updated_at": now}) is written on the rows updated. Returns the ids
    actually updated: a row equal to what is stored is not written.
    """
    if not rows or not fields:
        return []
    connection = connections[using]
    pk = model._meta.pk.column
    attnames = ["id", *fields]
    table = _quote(model._meta.db_table)
    changed = [_column(model, name) for name in fields]
    sets = [f"{_quote(c)} = s.{_quote(c)}" for c in changed]
    params = []
    for name, value in (touch or {}).items():
        expression, param = _constant(model, name, value, connection)
        sets.append(f"{_quote(_column(model, name))} = {expression}")
        params.append(param)
    with connection.cursor() as cursor:
        stage = _stage(cursor, model, attnames, rows, {})
        cursor.execute(
            f"UPDATE {table} SET {', '.join(sets)} FROM {_quote(stage)} AS s "
            f"WHERE {table}.{_quote(pk)} = s.{_quote(pk)} AND {_differs(table, 's', changed)} "
            f"RETURNING {table}.{_quote(pk)}",
            params,
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

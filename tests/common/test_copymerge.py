"""COPY's text for a chunk, built a column at a time, is the text built a cell at a time; the
merges write defaults once, touch only what changed; lookups go by index without statistics."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from catalog.choices import InventoryPolicy, ProductStatus
from catalog.models import SKU, Product
from common.csvimport.copymerge import (
    _text,
    by_index,
    copy_insert,
    copy_text_rows,
    copy_update,
    row_defaults,
)

postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")

COLUMNS = {
    "plain strings": ["tee", "", "Écru ☃", "a b"],
    "strings to escape": ["two\nlines", "tab\there", "back\\slash", "\\N", "cr\r\n", "plain"],
    "amounts and none": [Decimal("19.90"), None, Decimal("0.00"), Decimal("1E+3")],
    "whole numbers": [0, 7, -3, 2**40],
    "whole numbers and none": [None, 12],
    "booleans": [True, False],
    "choices": [ProductStatus.ACTIVE, InventoryPolicy.CONTINUE],
    "json": [{}, {"shopify.color": 'vert; "gris"', "é": "\\"}, ["a", 1]],
    "moments": [datetime(2026, 5, 1, 12, 30, tzinfo=UTC), date(2026, 5, 2)],
    "mixed": ["text", 3, None, Decimal("2.50"), True, "tab\t"],
}


@pytest.mark.parametrize("kind", COLUMNS)
def test_a_column_is_encoded_as_each_of_its_cells_would_be(kind):
    values = COLUMNS[kind]
    assert copy_text_rows([values]) == "".join(_text(value) + "\n" for value in values)


def test_rows_are_the_columns_side_by_side():
    names = ["plain strings", "amounts and none", "strings to escape", "whole numbers"]
    columns = [COLUMNS[name][:4] for name in names]
    expected = "".join("\t".join(_text(column[i]) for column in columns) + "\n" for i in range(4))
    assert copy_text_rows(columns) == expected
    assert expected.count("\n") == 4  # the newlines inside values are escaped


@postgresql
@pytest.mark.django_db
def test_copy_insert_sends_what_no_row_sets_once_and_what_some_rows_set_per_row():
    now = timezone.now()
    product = Product.objects.create(handle="tee", title="Tee")
    defaults = {**row_defaults(SKU, now), "currency": "EUR"}
    rows = [
        {"product_id": product.pk, "code": "T-1", "price": Decimal("20.00")},
        {
            "product_id": product.pk,
            "code": "T-2",
            "option1": "M",
            "price": Decimal("21.00"),
            "inventory_policy": InventoryPolicy.CONTINUE,
        },
    ]
    written = copy_insert(SKU, rows, defaults=defaults, returning=("id", "code"))
    assert sorted(code for _, code in written) == ["T-1", "T-2"]
    skus = {sku.code: sku for sku in SKU.objects.all()}
    assert skus["T-1"].inventory_policy == "deny"  # the default, for the row that gave none
    assert skus["T-2"].inventory_policy == "continue"
    assert (skus["T-1"].option1, skus["T-2"].option1) == ("", "M")
    assert {sku.currency for sku in skus.values()} == {"EUR"}
    assert {sku.created_at for sku in skus.values()} == {now}
    assert {sku.updated_at for sku in skus.values()} == {now}


@postgresql
@pytest.mark.django_db
def test_copy_insert_upserts_a_json_column_and_writes_only_what_differs():
    then = timezone.now() - timedelta(days=1)
    Product.objects.create(handle="tee", title="Tee", attributes={"a": "1"})
    Product.objects.filter(handle="tee").update(updated_at=then)
    defaults = row_defaults(Product, timezone.now())
    rows = [
        {"handle": "tee", "title": "Tee", "attributes": {"a": "1"}},  # as stored
        {"handle": "cap", "title": "Cap", "attributes": {"b": "tab\t"}},
    ]
    written = copy_insert(
        Product,
        rows,
        defaults=defaults,
        returning=("handle",),
        conflict=("handle",),
        update=("title", "attributes"),
        touch=("updated_at",),
    )
    assert written == [("cap",)]
    assert Product.objects.get(handle="tee").updated_at == then
    assert Product.objects.get(handle="cap").attributes == {"b": "tab\t"}
    with connection.cursor() as cursor:
        cursor.execute("SELECT attributes::text FROM catalog_product WHERE handle = 'cap'")
        assert json.loads(cursor.fetchone()[0]) == {"b": "tab\t"}


@postgresql
@pytest.mark.django_db
def test_copy_update_touches_the_rows_it_changes_and_no_other():
    now = timezone.now()
    then = now - timedelta(days=1)
    product = Product.objects.create(handle="tee", title="Tee")
    same = SKU.objects.create(product=product, code="T-1", price=Decimal("20.00"))
    other = SKU.objects.create(product=product, code="T-2", option1="M", price=Decimal("20.00"))
    SKU.objects.update(updated_at=then)
    rows = [
        {"id": same.pk, "price": Decimal("20.00")},
        {"id": other.pk, "price": Decimal("25.00")},
    ]
    assert copy_update(SKU, rows, ["price"], touch={"updated_at": now}) == [other.pk]
    same.refresh_from_db()
    other.refresh_from_db()
    assert (same.updated_at, other.updated_at) == (then, now)
    assert other.price == Decimal("25.00")


def test_copy_insert_refuses_a_column_missing_from_the_first_row_without_a_default():
    with pytest.raises(ValueError, match="code"):
        copy_insert(SKU, [{"product_id": 1}, {"product_id": 1, "code": "X"}], defaults={})


def _setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


@postgresql
@pytest.mark.django_db
def test_lookups_go_by_index_on_a_table_without_statistics_and_the_setting_is_restored():
    product = Product.objects.create(handle="tee", title="Tee")
    SKU.objects.bulk_create(
        SKU(product=product, code=f"T-{i}", option1=str(i), price=Decimal("1.00"))
        for i in range(3_000)
    )
    codes = [f"T-{i}" for i in range(0, 3_000, 2)]  # half the table: a scan looks cheaper
    query = SKU.objects.filter(code__in=codes).exclude(code="").values("pk")
    with transaction.atomic():
        with by_index():
            assert _setting("enable_seqscan") == "off"
            plan = query.explain()
        assert _setting("enable_seqscan") == "on"
        assert _setting("max_parallel_workers_per_gather") != "0"
    assert "Seq Scan" not in plan
    assert "sku_code_unique" in plan

"""Reading a row once by field gives each field's trimmed cell, as looking each one up does."""

from __future__ import annotations

import pytest

from catalog.imports.aliases import SHOPIFY_PRODUCT_COLUMNS
from common.csvimport.columns import ColumnMap

HEADERS = {
    "many fields": ["Handle", " Title ", "Unknown", "Variant SKU", "Variant Price", "SKU"],
    "one field": ["Unknown", "Handle"],
    "no field": ["Unknown", "Other"],
}


@pytest.mark.parametrize("header", HEADERS)
def test_a_row_read_once_has_each_fields_trimmed_cell(header):
    columns = ColumnMap(SHOPIFY_PRODUCT_COLUMNS, HEADERS[header])
    cells = [f"  cell {i}\t" for i in range(len(HEADERS[header]))]
    row = columns.trimmed()(cells)
    assert row == {field: columns.get(cells, field) for field in columns.index}
    assert all(value == value.strip() for value in row.values())
    # A field the file has not is absent, where get() gives "".
    assert "barcode" not in row and columns.get(cells, "barcode") == ""


def test_a_repeated_column_reads_the_first_one():
    columns = ColumnMap(SHOPIFY_PRODUCT_COLUMNS, ["Handle", "Variant SKU", "SKU"])
    assert columns.trimmed()(["h", " first ", "second"]) == {"handle": "h", "code": "first"}

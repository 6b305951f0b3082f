"""Malformed files get a clear message, with the line where there is one, and write nothing."""

from __future__ import annotations

import pytest

from catalog.imports.products import ProductImporter
from catalog.models import SKU, Product
from common.csvimport.csvfile import FIELD_SIZE_LIMIT
from tests.imports.conftest import csv_bytes, run

pytestmark = pytest.mark.django_db

HEADER = ["Handle", "Title", "Variant SKU", "Variant Price"]


def good(n: int = 1) -> list[list[str]]:
    return [[f"p{i}", f"P {i}", f"P-{i}", "9.99"] for i in range(n)]


def test_an_empty_file():
    assert run(ProductImporter, b"").fatal == "The file is empty."
    assert run(ProductImporter, b"  \n\n").fatal == "The file is empty."


def test_binary_junk_is_not_a_csv():
    result = run(ProductImporter, bytes(range(256)) * 40)
    assert "not a CSV file" in result.fatal


def test_control_characters_without_nul_are_binary_too():
    result = run(ProductImporter, b"Handle,Title\n" + b"\x01\x02\x03\x04\x05\x06" * 100)
    assert "binary data" in result.fatal


def test_missing_required_columns_are_named_with_their_accepted_names():
    result = run(ProductImporter, csv_bytes([["Handle", "Title"], ["a", "A"]]))
    assert result.fatal == 'Line 1: Required column missing: "Variant Price" or "Price".'
    assert not Product.objects.exists()


def test_a_file_of_some_other_kind():
    result = run(ProductImporter, csv_bytes([["name", "email"], ["a", "a@example.com"]]))
    assert "No known column in the first line" in result.fatal


def test_semicolons_are_read_with_a_notice_and_decimal_commas_accepted():
    data = csv_bytes([HEADER, ["p", "P", "P-1", "19,99"]], delimiter=";")
    result = run(ProductImporter, data)
    assert result.errors == []
    assert "semicolons" in result.notices[0]
    assert str(SKU.objects.get().price) == "19.99"


def test_windows_1252_is_read_with_a_notice():
    data = csv_bytes([HEADER, ["creme", "Crème brûlée", "C-1", "5"]], encoding="cp1252")
    result = run(ProductImporter, data)
    assert result.errors == []
    assert "Windows-1252" in result.notices[0]
    assert Product.objects.get().title == "Crème brûlée"


def test_invalid_utf8_after_the_sniffed_start_stops_with_its_line():
    body = csv_bytes([HEADER, *good(3000)])
    result = run(ProductImporter, body + b"bad,\xff\xfe\xfa,X,1\n")
    assert "not valid UTF-8" in result.fatal
    assert result.fatal.startswith("Line 3002:")
    assert not Product.objects.exists()  # found by the reading pass, before any write


def test_a_huge_cell_stops_the_import_naming_its_line():
    huge = "x" * (FIELD_SIZE_LIMIT + 10)
    data = csv_bytes([HEADER, *good(2), ["big", huge, "B-1", "1"], *good(1)])
    result = run(ProductImporter, data)
    assert result.fatal.startswith("Line 4:")
    assert "larger than 1024 KiB" in result.fatal
    assert not Product.objects.exists()


def test_an_unclosed_quote_swallowing_the_file():
    data = csv_bytes([HEADER, *good(1)]) + b'p9,"never closed,P-9,1\n' + b"x" * FIELD_SIZE_LIMIT
    result = run(ProductImporter, data)
    assert result.fatal.startswith("Line 3:")


def test_a_row_with_the_wrong_number_of_cells_is_refused_alone():
    data = csv_bytes([HEADER, *good(1), ["p9", "P 9", "P-9"], *good(2)[1:]])
    result = run(ProductImporter, data)
    assert [(e.line, e.message) for e in result.errors] == [
        (3, "The row has 3 cells where the header has 4.")
    ]
    assert SKU.objects.count() == 2


def test_line_numbers_count_physical_lines_of_multi_line_cells():
    data = csv_bytes([HEADER, ["p", "Multi\nline\ntitle", "P-1", "1"], ["q", "Q", "Q-1", "oops"]])
    result = run(ProductImporter, data)
    assert result.errors[0].line == 5
    assert result.errors[0].column == "Variant Price"


def test_a_long_title_is_refused_naming_the_limit():
    result = run(ProductImporter, csv_bytes([HEADER, ["p", "T" * 300, "P-1", "1"]]))
    assert result.errors[0].column == "Title"
    assert "at most 255" in result.errors[0].message


UTF16_FILES = [
    ("utf-16", "UTF-16 (little-endian)"),  # Python writes a little-endian BOM
    ("utf-16-be-bom", "UTF-16 (big-endian)"),
    ("utf-16-le", "UTF-16 (little-endian, without a byte order mark)"),
    ("utf-16-be", "UTF-16 (big-endian, without a byte order mark)"),
]


@pytest.mark.parametrize(("encoding", "name"), UTF16_FILES)
def test_utf16_files_are_read_and_named(encoding, name):
    rows = [HEADER, ["crème", "Crème légère", "CR-1", "9.99"], *good(2)]
    if encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + csv_bytes(rows, delimiter="\t", encoding="utf-16-be")
    else:
        data = csv_bytes(rows, delimiter="\t", encoding=encoding)
    result = run(ProductImporter, data)
    assert result.fatal == ""
    assert result.errors == []
    assert any(name in notice for notice in result.notices)
    assert Product.objects.get(handle="crème").title == "Crème légère"
    assert SKU.objects.count() == 3


def test_a_file_that_only_looks_utf16_is_refused_by_name():
    data = "Handle,Title\n".encode("utf-16-le") + b"A\xd8" * 10  # lone surrogates
    result = run(ProductImporter, data)
    assert "UTF-16" in result.fatal
    assert not Product.objects.exists()

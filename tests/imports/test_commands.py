"""The import commands print a summary and the refused rows, and exit non-zero on refusals."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.models import SKU, StockLevel
from insights.models import Order
from tests.imports.conftest import csv_bytes, sample

pytestmark = pytest.mark.django_db

HEADER = ["Handle", "Title", "Variant SKU", "Variant Price"]


@pytest.fixture
def write(tmp_path):
    def make(rows: list[list[str]], name: str = "file.csv"):
        path = tmp_path / name
        path.write_bytes(csv_bytes(rows))
        return str(path)

    return make


def test_products_command_imports_and_prints_the_summary(write, capsys):
    call_command("import_shopify_products", write([HEADER, ["tee", "Tee", "T-1", "5"]]))
    assert "sku: 1 created" in capsys.readouterr().out
    assert SKU.objects.count() == 1


def test_refused_rows_exit_with_2_and_print_line_and_column(write, capsys):
    path = write([HEADER, ["tee", "Tee", "T-1", "5"], ["tee", "", "T-2", "x"]])
    with pytest.raises(CommandError) as refused:
        call_command("import_shopify_products", path)
    assert refused.value.returncode == 2
    assert "Line 3, Variant Price: Variant Price: 'x' is not an amount" in capsys.readouterr().err
    assert SKU.objects.count() == 1


def test_atomic_command_writes_nothing_when_a_row_is_refused(write):
    path = write([HEADER, ["tee", "Tee", "T-1", "5"], ["tee", "", "T-2", "x"]])
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_shopify_products", path, "--atomic")
    assert not SKU.objects.exists()


def test_dry_run_command_writes_nothing(write, capsys):
    call_command(
        "import_shopify_products", write([HEADER, ["tee", "Tee", "T-1", "5"]]), "--dry-run"
    )
    assert capsys.readouterr().out.startswith("Dry run, nothing written")
    assert not SKU.objects.exists()


def test_an_unreadable_file_exits_with_1(write, tmp_path):
    with pytest.raises(CommandError) as missing:
        call_command("import_shopify_products", str(tmp_path / "nope.csv"))
    assert missing.value.returncode == 1
    with pytest.raises(CommandError, match="Required column missing") as bad:
        call_command("import_shopify_products", write([["Handle"], ["a"]]))
    assert bad.value.returncode == 1


def test_inventory_command_on_the_real_exports(capsys):
    call_command(
        "import_shopify_products",
        str(sample("products_export_2023_real_store_abhilasha12345-shopify.csv")),
    )
    call_command(
        "import_shopify_inventory",
        str(sample("inventory_export_2023_layout_abhilasha12345-shopify.csv")),
    )
    assert "stock level: 67 created" in capsys.readouterr().out
    assert StockLevel.objects.count() == 67


def test_import_insights_command(write):
    path = write([["external_id", "placed_at", "country", "gross"], ["1", "2026-03-01", "FR", "9"]])
    call_command("import_insights", "orders", path)
    assert Order.objects.get().gross == 9


def test_warnings_are_printed_apart_and_do_not_fail_the_command(write, capsys):
    path = write([[*HEADER, "Variant Barcode"], ["tee", "Tee", "T-1", "5", "3.65275E+11"]])
    call_command("import_shopify_products", path)
    out = capsys.readouterr()
    assert "Warning, line 2, Variant Barcode: Variant Barcode: '3.65275E+11'" in out.err
    assert "1 warnings" in out.out
    assert SKU.objects.count() == 1

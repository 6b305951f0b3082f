"""A synthetic Shopify product export, to measure the import's rate and memory at scale.

Realistic in the ways that cost: the legacy 2023 header with its market and Google columns,
four variants per handle (colour x size), a multi-line HTML description on each product row,
an image-only row every fifth handle, blank SKUs on a tenth of the handles (matched by
options), and barcodes with leading zeros.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from catalog.models import SKU, Product

HANDLE_PREFIX = "bench-"
HEADER = [
    "Handle", "Title", "Body (HTML)", "Vendor", "Product Category", "Type", "Tags", "Published",
    "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value", "Option3 Name",
    "Option3 Value", "Variant SKU", "Variant Grams", "Variant Inventory Tracker",
    "Variant Inventory Qty", "Variant Inventory Policy", "Variant Fulfillment Service",
    "Variant Price", "Variant Compare At Price", "Variant Requires Shipping", "Variant Taxable",
    "Variant Barcode", "Image Src", "Image Position", "Image Alt Text", "Gift Card", "SEO Title",
    "SEO Description", "Google Shopping / Google Product Category", "Google Shopping / Gender",
    "Google Shopping / Age Group", "Google Shopping / MPN", "Google Shopping / Condition",
    "Variant Image", "Variant Weight Unit", "Cost per item", "Included / France",
    "Price / France", "Compare At Price / France", "Status",
]  # fmt: skip
COLOURS = ("Sand", "Ink")
SIZES = ("S", "M")
DESCRIPTION = (
    "<div>\n<p><strong>{title}</strong> is cut from organic cotton, washed twice for a soft "
    "hand, and finished with flat seams.</p>\n<ul>\n<li>Regular fit</li>\n<li>Machine wash "
    "30°C</li>\n</ul>\n<p>Made in Portugal.</p>\n</div>"
)


def _rows(total: int) -> Iterator[list[str]]:
    width = len(HEADER)
    column = {name: i for i, name in enumerate(HEADER)}
    written = 0
    n = 0
    while written < total:
        handle = f"{HANDLE_PREFIX}{n:06d}"
        title = f"Benchmark tee {n}"
        blank_skus = n % 10 == 9
        for v, (colour, size) in enumerate((c, s) for c in COLOURS for s in SIZES):
            row = [""] * width
            row[column["Handle"]] = handle
            if v == 0:
                row[column["Title"]] = title
                row[column["Body (HTML)"]] = DESCRIPTION.format(title=title)
                row[column["Vendor"]] = "Maison Bench"
                row[column["Type"]] = "T-shirt"
                row[column["Tags"]] = "bench, cotton, summer"
                row[column["Published"]] = "true"
                row[column["Option1 Name"]] = "Color"
                row[column["Option2 Name"]] = "Size"
                row[column["Status"]] = "active"
                row[column["Image Src"]] = f"https://cdn.example.com/{handle}-1.jpg"
                row[column["Image Position"]] = "1"
            row[column["Option1 Value"]] = colour
            row[column["Option2 Value"]] = size
            row[column["Variant SKU"]] = "" if blank_skus else f"BENCH-{n:06d}-{v}"
            row[column["Variant Grams"]] = "180"
            row[column["Variant Inventory Tracker"]] = "shopify"
            row[column["Variant Inventory Qty"]] = str((n + v) % 40)
            row[column["Variant Inventory Policy"]] = "continue" if v == 3 else "deny"
            row[column["Variant Fulfillment Service"]] = "manual"
            row[column["Variant Price"]] = f"{19 + n % 30}.90"
            row[column["Variant Compare At Price"]] = "49.00" if n % 4 == 0 else ""
            row[column["Variant Requires Shipping"]] = "true"
            row[column["Variant Taxable"]] = "true"
            row[column["Variant Barcode"]] = f"00{n:08d}{v:03d}"
            row[column["Cost per item"]] = "7.50"
            row[column["Variant Weight Unit"]] = "g"
            yield row
            written += 1
            if written >= total:
                return
        if n % 5 == 0:
            row = [""] * width
            row[column["Handle"]] = handle
            row[column["Image Src"]] = f"https://cdn.example.com/{handle}-2.jpg"
            row[column["Image Position"]] = "2"
            yield row
            written += 1
        n += 1


def write_product_csv(path: Path, rows: int) -> Path:
    """Write a product export of `rows` data rows to `path`, streamed."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(_rows(rows))
    return path


def sample_bytes(rows: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(_rows(rows))
    return buffer.getvalue().encode()


def delete_benchmark_catalog() -> int:
    """Remove what a benchmark imported, without a signal (and a query) per row."""
    products = Product.objects.filter(handle__startswith=HANDLE_PREFIX)
    skus = SKU.objects.filter(product__in=products)
    count = products.count()
    skus._raw_delete(skus.db)
    products._raw_delete(products.db)
    return count

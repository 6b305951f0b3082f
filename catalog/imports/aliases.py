"""Header names to our field names: the alias tables of every CSV we read.

Shopify runs two header dialects at once ("Variant Price" and "Price") and stores add columns
of their own, so columns are found by name, never by position; unknown columns are ignored.
Names compare case-insensitively with runs of whitespace collapsed (see common.csvimport.columns).
"""

from __future__ import annotations

SHOPIFY_PRODUCT_COLUMNS: dict[str, tuple[str, ...]] = {
    "handle": ("Handle", "URL handle"),
    "title": ("Title",),
    "description": ("Body (HTML)", "Description", "Body HTML"),
    "vendor": ("Vendor",),
    "category": ("Product Category",),
    "product_type": ("Type", "Product type"),
    "tags": ("Tags",),
    "published": ("Published", "Published on online store"),
    "status": ("Status",),
    "option1_name": ("Option1 Name",),
    "option1": ("Option1 Value",),
    "option2_name": ("Option2 Name",),
    "option2": ("Option2 Value",),
    "option3_name": ("Option3 Name",),
    "option3": ("Option3 Value",),
    "code": ("Variant SKU", "SKU"),
    "barcode": ("Variant Barcode", "Barcode"),
    "price": ("Variant Price", "Price"),
    "compare_at_price": ("Variant Compare At Price", "Compare-at price", "Compare At Price"),
    "unit_cost": ("Cost per item",),
    "inventory_policy": ("Variant Inventory Policy", "Continue selling when out of stock"),
    # Checked for the report (a warning when wrong), not stored.
    "weight": ("Variant Grams", "Weight value (grams)"),
    "image": ("Image Src", "Product image URL"),
    "variant_image": ("Variant Image", "Variant image URL"),
}

SHOPIFY_INVENTORY_COLUMNS: dict[str, tuple[str, ...]] = {
    "handle": ("Handle", "URL handle"),
    "title": ("Title",),
    "option1_name": ("Option1 Name",),
    "option1": ("Option1 Value",),
    "option2_name": ("Option2 Name",),
    "option2": ("Option2 Value",),
    "option3_name": ("Option3 Name",),
    "option3": ("Option3 Value",),
    "code": ("SKU", "Variant SKU"),
    "hs_code": ("HS Code",),
    "coo": ("COO", "Country of origin"),
    "location": ("Location",),
    "bin": ("Bin name",),
    "incoming": ("Incoming", "Incoming (not editable)"),
    "unavailable": ("Unavailable", "Unavailable (not editable)"),
    "committed": ("Committed", "Committed (not editable)"),
    "available": ("Available", "Available (not editable)"),
    "on_hand": ("On hand", "On hand (current)"),
    "on_hand_new": ("On hand (new)",),
}

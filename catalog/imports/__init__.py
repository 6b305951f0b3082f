"""Shopify CSV imports of the catalog: products and SKUs, stock levels per location.

`run_import(ProductImporter, file)` / `run_import(InventoryImporter, file)` stream a file in
chunks with set-based writes; see runner.py for dry runs and --atomic, csvfile.py for what
makes a file unreadable, aliases.py for the header names each importer accepts.
"""

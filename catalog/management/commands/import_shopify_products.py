from catalog.imports.command import ImportCommand
from catalog.imports.products import ProductImporter


class Command(ImportCommand):
    help = "Import a Shopify product CSV export (either header dialect) into products and SKUs."
    importer = ProductImporter

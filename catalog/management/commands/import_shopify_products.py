from catalog.imports.products import ProductImporter
from common.csvimport.command import ImportCommand


class Command(ImportCommand):
    help = "Import a Shopify product CSV export (either header dialect) into products and SKUs."
    importer = ProductImporter

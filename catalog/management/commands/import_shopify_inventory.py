from catalog.imports.command import ImportCommand
from catalog.imports.inventory import InventoryImporter


class Command(ImportCommand):
    help = "Import a Shopify inventory CSV export (long or wide layout) into stock levels."
    importer = InventoryImporter

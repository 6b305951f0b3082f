from catalog.imports.inventory import InventoryImporter
from common.csvimport.command import ImportCommand


class Command(ImportCommand):
    help = "Import a Shopify inventory CSV export (long or wide layout) into stock levels."
    importer = InventoryImporter

from django.core.management.base import CommandParser

from common.csvimport.command import ImportCommand
from insights.imports import INSIGHTS_IMPORTERS


class Command(ImportCommand):
    help = (
        "Import orders, channel metrics or survey answers from CSV "
        "(layouts in insights/imports.py): import_insights {orders,metrics,survey} FILE."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(INSIGHTS_IMPORTERS))
        super().add_arguments(parser)

    def handle(self, *args, **options) -> None:
        importer = INSIGHTS_IMPORTERS[options["kind"]]
        self.run(importer, options["file"], options["dry_run"], options["atomic"])

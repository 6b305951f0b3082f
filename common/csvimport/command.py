"""The shared shape of the import management commands: FILE [--dry-run] [--atomic]."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from common.csvimport.result import ImportResult
from common.csvimport.runner import Importer, run_import

# Exit codes: 1 the file could not be imported at all, 2 some rows were refused.
EXIT_UNREADABLE = 1
EXIT_REFUSED = 2
# Errors printed in full on the terminal; the rest are counted.
PRINTED_ERRORS = 200


class ImportCommand(BaseCommand):
    importer: type[Importer]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path of the CSV file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )
        parser.add_argument(
            "--atomic",
            action="store_true",
            help="All or nothing: if any row is refused, write nothing.",
        )

    def handle(self, *args, **options) -> None:
        self.run(self.importer, options["file"], options["dry_run"], options["atomic"])

    def run(self, importer: type[Importer], path: str, dry_run: bool, atomic: bool) -> None:
        try:
            with open(path, "rb") as binary:
                result = run_import(importer, binary, dry_run=dry_run, atomic=atomic)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.", returncode=1) from None
        self.report(result, dry_run=dry_run)

    def report(self, result: ImportResult, *, dry_run: bool) -> None:
        for notice in result.notices:
            self.stderr.write(self.style.WARNING(f"Notice: {notice}"))
        for error in result.errors[:PRINTED_ERRORS]:
            column = f", {error.column}" if error.column else ""
            self.stderr.write(f"Line {error.line}{column}: {error.message}")
        if result.errors_total > PRINTED_ERRORS:
            self.stderr.write(f"... and {result.errors_total - PRINTED_ERRORS} more errors.")
        for warning in result.warnings[:PRINTED_ERRORS]:
            column = f", {warning.column}" if warning.column else ""
            self.stderr.write(
                self.style.WARNING(f"Warning, line {warning.line}{column}: {warning.message}")
            )
        if result.warnings_total > PRINTED_ERRORS:
            self.stderr.write(f"... and {result.warnings_total - PRINTED_ERRORS} more warnings.")
        if result.fatal:
            raise CommandError(result.fatal, returncode=EXIT_UNREADABLE)
        prefix = "Dry run, nothing written: " if dry_run else ""
        self.stdout.write(prefix + result.summary())
        if result.refused:
            raise CommandError(
                f"{result.refused} rows refused"
                + (
                    "; nothing was written (--atomic)."
                    if result.rolled_back and not dry_run
                    else "."
                ),
                returncode=EXIT_REFUSED,
            )

"""Precision and recall of the claims reader over a corpus of captions, by claim kind."""

from __future__ import annotations

from importlib import import_module

from django.core.management.base import BaseCommand, CommandParser

from campaigns.claims_score import report, score


class Command(BaseCommand):
    help = "Print the claims reader's precision and recall over a corpus, by claim kind."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--corpus",
            default="tests.campaigns.claims_corpus",
            help="Module with a CORPUS list of campaigns.claims_score.Case.",
        )
        parser.add_argument(
            "--reader",
            default="campaigns.claims",
            help="Module whose extract_claims is measured (to compare with another version).",
        )
        parser.add_argument("--misses", action="store_true", help="List the cases it gets wrong.")

    def handle(self, *args, corpus: str, reader: str, misses: bool, **options) -> None:
        cases = import_module(corpus).CORPUS
        result = score(cases, import_module(reader).extract_claims)
        self.stdout.write(report(cases, result))
        if misses:
            for text, wanted, found in result.misses:
                self.stdout.write(f"\n{text!r}\n  expected {wanted}\n  found    {found}")

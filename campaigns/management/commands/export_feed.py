"""Write a channel's catalog feed to a file or stdout, optionally failing on problems."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from campaigns.feeds.formats import FORMATS
from campaigns.feeds.items import feed_items
from campaigns.feeds.validate import validate_row
from campaigns.feeds.writers import render_row, write_feed
from campaigns.models import Channel


class Command(BaseCommand):
    help = (
        "Export CHANNEL's (id or name) catalog feed in a network's format. Problems go to "
        "stderr; with --validate the command exits non-zero when there are any."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("channel", help="Channel id or name.")
        parser.add_argument("--format", dest="fmt", choices=sorted(FORMATS), default=None)
        parser.add_argument("--output", help="File to write (default: stdout).")
        parser.add_argument(
            "--validate", action="store_true", help="Exit with status 1 when items have problems."
        )

    def handle(self, *args, channel: str, fmt: str | None, output: str | None, **options):
        from campaigns.feeds.services import format_of

        found = Channel.objects.filter(name=channel).first()
        if found is None and channel.isdigit():
            found = Channel.objects.filter(pk=int(channel)).first()
        if found is None:
            raise CommandError(f"No channel with id or name {channel!r}.")
        feed_format = format_of(found, fmt)
        problems = []

        def checked_items():
            for item in feed_items(channel=found):
                problems.extend(validate_row(feed_format.spec, render_row(feed_format.spec, item)))
                yield item

        chunks = write_feed(feed_format, checked_items(), title=found.name)
        if output:
            with open(output, "w", encoding="utf-8", newline="") as file:
                file.writelines(chunks)
        else:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
        for problem in problems:
            self.stderr.write(f"{problem.item_id}\t{problem.field}\t{problem.message}")
        if problems:
            self.stderr.write(f"{len(problems)} problem(s) in the {feed_format.key} feed.")
        if options["validate"] and problems:
            sys.exit(1)

from django.core.management.base import BaseCommand, CommandError

from catalog.webhooks import benchmark


class Command(BaseCommand):
    help = (
        "Time the Shopify webhook endpoint (verification, inbox insert, enqueue) over signed "
        "posts through the test client, and print p50/p95. Removes the deliveries it stored."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--posts", type=int, default=1000)

    def handle(self, *args, posts: int, **options) -> None:
        if posts < 1:
            raise CommandError("--posts must be at least 1")
        figures = benchmark.measure(posts)
        self.stdout.write(
            f"webhook endpoint over {figures['posts']:,} posts: p50 {figures['p50_ms']} ms, "
            f"p95 {figures['p95_ms']} ms, max {figures['max_ms']} ms"
        )

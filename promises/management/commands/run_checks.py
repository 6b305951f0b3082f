from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from promises.checks.engine import run_checks
from promises.choices import CheckTrigger
from promises.models import Conflict


class Command(BaseCommand):
    help = (
        "Run the promise checks now and print a summary: the given campaigns, the ones due "
        "(changed or made due by time, as the periodic sweep does), or with --full all of "
        "them. With Redis the batches go to the Celery workers and the command waits."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--campaign",
            type=int,
            action="append",
            dest="campaigns",
            metavar="ID",
            help="Check only this campaign (repeatable).",
        )
        parser.add_argument(
            "--due",
            action="store_true",
            help="Only the campaigns changed since their last check or made due by time.",
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="Every campaign (the default without --campaign or --due).",
        )

    def handle(
        self, *args, campaigns: list[int] | None = None, due: bool, full: bool, **options
    ) -> None:
        if sum((bool(campaigns), due, full)) > 1:
            raise CommandError("Pass one of --campaign, --due and --full.")
        if campaigns:
            missing = set(campaigns) - set(
                Campaign.objects.filter(pk__in=campaigns).values_list("pk", flat=True)
            )
            if missing:
                raise CommandError(f"No campaign with id {', '.join(map(str, sorted(missing)))}")
        result = run_checks(campaigns, trigger=CheckTrigger.MANUAL, due_only=due)
        run = result.run
        self.stdout.write(
            f"Checked {run.campaigns_checked} campaigns ({run.items_checked} items) in "
            f"{run.duration_ms} ms: {run.opened} opened, {run.reopened} reopened, "
            f"{run.resolved} resolved, {run.errors} errors."
        )
        standing = Conflict.objects.standing()
        if campaigns:
            standing = standing.filter(campaign_id__in=campaigns)
        counts = Counter(standing.values_list("rule_code", "severity"))
        if counts:
            self.stdout.write("\nStanding conflicts by rule and severity:")
            width = max(len(code) for code, _ in counts)
            for (code, severity), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
                self.stdout.write(f"  {code:<{width}}  {severity:<8} {n:>6}")
        for error in run.error_details:
            self.stderr.write(f"error: {error}")

"""What the promises app announces to the apps above it (notifications, enforcement)."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

from promises.choices import ConflictEventKind

conflicts_changed = Signal()
"""A check run changed conflicts; sent once per run, after its writes committed.

kwargs: `run_id` - the CheckRun; `opened`, `reopened`, `resolved` - conflict ids, each from
the run's own history rows (a reopened conflict is news again; a resolved one may end what
its opening started, such as a paused ad). Escalation of overdue conflicts is not a run's
doing: time does it, and the notifications app looks for it on its own schedule.
"""

conflicts_waived = Signal()
"""People waived standing conflicts; sent after the waiver committed.

kwargs: `conflict_ids`. A waived blocker no longer stands, so what its opening started (a
paused ad) may end, as for a resolved one.
"""

# History kinds that count as each announcement (a lapsed waiver opens a conflict again).
ANNOUNCED = {
    ConflictEventKind.OPENED: "opened",
    ConflictEventKind.REOPENED: "reopened",
    ConflictEventKind.WAIVER_LAPSED: "reopened",
    ConflictEventKind.RESOLVED: "resolved",
}


def announce_run(run) -> None:
    """Send `conflicts_changed` for `run` once the current transaction commits, if it opened,
    reopened or resolved anything (its history rows say which conflicts)."""
    if not (run.opened or run.reopened or run.resolved) or not conflicts_changed.receivers:
        return

    def send() -> None:
        from promises.models import ConflictEvent

        changes: dict[str, list[int]] = {"opened": [], "reopened": [], "resolved": []}
        rows = ConflictEvent.objects.filter(check_run_id=run.pk, kind__in=list(ANNOUNCED))
        for conflict_id, kind in rows.order_by("pk").values_list("conflict_id", "kind"):
            changes[ANNOUNCED[kind]].append(conflict_id)
        conflicts_changed.send(sender=type(run), run_id=run.pk, **changes)

    transaction.on_commit(send)

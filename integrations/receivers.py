"""Listening to the promises app: check runs that changed conflicts, waivers."""

from __future__ import annotations

import logging

from common.enqueue import enqueue
from promises.signals import conflicts_changed, conflicts_waived

logger = logging.getLogger(__name__)


def _enqueue(run_id: int | None, opened: list[int], ended: list[int]) -> None:
    from integrations import enforcement
    from integrations.tasks import enforce_conflicts_task

    if not (opened or ended) or not enforcement.is_enforcing():
        return
    # Never raises: a broker outage must not fail the run that already committed.
    if not enqueue(enforce_conflicts_task, run_id, opened, ended):
        logger.warning("Enforcement of check run %s not enqueued", run_id)


def _conflicts_changed(sender, run_id: int, opened=(), reopened=(), resolved=(), **kwargs) -> None:
    # Sent after the run committed, so the task never runs inside the sweep's transaction.
    _enqueue(run_id, [*opened, *reopened], list(resolved))


def _conflicts_waived(sender, conflict_ids=(), **kwargs) -> None:
    _enqueue(None, [], list(conflict_ids))


def connect() -> None:
    conflicts_changed.connect(_conflicts_changed, dispatch_uid="integrations.enforcement")
    conflicts_waived.connect(_conflicts_waived, dispatch_uid="integrations.enforcement.waived")

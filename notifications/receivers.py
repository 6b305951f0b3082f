"""Listening to the apps below: runs that changed conflicts, failing connections, new roles."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed

from common.enqueue import enqueue
from integrations.signals import connection_failed, enforcement_refused
from promises.signals import conflicts_changed

logger = logging.getLogger(__name__)


def _conflicts_changed(sender, run_id: int, opened=(), reopened=(), **kwargs) -> None:
    # Sent after the run committed: enqueue at once. Resolutions tell nobody (yet): they
    # are for enforcement to turn paused ads back on.
    ids = [*opened, *reopened]
    if ids:
        from notifications.tasks import notify_conflicts_task

        # Never fails the run; a lost announcement is made up by announce_missed_runs.
        if not enqueue(notify_conflicts_task, run_id, ids):
            logger.warning("Changes of check run %s not notified yet; the catch-up will", run_id)


def _connection_failed(sender, sync_run_id: int, first_failure: bool = True, **kwargs) -> None:
    if first_failure:  # a connection failing every sync is news once, until it recovers
        from notifications.tasks import notify_connection_failure_task

        if not enqueue(notify_connection_failure_task, sync_run_id):  # never fails the sync
            logger.warning("The failure of sync run %s was not notified", sync_run_id)


def _enforcement_refused(sender, action_id: int, **kwargs) -> None:
    from notifications.tasks import notify_enforcement_refused_task

    if not enqueue(notify_enforcement_refused_task, action_id):  # never fails the enforcement
        logger.warning("The refusal of enforcement action %s was not notified", action_id)


def _roles_changed(sender, instance, action: str, reverse: bool, **kwargs) -> None:
    if action != "post_add":
        return
    from notifications.services import ensure_default_subscriptions

    users = [instance] if not reverse else get_user_model().objects.filter(pk__in=kwargs["pk_set"])
    for user in users:
        ensure_default_subscriptions(user)


def connect() -> None:
    conflicts_changed.connect(_conflicts_changed, dispatch_uid="notifications.conflicts")
    connection_failed.connect(_connection_failed, dispatch_uid="notifications.connections")
    enforcement_refused.connect(_enforcement_refused, dispatch_uid="notifications.enforcement")
    m2m_changed.connect(
        _roles_changed,
        sender=get_user_model().groups.through,
        dispatch_uid="notifications.roles",
    )

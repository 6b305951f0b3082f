"""Writes on connections: add, test, pause, resume, remove, and the sync itself.

The page, the API and the Celery tasks call these, so a sync runs the same way whichever
door started it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from common.enqueue import enqueue
from common.texts import Said, parts_of, said_by, say
from integrations.choices import ConnectionKind, ConnectionStatus, SyncRunStatus
from integrations.clients.http import IntegrationError, ReconnectNeeded
from integrations.clients.meta import MetaClient
from integrations.clients.pinterest import PinterestClient
from integrations.clients.shopify import ShopifyClient
from integrations.clients.tiktok import TikTokClient
from integrations.crypto import CredentialsUnreadable
from integrations.models import Connection, SyncIssue, SyncRun
from integrations.signals import connection_failed
from integrations.sync.base import Tally
from integrations.sync.meta import sync_meta
from integrations.sync.pinterest import sync_pinterest
from integrations.sync.shopify import sync_shopify
from integrations.sync.tiktok import sync_tiktok

logger = logging.getLogger(__name__)

SYNCS: dict[str, Callable[[Connection, Tally], object]] = {
    ConnectionKind.SHOPIFY: sync_shopify,
    ConnectionKind.META: sync_meta,
    ConnectionKind.TIKTOK: sync_tiktok,
    ConnectionKind.PINTEREST: sync_pinterest,
}


def add_connection(
    *, kind: str, name: str, account_id: str, token: str, scopes: str = "", channel=None, user=None
) -> Connection:
    """Save a new connection with its token encrypted; its first sync is due at once."""
    connection = Connection(
        kind=kind,
        name=name,
        account_id=account_id.strip(),
        scopes=scopes,
        channel=channel,
        created_by=user,
        next_sync_at=timezone.now(),
    )
    connection.set_credentials(token)
    connection.save()
    return connection


def replace_credentials(connection: Connection, token: str) -> Connection:
    """A new token (after "reconnect needed"): the connection is active again."""
    connection.set_credentials(token)
    connection.status = ConnectionStatus.ACTIVE
    connection.last_error = ""
    connection.last_error_parts = {}
    connection.next_sync_at = timezone.now()
    connection.save()
    return connection


CONNECTED = gettext_noop("Connected to %(name)s (%(currency)s).")


def test_connection(connection: Connection) -> Said | str:
    """One cheap request with the saved token; the answer in plain words."""
    try:
        if connection.kind == ConnectionKind.SHOPIFY:
            shop = ShopifyClient(connection.account_id, connection.credentials()).shop()
            verdict = say(CONNECTED, name=shop.get("name"), currency=shop.get("currencyCode"))
        elif connection.kind == ConnectionKind.META:
            account = MetaClient(connection.account_id, connection.credentials()).account_info()
            verdict = say(CONNECTED, name=account.get("name"), currency=account.get("currency"))
        elif connection.kind == ConnectionKind.TIKTOK:
            info = TikTokClient(connection.account_id, connection.credentials()).advertiser_info()
            verdict = say(CONNECTED, name=info.get("name"), currency=info.get("currency"))
        elif connection.kind == ConnectionKind.PINTEREST:
            client = PinterestClient(connection.account_id, connection.credentials())
            account = client.account_info()
            verdict = say(CONNECTED, name=account.get("name"), currency=account.get("currency"))
        else:
            return say(
                gettext_noop("%(kind)s connections cannot be tested yet."),
                kind=connection.get_kind_display(),
            )
    except ReconnectNeeded as error:
        _set_status(connection, ConnectionStatus.RECONNECT_NEEDED, said_by(error))
        return said_by(error)
    except (IntegrationError, CredentialsUnreadable) as error:
        return said_by(error)
    if connection.status == ConnectionStatus.RECONNECT_NEEDED:
        _set_status(connection, ConnectionStatus.ACTIVE, "")
    return verdict


def _set_status(connection: Connection, status: str, error: Said | str | None = None) -> None:
    connection.status = status
    fields = ["status", "updated_at"]
    if error is not None:
        connection.last_error = str(error)
        connection.last_error_parts = parts_of(error)
        fields += ["last_error", "last_error_parts"]
    connection.save(update_fields=fields)


def pause_connection(connection: Connection) -> None:
    _set_status(connection, ConnectionStatus.PAUSED)


def resume_connection(connection: Connection) -> None:
    connection.next_sync_at = timezone.now()
    connection.status = ConnectionStatus.ACTIVE
    connection.save(update_fields=["status", "next_sync_at", "updated_at"])


def remove_connection(connection: Connection) -> None:
    """Forget the connection, its token, runs and external ids; synced rows stay."""
    connection.delete()


def sync_connection(connection_id: int) -> SyncRun:
    """Read the connection's platform and apply it, recording one SyncRun."""
    connection = Connection.objects.select_related("channel").get(pk=connection_id)
    started = timezone.now()
    run = SyncRun.objects.create(connection=connection, started_at=started)
    tally = Tally(run)
    status, connection_status = SyncRunStatus.SUCCEEDED, ConnectionStatus.ACTIVE
    error: Said | str = ""
    try:
        sync = SYNCS.get(connection.kind)
        if sync is None:
            raise IntegrationError(
                say(
                    gettext_noop("%(kind)s cannot be synced yet."),
                    kind=connection.get_kind_display(),
                )
            )
        sync(connection, tally)
    except ReconnectNeeded as failure:
        status, error = SyncRunStatus.FAILED, said_by(failure)
        connection_status = ConnectionStatus.RECONNECT_NEEDED
    except CredentialsUnreadable as failure:
        status, error = SyncRunStatus.FAILED, said_by(failure)
        connection_status = ConnectionStatus.RECONNECT_NEEDED
    except IntegrationError as failure:
        status, error = SyncRunStatus.FAILED, said_by(failure)
        connection_status = ConnectionStatus.FAILING
    except Exception as failure:  # a bug: recorded for the page, then raised for the logs
        _finish(
            connection,
            run,
            tally,
            SyncRunStatus.FAILED,
            say(
                gettext_noop(
                    "An unexpected error stopped the sync (%(error)s); it is in the server log."
                ),
                error=type(failure).__name__,
            ),
            ConnectionStatus.FAILING,
        )
        raise
    if status == SyncRunStatus.SUCCEEDED and tally.errors:
        status = SyncRunStatus.PARTIAL
    if connection.status == ConnectionStatus.PAUSED:
        connection_status = ConnectionStatus.PAUSED  # paused while it ran: stays paused
    _finish(connection, run, tally, status, error, connection_status)
    if status == SyncRunStatus.FAILED:
        _announce_failure(run, str(error), connection_status)
    logger.info(
        "Synced connection %s: %s created, %s updated, %s unchanged, %s errors, %s requests",
        connection.pk,
        run.created,
        run.updated,
        run.unchanged,
        run.errors,
        run.requests,
    )
    return run


def _announce_failure(run: SyncRun, error: str, connection_status: str) -> None:
    previous = (
        SyncRun.objects.filter(connection_id=run.connection_id, started_at__lte=run.started_at)
        .exclude(pk=run.pk)
        .order_by("-started_at", "-pk")
        .values_list("status", flat=True)
        .first()
    )
    transaction.on_commit(
        lambda: connection_failed.send(
            sender=SyncRun,
            connection_id=run.connection_id,
            sync_run_id=run.pk,
            error=error,
            status=connection_status,
            first_failure=previous != SyncRunStatus.FAILED,
        )
    )


def _finish(
    connection: Connection,
    run: SyncRun,
    tally: Tally,
    status: str,
    error: Said | str,
    connection_status: str,
) -> None:
    now = timezone.now()
    run.status = status
    run.error = str(error)
    run.error_parts = parts_of(error)
    run.finished_at = now
    run.created, run.updated, run.unchanged, run.errors = (
        tally.created,
        tally.updated,
        tally.unchanged,
        tally.errors,
    )
    run.requests = getattr(tally.client, "requests_made", 0)
    run.save()
    SyncIssue.objects.bulk_create(tally.issues)
    current = Connection.objects.filter(pk=connection.pk).values_list("status", flat=True).first()
    if current == ConnectionStatus.PAUSED:
        connection_status = ConnectionStatus.PAUSED
    Connection.objects.filter(pk=connection.pk).update(
        status=connection_status,
        last_sync_at=now,
        last_error=str(error),
        last_error_parts=parts_of(error),
        next_sync_at=now + _interval(),
        updated_at=now,
    )


def _interval() -> timedelta:
    return timedelta(minutes=settings.INTEGRATIONS_SYNC_MINUTES)


def due_connections(now: datetime) -> QuerySet[Connection]:
    return Connection.objects.filter(
        status__in=ConnectionStatus.syncable(), kind__in=ConnectionKind.supported()
    ).filter(Q(next_sync_at__isnull=True) | Q(next_sync_at__lte=now))


def enqueue_due_syncs(now: datetime | None = None) -> int:
    """Enqueue a sync of every due connection, claiming each so the next beat does not
    enqueue it again while it waits for a worker."""
    from integrations.tasks import sync_connection_task

    now = now or timezone.now()
    claimed = []
    for pk, due in due_connections(now).values_list("pk", "next_sync_at"):
        # The update succeeds for one caller only, even with two beats.
        if Connection.objects.filter(pk=pk, next_sync_at=due).update(
            next_sync_at=now + _interval()
        ):
            claimed.append(pk)
    for pk in claimed:
        transaction.on_commit(lambda pk=pk: enqueue(sync_connection_task, pk))
    return len(claimed)


def request_sync(connection: Connection) -> None:
    """ "Sync now": enqueue one sync after the current transaction commits."""
    from integrations.tasks import sync_connection_task

    transaction.on_commit(lambda: enqueue(sync_connection_task, connection.pk))

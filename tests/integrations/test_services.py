from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations import crypto, services
from integrations.choices import ConnectionKind, ConnectionStatus
from integrations.models import SyncRun

pytestmark = pytest.mark.django_db


def test_due_connections_are_enqueued_once(store, shopify, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.enqueue_due_syncs() == 1
    assert SyncRun.objects.filter(connection=store).count() == 1
    # Synced: due again only after INTEGRATIONS_SYNC_MINUTES.
    assert services.enqueue_due_syncs() == 0
    store.refresh_from_db()
    assert services.enqueue_due_syncs(store.next_sync_at + timedelta(seconds=1)) == 1


def test_paused_and_disconnected_connections_are_not_due(db):
    paused = services.add_connection(
        kind=ConnectionKind.SHOPIFY, name="P", account_id="p.myshopify.com", token="t"
    )
    services.pause_connection(paused)
    disconnected = services.add_connection(
        kind=ConnectionKind.TIKTOK, name="T", account_id="7001", token="t"
    )
    disconnected.status = ConnectionStatus.RECONNECT_NEEDED
    disconnected.save()

    assert services.enqueue_due_syncs(timezone.now() + timedelta(days=1)) == 0


def test_credentials_need_the_key_they_were_saved_with(db, settings):
    connection = services.add_connection(
        kind=ConnectionKind.SHOPIFY, name="S", account_id="s.myshopify.com", token="shpat_1"
    )
    settings.INTEGRATIONS_KEYS = ["J8wnDLbVk4xXm3CUnRkcvv0m9ZlKvgrH3UwLYaiY5ak="]

    with pytest.raises(crypto.CredentialsUnreadable):
        connection.credentials()
    run = services.sync_connection(connection.pk)
    connection.refresh_from_db()
    assert run.status == "failed" and connection.status == "reconnect_needed"


def test_a_rotated_key_still_reads_old_credentials(db, settings):
    connection = services.add_connection(
        kind=ConnectionKind.SHOPIFY, name="S", account_id="s.myshopify.com", token="shpat_1"
    )
    old = settings.INTEGRATIONS_KEYS[0]
    settings.INTEGRATIONS_KEYS = ["J8wnDLbVk4xXm3CUnRkcvv0m9ZlKvgrH3UwLYaiY5ak=", old]

    assert connection.credentials() == "shpat_1"
    assert "shpat_1" not in repr(connection)

"""The issue's "done when", end to end: a stock change sells out a live synced campaign's SKU;
within the same re-check the subscribed ops user gets one email and one chat message naming
the campaign, the SKU and the spend at risk, and with enforcement on "pause" the local Meta
server receives the pause; restocking resolves the conflict and the ad is turned back on; a
second sweep sends and pauses nothing new."""

from __future__ import annotations

import json

import pytest
from django.core import mail

from integrations import enforcement
from integrations.choices import ConnectionKind, EnforcementMode
from notifications.models import Delivery
from promises.checks.engine import run_checks
from promises.models import CheckRun, Conflict
from tests.integrations.fakes import META_TOKEN
from tests.integrations.test_enforcement import META_AD, synced
from tests.notifications.conftest import chat, live, ops  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def chat_messages(httpserver) -> list[dict]:
    return [json.loads(r.data) for r, _ in httpserver.log if r.path == "/hook"]


def test_a_sold_out_synced_ad_tells_ops_once_and_is_paused_then_turned_back_on(
    live,  # noqa: F811 (the fixtures imported above)
    ops,  # noqa: F811
    chat,  # noqa: F811
    meta,
    httpserver,
    commit,
    settings,
    admin_user,
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    synced(live, ConnectionKind.META, "act_1234567890", META_TOKEN, META_AD)
    enforcement.set_policy(
        live.channel,
        admin_user,
        mode=EnforcementMode.PAUSE,
        dry_run=False,
        cooldown_minutes=30,
        max_pauses_per_hour=20,
    )
    with commit():
        run_checks(None)
    assert not Conflict.objects.blockers().exists() and meta.writes == []

    with commit():
        live.stock.available = live.stock.on_hand = 0
        live.stock.save()

    conflict = Conflict.objects.get(rule_code="STOCK_OUT")
    # One re-check did all of it.
    assert CheckRun.objects.filter(opened__gt=0).count() == 1
    assert len(mail.outbox) == 1
    for text in ("Spring glow", "SERUM-30", "Spend at risk"):
        assert text in mail.outbox[0].body
    messages = chat_messages(httpserver)
    assert len(messages) == 1 and "SERUM-30" in messages[0]["message"]
    assert [(w["ad"], w["status"]) for w in meta.writes] == [(META_AD, "PAUSED")]
    assert meta.ads[0]["status"] == "PAUSED"

    with commit():
        live.stock.available = live.stock.on_hand = 100
        live.stock.save()
    conflict.refresh_from_db()
    assert conflict.state == "resolved"
    assert [w["status"] for w in meta.writes] == ["PAUSED", "ACTIVE"]
    assert meta.ads[0]["status"] == "ACTIVE"

    with commit():
        run_checks(None)
    assert len(mail.outbox) == 1 and len(chat_messages(httpserver)) == 1
    assert Delivery.objects.count() == 2
    assert len(meta.writes) == 2

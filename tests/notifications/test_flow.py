"""The issue's "done when": a stock change sells out a live campaign's SKU; the subscribed
ops user gets one email and one chat message naming the campaign, the SKU and the spend at
risk; restocking resolves the conflict; a second sweep sends nothing new."""

import json

import pytest
from django.core import mail
from django.db import transaction

from notifications.choices import DeliveryStatus
from notifications.models import Delivery, Notification
from promises import triggers
from promises.checks.engine import run_checks
from promises.models import Conflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    from contextlib import contextmanager

    @contextmanager
    def block():
        connection = transaction.get_connection()
        connection.run_on_commit = [
            e for e in connection.run_on_commit if not isinstance(e[1], triggers._Recheck)
        ]
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks

    return block


def chat_messages(httpserver) -> list[dict]:
    return [json.loads(request.data) for request, _ in httpserver.log]


def test_a_sold_out_live_campaign_tells_ops_once_by_email_and_chat(
    live, ops, chat, httpserver, commit, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with commit():
        run_checks(None)  # the store as it is: nothing worth a blocker
    assert not Conflict.objects.blockers().exists()
    assert mail.outbox == [] and chat_messages(httpserver) == []

    with commit():
        live.stock.available = live.stock.on_hand = 0
        live.stock.save()

    conflict = Conflict.objects.get(rule_code="STOCK_OUT")
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["olivia@example.com"]
    # The stock ran out just now, so nothing spent yet; the message carries the running
    # total and what each day it stands costs (80 a day of the last days' metrics), as money
    # reads everywhere (common.formatting).
    for text in ("Spring glow", "SERUM-30", "Spend at risk: €0.00 so far", "€80.00 a day"):
        assert text in email.body
    assert "/notifications/unsubscribe/" in email.body
    assert email.extra_headers["List-Unsubscribe"].startswith("<http")
    messages = chat_messages(httpserver)
    assert len(messages) == 1
    assert "Spring glow" in messages[0]["message"] and "SERUM-30" in messages[0]["message"]
    assert "Spend at risk" in messages[0]["message"]
    assert "campaign blocked" in messages[0]["title"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    # One message per recipient: the new blocker and the campaign it blocked, together.
    assert Notification.objects.filter(conflict=conflict).count() == 4

    with commit():
        live.stock.available = live.stock.on_hand = 100
        live.stock.save()
    conflict.refresh_from_db()
    assert conflict.state == "resolved"

    with commit():
        run_checks(None)
    assert len(mail.outbox) == 1
    assert len(chat_messages(httpserver)) == 1
    assert Delivery.objects.count() == 2

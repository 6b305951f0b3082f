"""Sending one delivery: email (Django's mail backend), chat (apprise), signed webhook.

Each sender raises DeliveryFailed with the reason in plain words; the task records it and
retries. No sender decides who gets what: `notifications.services` does.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time

import apprise
import requests
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from common.texts import say
from notifications.choices import DestinationKind

# Seconds a chat or webhook endpoint gets to answer: a slow one must not hold a worker.
SEND_TIMEOUT = 10
SIGNATURE_HEADER = "X-SocialOps-Signature"
TIMESTAMP_HEADER = "X-SocialOps-Timestamp"
DELIVERY_HEADER = "X-SocialOps-Delivery"


class DeliveryFailed(Exception):
    """The destination refused or could not be reached; the message says why."""


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The webhook signature: hex HMAC-SHA256 of "<timestamp>.<body>" with the secret."""
    message = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def send(delivery, *, unsubscribe_url: str = "") -> None:
    subscription = delivery.subscription
    if subscription.destination == DestinationKind.EMAIL:
        _email(delivery, unsubscribe_url)
    elif subscription.destination == DestinationKind.CHAT:
        _chat(delivery)
    elif subscription.destination == DestinationKind.WEBHOOK:
        _webhook(delivery)
    else:
        raise DeliveryFailed(
            say(
                gettext_noop("Unknown destination %(destination)s."),
                destination=repr(subscription.destination),
            )
        )


def _email(delivery, unsubscribe_url: str) -> None:
    subscription = delivery.subscription
    to = subscription.target or subscription.user.email
    if not to:
        raise DeliveryFailed(
            say(gettext_noop("%(user)s has no email address."), user=str(subscription.user))
        )
    body = delivery.body
    headers = {}
    if unsubscribe_url:
        # In the recipient's language: send_delivery activates it.
        body += "\n\n--\n" + _("Stop these emails: %(url)s") % {"url": unsubscribe_url} + "\n"
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message = EmailMessage(
        subject=delivery.subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
    )
    try:
        message.send()
    except Exception as error:  # SMTP and socket errors alike: the log shows the reason
        raise DeliveryFailed(
            say(gettext_noop("Email to %(to)s failed: %(error)s"), to=to, error=str(error))
        ) from error


def _chat(delivery) -> None:
    notifier = apprise.Apprise()
    if not notifier.add(delivery.subscription.target):
        raise DeliveryFailed(
            say(gettext_noop("The chat URL is not one apprise knows (see docs/notifications.md)."))
        )
    with apprise.LogCapture(level=logging.WARNING) as log:
        result = notifier.notify(title=delivery.subject, body=delivery.body)
    if not result:
        reason = " ".join(line.split(" - ", 2)[-1] for line in log.getvalue().splitlines())
        raise DeliveryFailed(
            reason.strip() or say(gettext_noop("The chat service refused the message."))
        )


def _webhook(delivery) -> None:
    subscription = delivery.subscription
    body = json.dumps(delivery.payload, sort_keys=True, default=str).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(subscription.secret, timestamp, body),
        DELIVERY_HEADER: str(delivery.pk),
    }
    try:
        response = requests.post(
            subscription.target, data=body, headers=headers, timeout=SEND_TIMEOUT
        )
    except requests.RequestException as error:
        raise DeliveryFailed(
            say(gettext_noop("The webhook could not be reached: %(error)s"), error=str(error))
        ) from error
    if not 200 <= response.status_code < 300:
        raise DeliveryFailed(
            say(
                gettext_noop("The webhook answered HTTP %(status)s."),
                status=response.status_code,
            )
        )

"""Who gets told what (subscriptions), what there was to tell (notifications), and each
message sent (deliveries, the delivery log)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_noop

from campaigns.models import Channel
from common.texts import localized
from integrations.models import SyncRun
from notifications.choices import (
    DeliveryStatus,
    DestinationKind,
    NotificationKind,
    SubscriptionScope,
)
from promises.choices import Severity
from promises.models import CheckRun, Conflict


def new_secret() -> str:
    return secrets.token_urlsafe(32)


# The name of the email subscription a role gives: stored in English (the API shows it), and
# said in the reader's language on the pages (Subscription.display_name).
DEFAULT_NAME = gettext_noop("%(role)s default (email)")


def default_subscription_name(role: str) -> str:
    return DEFAULT_NAME % {"role": role.capitalize()}


class Subscription(models.Model):
    """One destination of one user, and what it receives (kinds, severities, channels)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    name = models.CharField(max_length=120, blank=True)
    destination = models.CharField(max_length=16, choices=DestinationKind.choices)
    # Email: blank sends to the user's address. Chat: an apprise URL (slack://, msteams://,
    # gchat://, discord://, json://...). Webhook: the https URL that receives the JSON.
    target = models.CharField(max_length=1000, blank=True)
    secret = models.CharField(
        max_length=64, default=new_secret, editable=False, help_text="Signs webhook bodies."
    )
    kinds = models.JSONField(default=list, help_text="Notification kinds it receives.")
    severities = models.JSONField(default=list, help_text="Blank: every severity.")
    channels = models.ManyToManyField(
        Channel, blank=True, related_name="+", help_text="Blank: every channel."
    )
    scope = models.CharField(
        max_length=8, choices=SubscriptionScope.choices, default=SubscriptionScope.ALL
    )
    active = models.BooleanField(default=True)
    # The role whose default created it ("" for one the user added): a role given again does
    # not add its default twice.
    role_default = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role_default"],
                condition=~Q(role_default=""),
                name="subscription_one_default_per_role",
            ),
            models.CheckConstraint(
                condition=Q(destination__in=DestinationKind.values),
                name="subscription_destination_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.get_destination_display()} of {self.user}"

    @property
    def display_name(self) -> str:
        """The name a page shows, in the reader's language for what SocialOps named itself."""
        if self.role_default and self.name == default_subscription_name(self.role_default):
            return gettext(DEFAULT_NAME) % {"role": self.role_default.capitalize()}
        if self.name:
            return self.name
        return gettext("%(destination)s of %(user)s") % {
            "destination": self.get_destination_display(),
            "user": self.user,
        }

    @property
    def kind_labels(self) -> list[str]:
        """What it receives, as words (the stored codes that are still kinds)."""
        return [
            str(NotificationKind(k).label) for k in self.kinds or [] if k in NotificationKind.values
        ]

    @property
    def severity_labels(self) -> list[str]:
        return [str(Severity(s).label) for s in self.severities or [] if s in Severity.values]

    @property
    def address(self) -> str:
        """Where messages go, as a person may see it (chat and webhook URLs are secrets:
        only their scheme and host)."""
        if self.destination == DestinationKind.EMAIL:
            return self.target or self.user.email
        from urllib.parse import urlsplit

        parts = urlsplit(self.target)
        return f"{parts.scheme}://{parts.hostname or ''}/…"

    def wants(self, kind: str, severity: str | None = None) -> bool:
        if not self.active or kind not in (self.kinds or []):
            return False
        return severity is None or not self.severities or severity in self.severities


class Delivery(models.Model):
    """One message to one subscription: what it said, and whether it went out."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    payload = models.JSONField(default=dict, blank=True, help_text="The webhook's JSON.")
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, help_text="The last failure, in plain words.")
    # The failure as its English template and values (common.texts); {} for plain text.
    error_parts = models.JSONField(default=dict, blank=True, editable=False)
    check_run_id = models.BigIntegerField(null=True, blank=True)
    is_test = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["subscription", "-created_at"], name="delivery_log")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="delivery_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} -> {self.subscription_id} ({self.status})"

    @property
    def localized_error(self) -> str:
        """The last failure in the reader's language."""
        return localized(self.error_parts, self.error)


class Notification(models.Model):
    """One thing one subscription was told about, once: the dedup record.

    A conflict's event is told once per subscription, whatever retries or re-runs happen:
    the unique constraints refuse a second row, and the writer inserts with ON CONFLICT DO
    NOTHING. `occurrence` tells a conflict's reopenings apart (its reopened_count), and
    digests apart by day.
    """

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    conflict = models.ForeignKey(
        Conflict, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    sync_run = models.ForeignKey(
        SyncRun, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    occurrence = models.PositiveIntegerField(default=0)
    severity = models.CharField(max_length=16, choices=Severity.choices, blank=True)
    delivery = models.ForeignKey(
        Delivery, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "kind", "conflict", "occurrence"],
                condition=Q(conflict__isnull=False),
                name="notification_once_per_conflict_event",
            ),
            models.UniqueConstraint(
                fields=["subscription", "kind", "sync_run"],
                condition=Q(sync_run__isnull=False),
                name="notification_once_per_sync_run",
            ),
            models.UniqueConstraint(
                fields=["subscription", "kind", "occurrence"],
                condition=Q(conflict__isnull=True, sync_run__isnull=True),
                name="notification_once_per_digest_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.subscription_id}"


class RunAnnouncement(models.Model):
    """A check run whose changes notifications took in: the catch-up skips it.

    A run's announcement is a task sent after it committed; the broker being down loses it.
    A finished run with news and no row here is announced again by the catch-up.
    """

    check_run = models.OneToOneField(
        CheckRun, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    handled_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Run {self.check_run_id} announced at {self.handled_at:%Y-%m-%d %H:%M}"

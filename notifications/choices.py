from django.db import models
from django.utils.translation import gettext_lazy as _


class DestinationKind(models.TextChoices):
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Chat webhook (Slack, Teams, Google Chat, Discord...)")
    WEBHOOK = "webhook", _("Signed webhook")


class NotificationKind(models.TextChoices):
    NEW_CONFLICT = "new_conflict", _("New conflict (or reopened)")
    OVERDUE = "overdue", _("Conflict past its due time")
    CAMPAIGN_BLOCKED = "campaign_blocked", _("Scheduled or live campaign became blocked")
    CONNECTION_FAILED = "connection_failed", _("Connection failing")
    DIGEST = "digest", _("Daily digest")


class SubscriptionScope(models.TextChoices):
    """Whose campaigns a subscription follows."""

    MINE = "mine", _("My campaigns")
    ALL = "all", _("Every campaign (the queue)")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    RETRYING = "retrying", _("Failed, retrying")
    FAILED = "failed", _("Failed")

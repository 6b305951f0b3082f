from django.db import models


class DestinationKind(models.TextChoices):
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat webhook (Slack, Teams, Google Chat, Discord...)"
    WEBHOOK = "webhook", "Signed webhook"


class NotificationKind(models.TextChoices):
    NEW_CONFLICT = "new_conflict", "New conflict (or reopened)"
    OVERDUE = "overdue", "Conflict past its due time"
    CAMPAIGN_BLOCKED = "campaign_blocked", "Scheduled or live campaign became blocked"
    CONNECTION_FAILED = "connection_failed", "Connection failing"
    DIGEST = "digest", "Daily digest"


class SubscriptionScope(models.TextChoices):
    """Whose campaigns a subscription follows."""

    MINE = "mine", "My campaigns"
    ALL = "all", "Every campaign (the queue)"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    RETRYING = "retrying", "Failed, retrying"
    FAILED = "failed", "Failed"

from django.db import models


class ConnectionKind(models.TextChoices):
    SHOPIFY = "shopify", "Shopify store"
    META = "meta", "Meta ad account"
    TIKTOK = "tiktok", "TikTok advertiser"
    PINTEREST = "pinterest", "Pinterest ad account"

    @classmethod
    def supported(cls) -> list[str]:
        """Kinds with a client and a sync today."""
        return [cls.SHOPIFY, cls.META, cls.TIKTOK, cls.PINTEREST]

    @classmethod
    def ad_kinds(cls) -> list[str]:
        """Kinds whose ads become campaigns, so they need a channel."""
        return [cls.META, cls.TIKTOK, cls.PINTEREST]


class ConnectionStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    FAILING = "failing", "Failing"
    RECONNECT_NEEDED = "reconnect_needed", "Reconnect needed"

    @classmethod
    def syncable(cls) -> list[str]:
        """Statuses the schedule syncs: a failing connection is retried, a paused or
        disconnected one is left alone until someone acts."""
        return [cls.ACTIVE, cls.FAILING]


class SyncRunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    PARTIAL = "partial", "Succeeded with errors"
    FAILED = "failed", "Failed"


class IssueKind(models.TextChoices):
    """What a sync could not apply and kept for the connection's page."""

    MALFORMED = "malformed", "Malformed item"
    UNMATCHED = "unmatched", "Unmatched product"
    UNKNOWN_FIELD = "unknown_field", "Unknown value"


class EnforcementMode(models.TextChoices):
    """What SocialOps does on a channel's ad platform when a blocker opens on a live ad."""

    OFF = "off", "Off (nothing, not even a note)"
    NOTIFY = "notify", "Notify only"
    PAUSE = "pause", "Pause the ad"


class EnforcementKind(models.TextChoices):
    PAUSE = "pause", "Pause"
    RESUME = "resume", "Turn back on"


class EnforcementOutcome(models.TextChoices):
    PENDING = "pending", "Pending"
    OK = "ok", "Done"
    REFUSED = "refused", "Refused by the platform"
    SKIPPED = "skipped", "Skipped"

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConnectionKind(models.TextChoices):
    SHOPIFY = "shopify", _("Shopify store")
    META = "meta", _("Meta ad account")
    TIKTOK = "tiktok", _("TikTok advertiser")
    PINTEREST = "pinterest", _("Pinterest ad account")

    @classmethod
    def supported(cls) -> list[str]:
        """Kinds with a client and a sync today."""
        return [cls.SHOPIFY, cls.META, cls.TIKTOK, cls.PINTEREST]

    @classmethod
    def ad_kinds(cls) -> list[str]:
        """Kinds whose ads become campaigns, so they need a channel."""
        return [cls.META, cls.TIKTOK, cls.PINTEREST]


class ConnectionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    FAILING = "failing", _("Failing")
    RECONNECT_NEEDED = "reconnect_needed", _("Reconnect needed")

    @classmethod
    def syncable(cls) -> list[str]:
        """Statuses the schedule syncs: a failing connection is retried, a paused or
        disconnected one is left alone until someone acts."""
        return [cls.ACTIVE, cls.FAILING]


class SyncRunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    PARTIAL = "partial", _("Succeeded with errors")
    FAILED = "failed", _("Failed")


class IssueKind(models.TextChoices):
    """What a sync could not apply and kept for the connection's page."""

    MALFORMED = "malformed", _("Malformed item")
    UNMATCHED = "unmatched", _("Unmatched product")
    UNKNOWN_FIELD = "unknown_field", _("Unknown value")


class EnforcementMode(models.TextChoices):
    """What SocialOps does on a channel's ad platform when a blocker opens on a live ad."""

    OFF = "off", _("Off (nothing, not even a note)")
    NOTIFY = "notify", _("Notify only")
    PAUSE = "pause", _("Pause the ad")


class EnforcementKind(models.TextChoices):
    PAUSE = "pause", _("Pause")
    RESUME = "resume", _("Turn back on")


class EnforcementOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    OK = "ok", _("Done")
    REFUSED = "refused", _("Refused by the platform")
    SKIPPED = "skipped", _("Skipped")

"""Connections to external accounts, their sync runs, and the external ids of synced rows."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.texts import localized
from integrations import crypto
from integrations.choices import (
    ConnectionKind,
    ConnectionStatus,
    EnforcementKind,
    EnforcementMode,
    EnforcementOutcome,
    IssueKind,
    SyncRunStatus,
)


class Connection(models.Model):
    """One external account SocialOps reads: a Shopify store or an ad account.

    The credentials are stored encrypted (integrations/crypto.py) and are write-only: no page,
    API answer or log line shows them once saved.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ConnectionKind.choices)
    name = models.CharField(_("name"), max_length=120)
    account_id = models.CharField(
        _("account id"),
        max_length=255,
        help_text=_("The shop's myshopify.com domain, or the ad account id (act_...)."),
    )
    credentials_encrypted = models.BinaryField(editable=False)
    credentials_updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    scopes = models.CharField(
        _("scopes"),
        max_length=1000,
        blank=True,
        help_text=_("Comma-separated scopes the token was granted."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ConnectionStatus.choices,
        default=ConnectionStatus.ACTIVE,
    )
    channel = models.ForeignKey(
        "campaigns.Channel",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="connections",
        verbose_name=_("channel"),
        help_text=_("The channel synced ads become campaigns on (ad accounts only)."),
    )
    last_sync_at = models.DateTimeField(_("last sync"), null=True, blank=True)
    next_sync_at = models.DateTimeField(_("next sync"), null=True, blank=True, db_index=True)
    last_error = models.TextField(
        _("last error"), blank=True, help_text=_("The last failure, in plain words.")
    )
    # The last error as its English template and values (common.texts), for each reader's
    # language; {} for an error kept as plain text.
    last_error_parts = models.JSONField(default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("connection")
        verbose_name_plural = _("connections")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "account_id"], name="connection_one_per_account"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ConnectionKind.values), name="connection_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ConnectionStatus.values), name="connection_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def __repr__(self) -> str:
        # Never the credentials, even encrypted: reprs end up in logs and tracebacks.
        return f"<Connection {self.pk} {self.kind} {self.account_id}>"

    def set_credentials(self, secret: str) -> None:
        from django.utils import timezone

        self.credentials_encrypted = crypto.encrypt(secret)
        self.credentials_updated_at = timezone.now()

    def credentials(self) -> str:
        """The decrypted token, for the clients only."""
        return crypto.decrypt(bytes(self.credentials_encrypted))

    @property
    def scope_list(self) -> list[str]:
        return [s.strip() for s in self.scopes.split(",") if s.strip()]

    @property
    def localized_last_error(self) -> str:
        """The last error in the reader's language."""
        return localized(self.last_error_parts, self.last_error)


class SyncRun(models.Model):
    """One sync of one connection: what it read, what it changed, how long it took."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(
        _("status"), max_length=16, choices=SyncRunStatus.choices, default=SyncRunStatus.RUNNING
    )
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.PositiveIntegerField(_("errors"), default=0)
    requests = models.PositiveIntegerField(
        _("requests"), default=0, help_text=_("HTTP requests made.")
    )
    error = models.TextField(
        _("error"), blank=True, help_text=_("Why the run stopped, in plain words.")
    )
    error_parts = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("sync run")
        verbose_name_plural = _("sync runs")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["connection", "-started_at"], name="sync_run_history")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SyncRunStatus.values), name="sync_run_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Sync of {self.connection_id} at {self.started_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def duration(self) -> timedelta | None:
        return self.finished_at - self.started_at if self.finished_at else None

    @property
    def localized_error(self) -> str:
        """Why the run stopped, in the reader's language."""
        return localized(self.error_parts, self.error)


class SyncIssue(models.Model):
    """Something a run could not apply: a malformed item, an unmatched product, an unknown
    value. Listed on the connection's page instead of being dropped silently."""

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="issues")
    kind = models.CharField(_("kind"), max_length=16, choices=IssueKind.choices)
    external_id = models.CharField(_("external id"), max_length=255, blank=True)
    message = models.TextField(_("message"))
    # The message as its English template and values (common.texts); {} for plain text.
    message_parts = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("sync issue")
        verbose_name_plural = _("sync issues")
        ordering = ["run", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=IssueKind.values), name="sync_issue_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.external_id}: {self.message}"

    @property
    def localized_message(self) -> str:
        """What was not applied and why, in the reader's language."""
        return localized(self.message_parts, self.message)


class ExternalRef(models.Model):
    """Which SocialOps row an external object became, so the next sync updates it.

    Kept here rather than as columns on the domain models, so a platform can be added
    without touching the apps below.
    """

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="refs")
    kind = models.CharField(
        max_length=32, help_text=_("The platform's object type (ad, product...).")
    )
    external_id = models.CharField(max_length=255)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.BigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    last_seen_at = models.DateTimeField()

    class Meta:
        ordering = ["connection", "kind", "external_id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="external_ref_target")]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "kind", "external_id"], name="external_ref_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.external_id} -> {self.content_type_id}:{self.object_id}"


def default_cooldown() -> int:
    return settings.ENFORCEMENT_COOLDOWN_MINUTES


def default_max_pauses() -> int:
    return settings.ENFORCEMENT_MAX_PAUSES_PER_HOUR


class EnforcementPolicy(models.Model):
    """What SocialOps may do on a channel's ad platform when a blocker opens on a live ad.

    A channel without a row is "notify only": nothing is ever changed on a platform until an
    admin sets "pause" here.
    """

    channel = models.OneToOneField(
        "campaigns.Channel",
        on_delete=models.CASCADE,
        related_name="enforcement_policy",
        verbose_name=_("channel"),
    )
    mode = models.CharField(
        _("mode"), max_length=8, choices=EnforcementMode.choices, default=EnforcementMode.NOTIFY
    )
    dry_run = models.BooleanField(
        _("dry run"),
        default=False,
        help_text=_("Record what it would do, call nothing on the platform."),
    )
    cooldown_minutes = models.PositiveIntegerField(
        _("cooldown (minutes)"),
        default=default_cooldown,
        help_text=_("An ad SocialOps turned back on is not paused again for this long."),
    )
    max_pauses_per_hour = models.PositiveIntegerField(
        _("pauses per hour, at most"),
        default=default_max_pauses,
        help_text=_("Pauses per connection and hour; past it, pauses are skipped and logged."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("enforcement policy")
        verbose_name_plural = _("enforcement policies")
        ordering = ["channel"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mode__in=EnforcementMode.values), name="enforcement_policy_mode_valid"
            ),
        ]

    def __str__(self) -> str:
        dry = " (dry run)" if self.dry_run else ""
        return f"{self.channel}: {self.get_mode_display()}{dry}"


class EnforcementAction(models.Model):
    """One pause or turn-back-on of one ad, done, refused or skipped: the audit log."""

    connection = models.ForeignKey(
        Connection,
        on_delete=models.CASCADE,
        related_name="enforcement_actions",
        verbose_name=_("connection"),
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.CASCADE,
        related_name="enforcement_actions",
        verbose_name=_("campaign"),
    )
    external_id = models.CharField(_("ad"), max_length=255, help_text=_("The platform's ad id."))
    kind = models.CharField(_("action"), max_length=8, choices=EnforcementKind.choices)
    dry_run = models.BooleanField(_("dry run"), default=False)
    outcome = models.CharField(
        _("outcome"),
        max_length=8,
        choices=EnforcementOutcome.choices,
        default=EnforcementOutcome.PENDING,
    )
    reason = models.TextField(_("reason"), blank=True, help_text=_("Why, in plain words."))
    # The reason as its English template and values (common.texts); {} for plain text.
    reason_parts = models.JSONField(default=dict, blank=True, editable=False)
    # The blockers that caused a pause (and that must all be resolved or waived before it is
    # undone); for a turn-back-on, the ones whose end allowed it.
    conflicts = models.ManyToManyField(
        "promises.Conflict", blank=True, related_name="enforcement_actions"
    )
    check_run = models.ForeignKey(
        "promises.CheckRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The pause a turn-back-on undoes.
    undoes = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="undone_by"
    )
    # Who last set the channel's policy that allowed it.
    policy_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status_set = models.CharField(
        max_length=16, blank=True, help_text=_("The platform status SocialOps set (PAUSED...).")
    )
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enforcement action")
        verbose_name_plural = _("enforcement actions")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["connection", "external_id", "-created_at"], name="enforcement_ad"
            ),
            models.Index(fields=["connection", "kind", "created_at"], name="enforcement_hourly"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EnforcementKind.values), name="enforcement_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=EnforcementOutcome.values),
                name="enforcement_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        dry = " (dry run)" if self.dry_run else ""
        return f"{self.get_kind_display()} ad {self.external_id}{dry}: {self.outcome}"

    @property
    def localized_reason(self) -> str:
        """Why, in the reader's language."""
        return localized(self.reason_parts, self.reason)

"""What operations can deliver (shipping, returns, checkout, codes, support replies),
and what the checks engine records about the gaps (conflicts, their history, check runs)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django_countries.fields import CountryField

from campaigns.models import Campaign, Channel
from catalog.models import SKU, Product
from common import formatting
from common.db import (
    CurrencyField,
    MoneyField,
    country_check,
    country_list_check,
    currency_check,
    non_negative_all,
)
from promises.choices import (
    AppliesTo,
    CheckRunStatus,
    CheckTrigger,
    ConflictEventKind,
    ConflictState,
    DiscountKind,
    Severity,
    ShippingKind,
    SupportTopic,
)
from promises.querysets import QUEUE_INDEX, STANDING, ConflictQuerySet


class ShippingMethod(models.Model):
    """A way to deliver, with its delivery days to the countries it serves."""

    name = models.CharField(max_length=120)
    kind = models.CharField(
        max_length=16, choices=ShippingKind.choices, default=ShippingKind.STANDARD
    )
    countries = CountryField(multiple=True)
    min_days = models.PositiveIntegerField(help_text="Fastest delivery, in days.")
    max_days = models.PositiveIntegerField(help_text="Slowest delivery, in days.")
    price = MoneyField()
    currency = CurrencyField()
    free_shipping_threshold = MoneyField(
        null=True, blank=True, help_text="Order total from which this method is free."
    )
    handling_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Days before a parcel leaves the warehouse (0: the same day). "
        "Blank: not written down.",
    )
    enabled_in_checkout = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="shipping_method_name_unique"),
            models.CheckConstraint(
                condition=Q(min_days__lte=F("max_days")), name="shipping_method_min_lte_max_days"
            ),
            *non_negative_all(
                "shipping_method", "min_days", "max_days", "price", "free_shipping_threshold"
            ),
            currency_check("currency", "shipping_method_currency_iso"),
            country_list_check("countries", "shipping_method_countries_iso"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.min_days}-{self.max_days} days)"


class ShippingOverride(models.Model):
    """Extra delivery days for a method over a date range (peak season, strikes, holidays)."""

    method = models.ForeignKey(ShippingMethod, on_delete=models.CASCADE, related_name="overrides")
    label = models.CharField(max_length=120)
    starts_on = models.DateField()
    ends_on = models.DateField()
    extra_days = models.PositiveIntegerField()

    class Meta:
        ordering = ["method", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="shipping_override_ends_after_start"
            ),
            *non_negative_all("shipping_override", "extra_days"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: +{self.extra_days} days ({self.starts_on} to {self.ends_on})"


class ReturnPolicy(models.Model):
    """The return window and cost for a set of countries (blank: everywhere)."""

    name = models.CharField(max_length=120, unique=True)
    window_days = models.PositiveIntegerField()
    is_free = models.BooleanField(default=False)
    countries = CountryField(multiple=True, blank=True, help_text="Blank means every country.")
    excluded_categories = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "return policies"
        ordering = ["name"]
        constraints = [
            *non_negative_all("return_policy", "window_days"),
            country_list_check("countries", "return_policy_countries_iso"),
        ]

    def __str__(self) -> str:
        cost = "free" if self.is_free else "paid"
        return f"{self.name}: {self.window_days} days, {cost}"


class CheckoutCountry(models.Model):
    """A country the site checkout sells to."""

    country = CountryField(unique=True)
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "checkout countries"
        ordering = ["country"]
        constraints = [country_check("country", "checkout_country_iso")]

    def __str__(self) -> str:
        return f"{self.country.name} ({'on' if self.enabled else 'off'})"


class PromoCode(models.Model):
    """A discount code checkout knows, with its dates, limits and scope."""

    code = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=DiscountKind.choices)
    value = models.DecimalField(max_digits=12, decimal_places=2)
    currency = CurrencyField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Blank: open-ended.")
    active = models.BooleanField(default=True)
    usage_limit = models.PositiveIntegerField(null=True, blank=True)
    usage_count = models.PositiveIntegerField(default=0)
    applies_to = models.CharField(max_length=16, choices=AppliesTo.choices, default=AppliesTo.ALL)
    products = models.ManyToManyField(Product, blank=True, related_name="promo_codes")
    skus = models.ManyToManyField(SKU, blank=True, related_name="promo_codes")
    channels = models.ManyToManyField(
        Channel, blank=True, related_name="promo_codes", help_text="Blank: every channel."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            # Checkout matches codes case-insensitively, so SUMMER20 and summer20 are one code.
            models.UniqueConstraint(Upper("code"), name="promo_code_unique_ci"),
            models.CheckConstraint(condition=Q(value__gt=0), name="promo_code_value_positive"),
            models.CheckConstraint(
                condition=~Q(kind=DiscountKind.PERCENTAGE) | Q(value__lte=100),
                name="promo_code_percentage_lte_100",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="promo_code_ends_after_start",
            ),
            *non_negative_all("promo_code", "usage_limit", "usage_count"),
            currency_check("currency", "promo_code_currency_iso"),
        ]

    def __str__(self) -> str:
        value = (
            f"{self.value:g}%"
            if self.kind == DiscountKind.PERCENTAGE
            else formatting.money(self.value, self.currency)
        )
        return f"{self.code} (-{value})"


class SupportReply(models.Model):
    """A standard answer support gives to a common question, with what it promises."""

    topic = models.CharField(max_length=16, choices=SupportTopic.choices)
    title = models.CharField(max_length=200)
    text = models.TextField()
    stated_delivery_days = models.PositiveIntegerField(null=True, blank=True)
    stated_return_days = models.PositiveIntegerField(null=True, blank=True)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "support replies"
        ordering = ["topic", "title"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "title"], name="support_reply_unique_title"),
            *non_negative_all("support_reply", "stated_delivery_days", "stated_return_days"),
        ]

    def __str__(self) -> str:
        return f"[{self.get_topic_display()}] {self.title}"


class Conflict(models.Model):
    """A mismatch the checks found between a campaign's promise and what operations can deliver."""

    rule_code = models.CharField(max_length=64)
    severity = models.CharField(max_length=16, choices=Severity.choices)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="conflicts")
    sku = models.ForeignKey(
        SKU, on_delete=models.CASCADE, null=True, blank=True, related_name="conflicts"
    )
    country = CountryField(blank=True)
    # What the conflict is about within its campaign ("", "sku:42", "country:FR"): one conflict
    # per (rule, campaign, scope), enforced by a unique constraint the engine upserts against.
    scope = models.CharField(max_length=64, blank=True, default="")
    state = models.CharField(
        max_length=16, choices=ConflictState.choices, default=ConflictState.OPEN
    )
    message = models.TextField()
    evidence = models.JSONField(default=dict, blank=True)
    data_as_of = models.DateTimeField(
        null=True, blank=True, help_text="When the data the rule used was last updated."
    )
    first_seen_at = models.DateTimeField()
    # When its state, severity, message or evidence last changed (not bumped by every sweep:
    # re-finding the same facts writes nothing).
    updated_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    reopened_count = models.PositiveIntegerField(default=0)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_conflicts",
    )
    due_at = models.DateTimeField(null=True, blank=True)
    waived_until = models.DateTimeField(null=True, blank=True)
    waiver_reason = models.TextField(blank=True)
    fix_note = models.TextField(blank=True)

    objects = ConflictQuerySet.as_manager()

    class Meta:
        ordering = ["-first_seen_at"]
        indexes = [
            models.Index(fields=["state", "severity"]),
            models.Index(fields=["campaign", "state"]),
            # The ops queue (/conflicts/): its default order and its due-time order, over
            # standing conflicts only, so a page of 50 out of 100,000 is an index scan.
            models.Index(
                *QUEUE_INDEX, F("id").asc(), condition=Q(state__in=STANDING), name="conflict_queue"
            ),
            models.Index(
                F("due_at").asc(),
                F("first_seen_at").asc(),
                F("id").asc(),
                condition=Q(state__in=STANDING),
                name="conflict_queue_due",
            ),
            # Readiness and counts per campaign or channel read standing conflicts by
            # campaign and severity: an index-only scan of this, not the wide table.
            models.Index(
                fields=["campaign", "severity"],
                include=["id"],
                condition=Q(state__in=STANDING),
                name="conflict_standing_campaign",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_code", "campaign", "scope"], name="conflict_one_per_rule_scope"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ConflictState.values), name="conflict_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(severity__in=Severity.values), name="conflict_severity_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state=ConflictState.WAIVED)
                | (Q(waived_until__isnull=False) & ~Q(waiver_reason="")),
                name="conflict_waiver_has_reason_and_expiry",
            ),
            country_check("country", "conflict_country_iso", blank=True),
        ]

    def __str__(self) -> str:
        return f"{self.rule_code} on {self.campaign.name} [{self.state}]"


class RuleSetting(models.Model):
    """An admin's override of one check rule: its severity, or switching it off."""

    rule_code = models.CharField(max_length=64, unique=True)
    severity = models.CharField(max_length=16, choices=Severity.choices)
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["rule_code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__in=Severity.values), name="rule_setting_severity_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_code}: {self.severity}{'' if self.enabled else ' (off)'}"


class ConflictEvent(models.Model):
    """One change in a conflict's life: who, when, what."""

    conflict = models.ForeignKey(Conflict, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text="Blank: the checks engine.",
    )
    kind = models.CharField(max_length=32, choices=ConflictEventKind.choices)
    from_state = models.CharField(max_length=16, choices=ConflictState.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=ConflictState.choices, blank=True)
    note = models.TextField(blank=True)
    check_run = models.ForeignKey(
        "CheckRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )

    class Meta:
        ordering = ["conflict", "at", "pk"]

    def __str__(self) -> str:
        who = self.actor or "checks"
        return f"{self.get_kind_display()} by {who} at {self.at:%Y-%m-%d %H:%M}"


class CheckRun(models.Model):
    """One run of the checks engine, with what it did."""

    trigger = models.CharField(max_length=16, choices=CheckTrigger.choices)
    scope = models.JSONField(default=dict, blank=True, help_text="What was checked (all, or ids).")
    status = models.CharField(
        max_length=16, choices=CheckRunStatus.choices, default=CheckRunStatus.RUNNING
    )
    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    campaigns_checked = models.PositiveIntegerField(default=0)
    items_checked = models.PositiveIntegerField(default=0)
    opened = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    error_details = models.JSONField(default=list, blank=True)
    # Progress, reported by each batch as it finishes (wherever it ran): a run whose
    # heartbeat stops is marked failed by the next sweep, with how far it got.
    batches = models.PositiveIntegerField(default=0)
    batches_done = models.PositiveIntegerField(default=0)
    done_batches = models.JSONField(
        default=list, blank=True, help_text="Numbers of the batches that reported."
    )
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Wall-clock creation (started_at is the time of the facts, which a caller may set).
    created_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=F("started_at")),
                name="check_run_finishes_after_start",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_trigger_display()} at {self.started_at:%Y-%m-%d %H:%M:%S} ({self.status})"
        )


class CampaignCheckState(models.Model):
    """When the checks last judged a campaign, and the next moment time alone could change
    the verdict (its end, a code or peak season starting or ending, a catalog sync going
    stale): the periodic sweep re-checks a campaign once that moment has passed."""

    campaign = models.OneToOneField(
        Campaign, on_delete=models.CASCADE, primary_key=True, related_name="check_state"
    )
    checked_at = models.DateTimeField()
    next_check_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_check_at"],
                condition=Q(next_check_at__isnull=False),
                name="check_state_due",
            )
        ]

    def __str__(self) -> str:
        return f"campaign {self.campaign_id} checked {self.checked_at:%Y-%m-%d %H:%M}"


class CampaignRecheck(models.Model):
    """A change to a campaign's facts that no check has seen yet: written in the change's own
    transaction, deleted by the check that read it. Append-only, so concurrent changes to
    campaigns that share SKUs never wait on each other's row locks."""

    # No database constraint: a deletion's own signals mark the campaign being deleted; the
    # next check of a campaign that is gone just deletes its marks.
    campaign = models.ForeignKey(
        Campaign, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    # Set: only the stock of this SKU changed for the campaign (its stock levels, or other
    # campaigns' reservations and demand on it), so only the stock rules of that one item are
    # re-run. Blank: anything about the campaign may have changed; it is re-checked whole.
    sku = models.ForeignKey(
        SKU,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    marked_at = models.DateTimeField()

    def __str__(self) -> str:
        what = f"SKU {self.sku_id}'s stock" if self.sku_id else "changed"
        return f"campaign {self.campaign_id} {what} {self.marked_at:%Y-%m-%d %H:%M}"


class CheckRunSkuTotals(models.Model):
    """A SKU's stock and the checked campaigns' reservations and demand on it, counted once
    by a large run for all its batches (each worker process reads the SKUs it needs instead
    of summing them again); deleted when the run is over."""

    pk = models.CompositePrimaryKey("run_id", "sku_id")
    # Plain ids, no constraints: written and deleted in bulk, read by primary key only.
    run_id = models.BigIntegerField()
    sku_id = models.BigIntegerField()
    available = models.IntegerField(default=0)
    stock_as_of = models.DateTimeField(null=True, blank=True)
    reserved_total = models.IntegerField(default=0)
    demand_total = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"run {self.run_id}, SKU {self.sku_id}"

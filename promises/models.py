"""What operations can deliver (shipping, returns, checkout, codes, support replies),
and what the checks engine records about the gaps (conflicts, their history, check runs)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
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
from promises.checks import messages
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

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(
        _("kind"), max_length=16, choices=ShippingKind.choices, default=ShippingKind.STANDARD
    )
    countries = CountryField(_("countries"), multiple=True)
    min_days = models.PositiveIntegerField(_("min days"), help_text=_("Fastest delivery, in days."))
    max_days = models.PositiveIntegerField(_("max days"), help_text=_("Slowest delivery, in days."))
    price = MoneyField(_("price"))
    currency = CurrencyField(_("currency"))
    free_shipping_threshold = MoneyField(
        _("free shipping threshold"),
        null=True,
        blank=True,
        help_text=_("Order total from which this method is free."),
    )
    handling_days = models.PositiveIntegerField(
        _("handling days"),
        null=True,
        blank=True,
        help_text=_(
            "Days before a parcel leaves the warehouse (0: the same day). Blank: not written down."
        ),
    )
    enabled_in_checkout = models.BooleanField(_("enabled in checkout"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("shipping method")
        verbose_name_plural = _("shipping methods")
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
        return gettext("%(name)s (%(min)s-%(max)s days)") % {
            "name": self.name,
            "min": self.min_days,
            "max": self.max_days,
        }


class ShippingOverride(models.Model):
    """Extra delivery days for a method over a date range (peak season, strikes, holidays)."""

    method = models.ForeignKey(
        ShippingMethod,
        on_delete=models.CASCADE,
        related_name="overrides",
        verbose_name=_("shipping method"),
    )
    label = models.CharField(_("label"), max_length=120)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    extra_days = models.PositiveIntegerField(_("extra days"))

    class Meta:
        verbose_name = _("shipping override")
        verbose_name_plural = _("shipping overrides")
        ordering = ["method", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="shipping_override_ends_after_start"
            ),
            *non_negative_all("shipping_override", "extra_days"),
        ]

    def __str__(self) -> str:
        return gettext("%(label)s: +%(days)s days (%(starts)s to %(ends)s)") % {
            "label": self.label,
            "days": self.extra_days,
            "starts": formatting.day(self.starts_on),
            "ends": formatting.day(self.ends_on),
        }


class ReturnPolicy(models.Model):
    """The return window and cost for a set of countries (blank: everywhere)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    window_days = models.PositiveIntegerField(_("window days"))
    is_free = models.BooleanField(_("is free"), default=False)
    countries = CountryField(
        _("countries"), multiple=True, blank=True, help_text=_("Blank means every country.")
    )
    excluded_categories = models.JSONField(_("excluded categories"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("return policy")
        verbose_name_plural = _("return policies")
        ordering = ["name"]
        constraints = [
            *non_negative_all("return_policy", "window_days"),
            country_list_check("countries", "return_policy_countries_iso"),
        ]

    def __str__(self) -> str:
        template = (
            gettext("%(name)s: %(days)s days, free")
            if self.is_free
            else gettext("%(name)s: %(days)s days, paid")
        )
        return template % {"name": self.name, "days": self.window_days}


class CheckoutCountry(models.Model):
    """A country the site checkout sells to."""

    country = CountryField(_("country"), unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("checkout country")
        verbose_name_plural = _("checkout countries")
        ordering = ["country"]
        constraints = [country_check("country", "checkout_country_iso")]

    def __str__(self) -> str:
        template = gettext("%(country)s (on)") if self.enabled else gettext("%(country)s (off)")
        return template % {"country": self.country.name}


class PromoCode(models.Model):
    """A discount code checkout knows, with its dates, limits and scope."""

    code = models.CharField(_("code"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=DiscountKind.choices)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    currency = CurrencyField(_("currency"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(
        _("ends at"), null=True, blank=True, help_text=_("Blank: open-ended.")
    )
    active = models.BooleanField(_("active"), default=True)
    usage_limit = models.PositiveIntegerField(_("usage limit"), null=True, blank=True)
    usage_count = models.PositiveIntegerField(_("usage count"), default=0)
    applies_to = models.CharField(
        _("applies to"), max_length=16, choices=AppliesTo.choices, default=AppliesTo.ALL
    )
    products = models.ManyToManyField(
        Product, blank=True, related_name="promo_codes", verbose_name=_("products")
    )
    skus = models.ManyToManyField(
        SKU, blank=True, related_name="promo_codes", verbose_name=_("SKUs")
    )
    channels = models.ManyToManyField(
        Channel,
        blank=True,
        related_name="promo_codes",
        verbose_name=_("channels"),
        help_text=_("Blank: every channel."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("promo code")
        verbose_name_plural = _("promo codes")
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
        return f"{self.code} (-{self.discount_text})"

    @property
    def discount_text(self) -> str:
        """20% or €5.00, in the reader's locale."""
        if self.kind == DiscountKind.PERCENTAGE:
            return formatting.percent(self.value)
        return formatting.money(self.value, self.currency)


class SupportReply(models.Model):
    """A standard answer support gives to a common question, with what it promises."""

    topic = models.CharField(_("topic"), max_length=16, choices=SupportTopic.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    stated_delivery_days = models.PositiveIntegerField(
        _("stated delivery days"), null=True, blank=True
    )
    stated_return_days = models.PositiveIntegerField(_("stated return days"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("support reply")
        verbose_name_plural = _("support replies")
        ordering = ["topic", "title"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "title"], name="support_reply_unique_title"),
            *non_negative_all("support_reply", "stated_delivery_days", "stated_return_days"),
        ]

    def __str__(self) -> str:
        return f"[{self.get_topic_display()}] {self.title}"


class Conflict(models.Model):
    """A mismatch the checks found between a campaign's promise and what operations can deliver."""

    rule_code = models.CharField(_("rule code"), max_length=64)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("campaign")
    )
    sku = models.ForeignKey(
        SKU,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conflicts",
        verbose_name=_("SKU"),
    )
    country = CountryField(_("country"), blank=True)
    # What the conflict is about within its campaign ("", "sku:42", "country:FR"): one conflict
    # per (rule, campaign, scope), enforced by a unique constraint the engine upserts against.
    scope = models.CharField(_("scope"), max_length=64, blank=True, default="")
    state = models.CharField(
        _("state"), max_length=16, choices=ConflictState.choices, default=ConflictState.OPEN
    )
    # In English: API clients, exports and the history read it.
    message = models.TextField(_("message"))
    # The message as the rule said it, template and params (promises/checks/messages.py), to
    # say it in each reader's language; null for rows written before messages had parts.
    message_parts = models.JSONField(null=True, blank=True, editable=False)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    data_as_of = models.DateTimeField(
        _("data as of"),
        null=True,
        blank=True,
        help_text=_("When the data the rule used was last updated."),
    )
    first_seen_at = models.DateTimeField(_("first seen at"))
    # When its state, severity, message or evidence last changed (not bumped by every sweep:
    # re-finding the same facts writes nothing).
    updated_at = models.DateTimeField(_("updated at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    reopened_count = models.PositiveIntegerField(_("reopened count"), default=0)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_conflicts",
        verbose_name=_("assignee"),
    )
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    waived_until = models.DateTimeField(_("waived until"), null=True, blank=True)
    waiver_reason = models.TextField(_("waiver reason"), blank=True)
    fix_note = models.TextField(_("fix note"), blank=True)

    objects = ConflictQuerySet.as_manager()

    class Meta:
        verbose_name = _("conflict")
        verbose_name_plural = _("conflicts")
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
        return gettext("%(rule)s on %(campaign)s [%(state)s]") % {
            "rule": self.rule_code,
            "campaign": self.campaign.name,
            "state": self.get_state_display(),
        }

    def localized_message(self) -> str:
        """What the conflict says, in the active language (pages, notifications, the API's
        `message_localized`); its English `message` for a row stored without parts."""
        return messages.localized(self.message, self.message_parts)


class RuleSetting(models.Model):
    """An admin's override of one check rule: its severity, or switching it off."""

    rule_code = models.CharField(_("rule code"), max_length=64, unique=True)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("rule setting")
        verbose_name_plural = _("rule settings")
        ordering = ["rule_code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__in=Severity.values), name="rule_setting_severity_valid"
            ),
        ]

    def __str__(self) -> str:
        template = (
            gettext("%(rule)s: %(severity)s")
            if self.enabled
            else gettext("%(rule)s: %(severity)s (off)")
        )
        return template % {"rule": self.rule_code, "severity": self.get_severity_display()}


class ConflictEvent(models.Model):
    """One change in a conflict's life: who, when, what."""

    conflict = models.ForeignKey(
        Conflict, on_delete=models.CASCADE, related_name="events", verbose_name=_("conflict")
    )
    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("actor"),
        help_text=_("Blank: the checks engine."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=ConflictEventKind.choices)
    from_state = models.CharField(
        _("from state"), max_length=16, choices=ConflictState.choices, blank=True
    )
    to_state = models.CharField(
        _("to state"), max_length=16, choices=ConflictState.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    check_run = models.ForeignKey(
        "CheckRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("check run"),
    )

    class Meta:
        verbose_name = _("conflict event")
        verbose_name_plural = _("conflict events")
        ordering = ["conflict", "at", "pk"]

    def __str__(self) -> str:
        values = {"kind": self.get_kind_display(), "moment": formatting.when(self.at)}
        if self.actor is None:
            return gettext("%(kind)s by the checks at %(moment)s") % values
        return gettext("%(kind)s by %(actor)s at %(moment)s") % {**values, "actor": self.actor}


class CheckRun(models.Model):
    """One run of the checks engine, with what it did."""

    trigger = models.CharField(_("trigger"), max_length=16, choices=CheckTrigger.choices)
    scope = models.JSONField(
        _("scope"), default=dict, blank=True, help_text=_("What was checked (all, or ids).")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CheckRunStatus.choices, default=CheckRunStatus.RUNNING
    )
    started_at = models.DateTimeField(_("started at"), db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration ms"), null=True, blank=True)
    campaigns_checked = models.PositiveIntegerField(_("campaigns checked"), default=0)
    items_checked = models.PositiveIntegerField(_("items checked"), default=0)
    opened = models.PositiveIntegerField(_("opened"), default=0)
    resolved = models.PositiveIntegerField(_("resolved"), default=0)
    reopened = models.PositiveIntegerField(_("reopened"), default=0)
    errors = models.PositiveIntegerField(_("errors"), default=0)
    error_details = models.JSONField(_("error details"), default=list, blank=True)
    # Progress, reported by each batch as it finishes (wherever it ran): a run whose
    # heartbeat stops is marked failed by the next sweep, with how far it got.
    batches = models.PositiveIntegerField(_("batches"), default=0)
    batches_done = models.PositiveIntegerField(_("batches done"), default=0)
    done_batches = models.JSONField(
        _("done batches"),
        default=list,
        blank=True,
        help_text=_("Numbers of the batches that reported."),
    )
    heartbeat_at = models.DateTimeField(_("heartbeat at"), null=True, blank=True)
    # Wall-clock creation (started_at is the time of the facts, which a caller may set).
    created_at = models.DateTimeField(_("created at"), null=True, blank=True)

    class Meta:
        verbose_name = _("check run")
        verbose_name_plural = _("check runs")
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=F("started_at")),
                name="check_run_finishes_after_start",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(trigger)s at %(moment)s (%(status)s)") % {
            "trigger": self.get_trigger_display(),
            "moment": formatting.when(self.started_at),
            "status": self.get_status_display(),
        }


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

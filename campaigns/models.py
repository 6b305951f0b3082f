"""What marketing announces: channels, creators, campaigns, their claims and items."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext
from django_countries.fields import CountryField

from campaigns.choices import (
    CampaignFormat,
    CampaignStatus,
    CatalogSync,
    CheckoutPath,
    ClaimKind,
    ClaimSource,
    CopyField,
    Network,
    Objective,
    ShippingOption,
    Surface,
)
from campaigns.querysets import CampaignQuerySet
from catalog.models import SKU
from common.db import (
    CurrencyField,
    MoneyField,
    country_list_check,
    currency_check,
    non_negative_all,
)

# A catalog older than this misleads shoppers: networks sync feeds hourly to daily.
DEFAULT_CATALOG_SYNC_MAX_AGE_HOURS = 24


def governance_gaps(calendar_owner_id, creative_budget, catalog_sync, response_hours) -> list[str]:
    """The four things every network needs written down, named when missing.

    The names stay English (the API and the engine's messages carry them); they are in the
    catalog, so a page shows one in the reader's language with `{% translate gap %}`.
    """
    checks = (
        (gettext_noop("calendar owner"), calendar_owner_id is None),
        (gettext_noop("creative budget"), creative_budget is None),
        (gettext_noop("catalog sync"), not catalog_sync),
        (gettext_noop("response-time commitment"), response_hours is None),
    )
    return [gap for gap, missing in checks if missing]


def _surfaces_help() -> str:
    return _("Any of: %(surfaces)s") % {"surfaces": ", ".join(Surface.values)}


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class Channel(models.Model):
    """A social network or program the brand sells through, with its governance."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    network = models.CharField(_("network"), max_length=16, choices=Network.choices)
    surfaces = models.JSONField(
        _("surfaces"),
        default=list,
        blank=True,
        help_text=lazy(_surfaces_help, str)(),
    )
    native_checkout_countries = CountryField(
        _("native checkout countries"),
        multiple=True,
        blank=True,
        help_text=_("Countries where in-app checkout is enabled."),
    )
    native_checkout_fee_rate = models.DecimalField(
        _("native checkout fee rate"),
        max_digits=5,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Share of the order the network keeps on native checkout (0.05 = 5%)."),
    )
    # Governance: the four things that must be written down for every network.
    calendar_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("calendar owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_channel_calendars",
    )
    creative_budget_monthly = MoneyField(_("creative budget monthly"), null=True, blank=True)
    currency = CurrencyField(_("currency"))
    catalog_sync = models.CharField(
        _("catalog sync"),
        max_length=16,
        choices=CatalogSync.choices,
        default=CatalogSync.NONE,
        blank=True,
    )
    catalog_feed_url = models.URLField(_("catalog feed URL"), blank=True)
    last_catalog_sync_at = models.DateTimeField(_("last catalog sync at"), null=True, blank=True)
    catalog_sync_max_age_hours = models.PositiveIntegerField(
        _("catalog sync max age hours"), default=DEFAULT_CATALOG_SYNC_MAX_AGE_HOURS
    )
    response_time_commitment_hours = models.PositiveIntegerField(
        _("response time commitment hours"),
        null=True,
        blank=True,
        help_text=_("Public response-time commitment for urgent comments."),
    )
    conversion_definition = models.CharField(_("conversion definition"), max_length=255, blank=True)
    attribution_window_days = models.PositiveIntegerField(
        _("attribution window days"), null=True, blank=True
    )
    pixel_configured = models.BooleanField(_("pixel configured"), default=False)
    consent_configured = models.BooleanField(_("consent configured"), default=False)
    feed_token = models.CharField(
        _("feed token"),
        max_length=64,
        unique=True,
        default=new_feed_token,
        editable=False,
        help_text=_("Secret part of this channel's catalog feed URL."),
    )
    # What the channel's feed publishes: the products it sells. Empty lists mean no limit;
    # both set means a product must match both.
    feed_product_types = models.JSONField(
        _("feed product types"),
        default=list,
        blank=True,
        help_text=_("Product types the feed publishes (empty: all)."),
    )
    feed_tags = models.JSONField(
        _("feed tags"),
        default=list,
        blank=True,
        help_text=_("Product tags the feed publishes (empty: any)."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["name"]
        # The feed URLs carry the token: whoever holds one reads the catalog and marks the
        # channel's catalog as synced. Ops and admins set feeds up; others need not see them.
        permissions = [("view_feed_channel", "Can see the channel's secret feed URLs")]
        constraints = [
            models.CheckConstraint(
                condition=Q(network__in=Network.values), name="channel_network_valid"
            ),
            models.CheckConstraint(
                condition=Q(native_checkout_fee_rate__gte=0, native_checkout_fee_rate__lte=1),
                name="channel_fee_rate_between_0_and_1",
            ),
            *non_negative_all("channel", "creative_budget_monthly"),
            currency_check("currency", "channel_currency_iso"),
            country_list_check("native_checkout_countries", "channel_native_countries_iso"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        unknown = set(self.surfaces or []) - set(Surface.values)
        if not isinstance(self.surfaces, list) or unknown:
            raise ValidationError(
                {
                    "surfaces": _("Use a list of: %(surfaces)s.")
                    % {"surfaces": ", ".join(Surface.values)}
                }
            )

    @property
    def is_baseline(self) -> bool:
        """The site's own organic traffic: the baseline other channels are read against,
        not a network the brand buys from, so it has no governance to write down."""
        return self.network == Network.ORGANIC

    @property
    def governance_gaps(self) -> list[str]:
        """The governance items not written down, in plain words."""
        if self.is_baseline:
            return []
        return governance_gaps(
            self.calendar_owner_id,
            self.creative_budget_monthly,
            self.catalog_sync,
            self.response_time_commitment_hours,
        )


class Creator(models.Model):
    """A creator or affiliate who promotes the brand, usually with a personal code."""

    handle = models.CharField(_("handle"), max_length=120)
    network = models.CharField(_("network"), max_length=16, choices=Network.choices)
    commission_rate = models.DecimalField(
        _("commission rate"),
        max_digits=5,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    promo_code = models.CharField(_("promo code"), max_length=64, blank=True)
    disclosure_required = models.BooleanField(_("disclosure required"), default=True)

    class Meta:
        verbose_name = _("creator")
        verbose_name_plural = _("creators")
        ordering = ["handle"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "handle"], name="creator_unique_per_network"
            ),
            models.CheckConstraint(
                condition=Q(commission_rate__gte=0, commission_rate__lte=1),
                name="creator_commission_between_0_and_1",
            ),
        ]

    def __str__(self) -> str:
        return f"@{self.handle} ({self.get_network_display()})"


class Campaign(models.Model):
    """A promotion on one channel: dates, countries, SKUs, prices, codes and copy."""

    channel = models.ForeignKey(
        Channel, verbose_name=_("channel"), on_delete=models.PROTECT, related_name="campaigns"
    )
    name = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaigns",
    )
    objective = models.CharField(
        _("objective"), max_length=16, choices=Objective.choices, default=Objective.PERFORMANCE
    )
    format = models.CharField(_("format"), max_length=32, choices=CampaignFormat.choices)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CampaignStatus.choices,
        default=CampaignStatus.DRAFT,
        db_index=True,
    )
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    target_countries = CountryField(_("target countries"), multiple=True, blank=True)
    checkout_path = models.CharField(
        _("checkout path"), max_length=16, choices=CheckoutPath.choices, default=CheckoutPath.SITE
    )
    budget = MoneyField(_("budget"), null=True, blank=True)
    currency = CurrencyField(_("currency"))
    # The downstream functions the brief cites: a campaign that names none was planned blind.
    cites_stock = models.BooleanField(_("cites stock"), default=False)
    cites_customer_service = models.BooleanField(_("cites customer service"), default=False)
    cites_margin = models.BooleanField(_("cites margin"), default=False)
    stop_min_roas = models.DecimalField(
        _("stop below ROAS"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    stop_max_cpa = MoneyField(_("stop above CPA"), null=True, blank=True)
    qualified_basket_threshold = MoneyField(_("qualified basket threshold"), null=True, blank=True)
    creator = models.ForeignKey(
        Creator,
        verbose_name=_("creator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaigns",
    )
    is_paid_partnership = models.BooleanField(_("is paid partnership"), default=False)
    disclosure = models.CharField(
        _("disclosure"),
        max_length=120,
        blank=True,
        help_text=_('How the partnership is disclosed ("#ad", label...).'),
    )
    promo_code = models.CharField(_("announced promo code"), max_length=64, blank=True)
    caption = models.TextField(_("caption"), blank=True)
    script = models.TextField(_("script"), blank=True)
    went_live_ready = models.BooleanField(
        _("went live ready"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Whether the campaign had no open conflict when it went live."),
    )
    # Blank: planned in SocialOps. Otherwise the ad platform it is read from ("Meta"...),
    # which owns the fields named in campaigns/synced.py: they are read-only here.
    synced_from = models.CharField(
        _("synced from"), max_length=32, blank=True, default="", editable=False
    )
    # What SocialOps last did to the synced ad on its platform ("Paused on Meta by SocialOps
    # at 14:02 because STOCK_OUT SERUM-30"), written by the integrations app's enforcement.
    enforcement_note = models.CharField(
        _("enforcement note"), max_length=500, blank=True, default="", editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Who saved it last: named to the next editor whose form is out of date.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_at", "name"]
        indexes = [
            models.Index(fields=["status", "starts_at", "ends_at"]),
            # The campaign list's default order (newest start first) without sorting them all.
            models.Index(fields=["starts_at", "id"], name="campaign_starts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True)
                | Q(starts_at__isnull=True)
                | Q(ends_at__gte=F("starts_at")),
                name="campaign_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CampaignStatus.values), name="campaign_status_valid"
            ),
            *non_negative_all(
                "campaign", "budget", "stop_min_roas", "stop_max_cpa", "qualified_basket_threshold"
            ),
            currency_check("currency", "campaign_currency_iso"),
            country_list_check("target_countries", "campaign_target_countries_iso"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.channel})"

    @property
    def cited_functions(self) -> list[str]:
        cited = [
            ("stock", self.cites_stock),
            ("customer service", self.cites_customer_service),
            ("margin", self.cites_margin),
        ]
        return [name for name, on in cited if on]


class CampaignClaim(models.Model):
    """A promise a campaign makes: delivery time, returns, free shipping, price, code, preorder."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="claims"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ClaimKind.choices)
    source = models.CharField(
        _("source"), max_length=16, choices=ClaimSource.choices, default=ClaimSource.ENTERED
    )
    text = models.CharField(
        _("text"), max_length=500, blank=True, help_text=_("The words of the claim.")
    )
    days = models.PositiveIntegerField(
        _("days"), null=True, blank=True, help_text=_("Delivery or return window, in days.")
    )
    is_free = models.BooleanField(
        _("is free"), null=True, blank=True, help_text=_("Free shipping or free returns.")
    )
    shipping_option = models.CharField(
        _("shipping option"),
        max_length=16,
        choices=ShippingOption.choices,
        default=ShippingOption.ANY,
        blank=True,
    )
    amount = MoneyField(_("amount"), null=True, blank=True)
    currency = CurrencyField(_("currency"))
    code = models.CharField(_("code"), max_length=64, blank=True)
    date = models.DateField(
        _("date"), null=True, blank=True, help_text=_("Preorder shipping date.")
    )
    # Where a claim read from the copy stands in it, so the page can highlight its words.
    copy_field = models.CharField(
        _("copy field"), max_length=8, choices=CopyField.choices, blank=True
    )
    copy_start = models.PositiveIntegerField(_("copy start"), null=True, blank=True)
    copy_end = models.PositiveIntegerField(_("copy end"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign claim")
        verbose_name_plural = _("campaign claims")
        ordering = ["campaign", "kind", "source"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ClaimKind.values), name="claim_kind_valid"),
            models.CheckConstraint(
                condition=Q(source__in=ClaimSource.values), name="claim_source_valid"
            ),
            *non_negative_all("claim", "days", "amount"),
            currency_check("currency", "claim_currency_iso"),
        ]

    def __str__(self) -> str:
        days = (
            ngettext("%(count)s day", "%(count)s days", self.days) % {"count": self.days}
            if self.days is not None
            else ""
        )
        detail = self.text or self.code or days
        return f"{self.get_kind_display()}: {detail}".rstrip(": ")

    # Characters of copy shown on each side of a claim's words on the campaign page.
    CONTEXT_CHARS = 30

    def copy_context(self) -> tuple[str, str, str] | None:
        """(before, the claim's words, after) in the copy they were read from, for highlighting."""
        if not self.copy_field or self.copy_start is None or self.copy_end is None:
            return None
        copy = getattr(self.campaign, self.copy_field, "") or ""
        words = copy[self.copy_start : self.copy_end]
        if not words or words != self.text[: len(words)]:
            return None  # the copy changed since: no stale highlight
        before = copy[max(0, self.copy_start - self.CONTEXT_CHARS) : self.copy_start]
        return before, words, copy[self.copy_end : self.copy_end + self.CONTEXT_CHARS]


class CampaignItem(models.Model):
    """A SKU a campaign promotes: its announced price, expected and reserved units."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="items"
    )
    sku = models.ForeignKey(
        SKU, verbose_name=_("SKU"), on_delete=models.PROTECT, related_name="campaign_items"
    )
    announced_price = MoneyField(_("announced price"), null=True, blank=True)
    currency = CurrencyField(_("currency"))
    expected_units = models.PositiveIntegerField(_("expected units"), default=0)
    reserved_units = models.PositiveIntegerField(_("reserved units"), default=0)
    preorder_message = models.CharField(_("preorder message"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("campaign item")
        verbose_name_plural = _("campaign items")
        ordering = ["campaign", "sku"]
        indexes = [
            # The checks engine sums every campaign's demand on a SKU: on PostgreSQL this is
            # an index-only scan instead of a visit to each item row.
            models.Index(
                fields=["sku"],
                include=["campaign", "expected_units", "reserved_units"],
                name="campaign_item_sku_demand",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "sku"], name="campaign_item_unique_sku"),
            *non_negative_all(
                "campaign_item", "announced_price", "expected_units", "reserved_units"
            ),
            currency_check("currency", "campaign_item_currency_iso"),
        ]

    def __str__(self) -> str:
        return _("%(sku)s in %(campaign)s") % {"sku": self.sku, "campaign": self.campaign.name}

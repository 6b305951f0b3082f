"""What happened, for the KPI pages: orders, daily channel metrics, survey answers."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django_countries.fields import CountryField

from campaigns.choices import CheckoutPath
from campaigns.models import Campaign, Channel
from common.db import CurrencyField, MoneyField, country_check, currency_check, non_negative_all
from insights.querysets import OrderQuerySet, net_revenue


class Order(models.Model):
    """A store order, attributed to a channel and possibly a campaign."""

    external_id = models.CharField(max_length=64, unique=True)
    channel = models.ForeignKey(
        Channel, on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )
    promo_code = models.CharField(max_length=64, blank=True)
    country = CountryField()
    placed_at = models.DateTimeField(db_index=True)
    checkout_path = models.CharField(
        max_length=16, choices=CheckoutPath.choices, default=CheckoutPath.SITE
    )
    is_new_customer = models.BooleanField(default=True)
    currency = CurrencyField()
    gross = MoneyField()
    discounts = MoneyField(default=0)
    shipping = MoneyField(default=0)
    cost_of_goods = MoneyField(default=0)
    fees = MoneyField(default=0)
    refunded = MoneyField(default=0)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at"]
        indexes = [models.Index(fields=["channel", "placed_at"])]
        constraints = [
            *non_negative_all(
                "order", "gross", "discounts", "shipping", "cost_of_goods", "fees", "refunded"
            ),
            models.CheckConstraint(
                condition=Q(refunded__lte=F("gross")), name="order_refund_lte_gross"
            ),
            currency_check("currency", "order_currency_iso"),
            country_check("country", "order_country_iso"),
        ]

    def __str__(self) -> str:
        return f"Order {self.external_id}"

    @property
    def net_revenue(self):
        return net_revenue(self.gross, self.discounts, self.refunded)


class ChannelMetric(models.Model):
    """One day of a channel's (or one campaign's) spend, traffic and platform-reported results."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="metrics")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="metrics"
    )
    date = models.DateField()
    currency = CurrencyField()
    spend = MoneyField(default=0)
    impressions = models.PositiveBigIntegerField(default=0)
    clicks = models.PositiveBigIntegerField(default=0)
    sessions = models.PositiveBigIntegerField(default=0)
    add_to_carts = models.PositiveBigIntegerField(default=0)
    qualified_add_to_carts = models.PositiveBigIntegerField(default=0)
    platform_purchases = models.PositiveBigIntegerField(default=0)
    platform_revenue = MoneyField(default=0)
    attribution_window = models.CharField(
        max_length=64, blank=True, help_text='As the platform reports it, e.g. "7-day click".'
    )

    class Meta:
        ordering = ["-date", "channel"]
        constraints = [
            # A NULL campaign is "the whole channel"; NULLs never collide in a unique index,
            # so the channel-level row gets a partial constraint of its own.
            models.UniqueConstraint(
                fields=["channel", "date"],
                condition=Q(campaign__isnull=True),
                name="channel_metric_one_per_channel_day",
            ),
            models.UniqueConstraint(
                fields=["channel", "campaign", "date"],
                condition=Q(campaign__isnull=False),
                name="channel_metric_one_per_campaign_day",
            ),
            *non_negative_all(
                "channel_metric",
                "spend",
                "impressions",
                "clicks",
                "sessions",
                "add_to_carts",
                "qualified_add_to_carts",
                "platform_purchases",
                "platform_revenue",
            ),
            models.CheckConstraint(
                condition=Q(qualified_add_to_carts__lte=F("add_to_carts")),
                name="channel_metric_qualified_lte_add_to_carts",
            ),
            currency_check("currency", "channel_metric_currency_iso"),
        ]

    def __str__(self) -> str:
        scope = self.campaign.name if self.campaign_id else "all campaigns"
        return f"{self.channel} {self.date} ({scope})"


class SurveyResponse(models.Model):
    """A post-purchase "How did you hear about us?" answer, mapped to a channel."""

    external_id = models.CharField(max_length=64, unique=True)
    order = models.ForeignKey(
        Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="survey_responses"
    )
    answered_at = models.DateTimeField(db_index=True)
    answer = models.CharField(max_length=255)
    channel = models.ForeignKey(
        Channel,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
        help_text="Blank: the answer names no channel we sell through.",
    )

    class Meta:
        ordering = ["-answered_at"]

    def __str__(self) -> str:
        return f"{self.answer!r} ({self.channel or 'unmapped'})"

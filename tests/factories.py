"""factory_boy factories for the domain, with sensible valid defaults."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from campaigns.choices import CampaignFormat, CampaignStatus, Network
from campaigns.models import Campaign, CampaignClaim, CampaignItem, Channel, Creator
from catalog.models import SKU, Location, Product, StockLevel
from insights.models import ChannelMetric, Order, SurveyResponse
from promises.choices import CheckRunStatus, CheckTrigger, DiscountKind, Severity, SupportTopic
from promises.models import (
    CheckoutCountry,
    CheckRun,
    Conflict,
    PromoCode,
    ReturnPolicy,
    ShippingMethod,
    ShippingOverride,
    SupportReply,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-pass")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    handle = factory.Sequence(lambda n: f"product-{n}")
    title = factory.Sequence(lambda n: f"Product {n}")


class SKUFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SKU

    code = factory.Sequence(lambda n: f"SKU-{n:05d}")
    product = factory.SubFactory(ProductFactory)
    price = Decimal("24.99")
    unit_cost = Decimal("8.00")
    currency = "EUR"


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Warehouse {n}")
    country = "FR"


class StockLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockLevel

    sku = factory.SubFactory(SKUFactory)
    location = factory.SubFactory(LocationFactory)
    on_hand = 100
    available = 100


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel

    name = factory.Sequence(lambda n: f"Channel {n}")
    network = Network.INSTAGRAM


class CreatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Creator

    handle = factory.Sequence(lambda n: f"creator{n}")
    network = Network.TIKTOK


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    channel = factory.SubFactory(ChannelFactory)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    format = CampaignFormat.SHORT_VIDEO
    status = CampaignStatus.SCHEDULED
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(days=14))
    target_countries = ["FR"]
    currency = "EUR"


class CampaignItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignItem

    campaign = factory.SubFactory(CampaignFactory)
    sku = factory.SubFactory(SKUFactory)
    announced_price = factory.LazyAttribute(lambda o: o.sku.price)
    expected_units = 10
    reserved_units = 10


class CampaignClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignClaim

    campaign = factory.SubFactory(CampaignFactory)
    kind = "delivery"
    days = 3


class ShippingMethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippingMethod

    name = factory.Sequence(lambda n: f"Method {n}")
    countries = ["FR"]
    min_days = 2
    max_days = 4
    price = Decimal("4.90")


class ShippingOverrideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippingOverride

    method = factory.SubFactory(ShippingMethodFactory)
    label = "Peak season"
    starts_on = factory.LazyFunction(lambda: timezone.localdate())
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(days=10))
    extra_days = 2


class ReturnPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReturnPolicy

    name = factory.Sequence(lambda n: f"Policy {n}")
    window_days = 30


class CheckoutCountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckoutCountry
        django_get_or_create = ["country"]

    country = "FR"


class PromoCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PromoCode

    code = factory.Sequence(lambda n: f"CODE{n}")
    kind = DiscountKind.PERCENTAGE
    value = Decimal("20")
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class SupportReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportReply

    topic = SupportTopic.DELIVERY
    title = factory.Sequence(lambda n: f"Reply {n}")
    text = "Orders arrive in 2 to 4 days."


class ConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conflict

    rule_code = "STOCK_OUT"
    severity = Severity.BLOCKER
    campaign = factory.SubFactory(CampaignFactory)
    scope = factory.Sequence(lambda n: f"sku:{n}")
    message = "Nothing available to promise."
    first_seen_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyAttribute(lambda o: o.first_seen_at)


class CheckRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckRun

    trigger = CheckTrigger.SWEEP
    status = CheckRunStatus.SUCCEEDED
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyAttribute(lambda o: o.started_at + timedelta(milliseconds=120))
    duration_ms = 120
    campaigns_checked = 10
    items_checked = 30


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    external_id = factory.Sequence(lambda n: f"#{1000 + n}")
    channel = factory.SubFactory(ChannelFactory)
    country = "FR"
    placed_at = factory.LazyFunction(timezone.now)
    gross = Decimal("50.00")


class ChannelMetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChannelMetric

    channel = factory.SubFactory(ChannelFactory)
    date = factory.LazyFunction(timezone.localdate)
    spend = Decimal("100.00")


class SurveyResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyResponse

    external_id = factory.Sequence(lambda n: f"survey-{n}")
    answered_at = factory.LazyFunction(timezone.now)
    answer = "TikTok"

"""What the brand sells, as the store knows it: products, SKUs, locations and stock."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from catalog.choices import DeliveryStatus, InventoryPolicy, ProductStatus, StockSource
from catalog.querysets import SKUQuerySet
from common.db import (
    CurrencyField,
    MoneyField,
    country_check,
    country_list_check,
    currency_check,
    non_negative_all,
)


class Product(models.Model):
    """A product of the store, grouping its SKUs (Shopify's product, keyed by handle)."""

    handle = models.SlugField(_("handle"), max_length=255, unique=True)
    title = models.CharField(_("title"), max_length=255)
    vendor = models.CharField(_("vendor"), max_length=255, blank=True)
    product_type = models.CharField(_("product type"), max_length=255, blank=True)
    category = models.CharField(_("category"), max_length=255, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ProductStatus.choices, default=ProductStatus.ACTIVE
    )
    published = models.BooleanField(_("published"), default=True)
    description = models.TextField(_("description"), blank=True)
    tags = models.CharField(
        _("tags"), max_length=1000, blank=True, help_text=_("Comma-separated, as Shopify.")
    )
    final_sale = models.BooleanField(_("final sale"), default=False, help_text=_("Not returnable."))
    restricted_countries = CountryField(
        _("restricted countries"),
        multiple=True,
        blank=True,
        help_text=_("Countries this product may not ship to."),
    )
    attributes = models.JSONField(
        _("attributes"),
        default=dict,
        blank=True,
        help_text=_("Structured attributes (allergens, compatibility...)."),
    )
    option1_name = models.CharField(_("option1 name"), max_length=255, blank=True)
    option2_name = models.CharField(_("option2 name"), max_length=255, blank=True)
    option3_name = models.CharField(_("option3 name"), max_length=255, blank=True)
    shopify_product_id = models.BigIntegerField(
        _("Shopify product id"), null=True, blank=True, unique=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProductStatus.values), name="product_status_valid"
            ),
            country_list_check("restricted_countries", "product_restricted_countries_iso"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_sellable(self) -> bool:
        return self.status == ProductStatus.ACTIVE and self.published


class SKU(models.Model):
    """A variant a shopper can buy, identified by its SKU code."""

    code = models.CharField(
        _("SKU code"),
        max_length=255,
        blank=True,
        help_text=_("Unique when set; Shopify allows variants without one."),
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="skus"
    )
    option1 = models.CharField(_("option1"), max_length=255, blank=True)
    option2 = models.CharField(_("option2"), max_length=255, blank=True)
    option3 = models.CharField(_("option3"), max_length=255, blank=True)
    price = MoneyField(_("price"))
    compare_at_price = MoneyField(_("compare at price"), null=True, blank=True)
    unit_cost = MoneyField(_("unit cost"), null=True, blank=True)
    currency = CurrencyField(_("currency"))
    barcode = models.CharField(_("barcode"), max_length=64, blank=True)
    inventory_policy = models.CharField(
        _("inventory policy"),
        max_length=16,
        choices=InventoryPolicy.choices,
        default=InventoryPolicy.DENY,
    )
    available_on = models.DateField(
        _("available on"),
        null=True,
        blank=True,
        help_text=_("Restock or availability date, for preorder or backorder."),
    )
    safety_buffer = models.PositiveIntegerField(
        _("safety buffer"),
        default=0,
        help_text=_("Units never promised, held back against stock errors."),
    )
    shopify_variant_id = models.BigIntegerField(
        _("Shopify variant id"), null=True, blank=True, unique=True
    )
    shopify_inventory_item_id = models.BigIntegerField(
        _("Shopify inventory item id"), null=True, blank=True, unique=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SKUQuerySet.as_manager()

    class Meta:
        verbose_name = _("SKU")
        verbose_name_plural = _("SKUs")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="sku_code_unique"),
            models.UniqueConstraint(
                fields=["product", "option1", "option2", "option3"], name="sku_options_unique"
            ),
            *non_negative_all("sku", "price", "compare_at_price", "unit_cost", "safety_buffer"),
            currency_check("currency", "sku_currency_iso"),
            models.CheckConstraint(
                condition=Q(inventory_policy__in=InventoryPolicy.values),
                name="sku_inventory_policy_valid",
            ),
        ]

    def __str__(self) -> str:
        label = self.code or str(_("(no SKU)"))
        options = " / ".join(o for o in (self.option1, self.option2, self.option3) if o)
        return f"{label} {options}".strip()

    @property
    def allows_backorder(self) -> bool:
        return self.inventory_policy == InventoryPolicy.CONTINUE


class Location(models.Model):
    """A place that holds stock: a warehouse, a store, a 3PL."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    country = CountryField(_("country"))
    active = models.BooleanField(_("active"), default=True)
    shopify_location_id = models.BigIntegerField(
        _("Shopify location id"), null=True, blank=True, unique=True
    )

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]
        constraints = [country_check("country", "location_country_iso")]

    def __str__(self) -> str:
        return self.name


class StockLevel(models.Model):
    """The quantities of one SKU at one location."""

    sku = models.ForeignKey(
        SKU, verbose_name=_("SKU"), on_delete=models.CASCADE, related_name="stock_levels"
    )
    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.CASCADE, related_name="stock_levels"
    )
    on_hand = models.IntegerField(_("on hand"), default=0)
    committed = models.IntegerField(
        _("committed"), default=0, help_text=_("In unfulfilled orders.")
    )
    available = models.IntegerField(_("available"), default=0)
    incoming = models.IntegerField(_("incoming"), default=0)
    source = models.CharField(
        _("source"), max_length=16, choices=StockSource.choices, default=StockSource.MANUAL
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        ordering = ["sku", "location"]
        constraints = [
            models.UniqueConstraint(
                fields=["sku", "location"], name="stock_level_one_per_location"
            ),
            *non_negative_all("stock_level", "on_hand", "committed", "available", "incoming"),
            models.CheckConstraint(
                condition=Q(available__lte=F("on_hand")), name="stock_level_available_lte_on_hand"
            ),
        ]

    def __str__(self) -> str:
        return _("%(sku)s @ %(location)s: %(available)s available") % {
            "sku": self.sku,
            "location": self.location,
            "available": self.available,
        }


class WebhookDelivery(models.Model):
    """One Shopify webhook as received: the inbox row a task applies to the catalog later.

    The raw body is kept byte for byte, so a delivery that failed can be replayed after a
    fix, and nothing Shopify sent is lost when the worker or the broker is down.
    """

    webhook_id = models.TextField(_("webhook id"), help_text=_("X-Shopify-Webhook-Id, as sent."))
    # SHA-256 of the whole webhook id: the dedup key, whatever the id's length (ids cut to a
    # column's width would make distinct long ids collide as duplicates).
    webhook_key = models.CharField(_("webhook key"), max_length=64, unique=True, editable=False)
    topic = models.CharField(_("topic"), max_length=100)
    shop_domain = models.CharField(_("shop domain"), max_length=255, blank=True)
    api_version = models.CharField(_("API version"), max_length=32, blank=True)
    event_id = models.CharField(_("event id"), max_length=255, blank=True)
    triggered_at = models.DateTimeField(_("triggered at"), null=True, blank=True)
    body = models.BinaryField(_("body"))
    received_at = models.DateTimeField(_("received at"))
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    # What the delivery updates and as of when, filled when applied: a delivery older than
    # one already applied to the same resource is stale (Shopify does not deliver in order).
    resource_key = models.CharField(_("resource key"), max_length=100, blank=True)
    resource_updated_at = models.DateTimeField(_("resource updated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "received_at"], name="webhook_delivery_inbox"),
            models.Index(fields=["topic", "resource_key"], name="webhook_delivery_resource"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="webhook_delivery_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.webhook_id} ({self.status})"

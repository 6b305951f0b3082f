from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProductStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("product status", "Active")
    DRAFT = "draft", pgettext_lazy("product status", "Draft")
    ARCHIVED = "archived", pgettext_lazy("product status", "Archived")


class InventoryPolicy(models.TextChoices):
    DENY = "deny", _("Stop selling when out of stock")
    CONTINUE = "continue", _("Continue selling (backorder)")


class StockSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    CSV = "csv", _("Shopify CSV import")
    WEBHOOK = "webhook", _("Shopify webhook")
    DEMO = "demo", _("Demo data")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("webhook delivery", "Pending")
    PROCESSED = "processed", pgettext_lazy("webhook delivery", "Processed")
    FAILED = "failed", pgettext_lazy("webhook delivery", "Failed")
    IGNORED = "ignored", pgettext_lazy("webhook delivery", "Ignored")

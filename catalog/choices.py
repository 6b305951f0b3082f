from django.db import models


class ProductStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DRAFT = "draft", "Draft"
    ARCHIVED = "archived", "Archived"


class InventoryPolicy(models.TextChoices):
    DENY = "deny", "Stop selling when out of stock"
    CONTINUE = "continue", "Continue selling (backorder)"


class StockSource(models.TextChoices):
    MANUAL = "manual", "Entered by hand"
    CSV = "csv", "Shopify CSV import"
    WEBHOOK = "webhook", "Shopify webhook"
    DEMO = "demo", "Demo data"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PROCESSED = "processed", "Processed"
    FAILED = "failed", "Failed"
    IGNORED = "ignored", "Ignored"

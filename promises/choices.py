from django.db import models


class ShippingKind(models.TextChoices):
    ECONOMY = "economy", "Economy"
    STANDARD = "standard", "Standard"
    EXPRESS = "express", "Express"
    NEXT_DAY = "next_day", "Next day"
    SAME_DAY = "same_day", "Same day"
    PICKUP = "pickup", "Pickup point"


class DiscountKind(models.TextChoices):
    PERCENTAGE = "percentage", "Percentage"
    FIXED = "fixed", "Fixed amount"


class AppliesTo(models.TextChoices):
    ALL = "all", "Whole catalog"
    PRODUCTS = "products", "Some products"
    SKUS = "skus", "Some SKUs"


class SupportTopic(models.TextChoices):
    STOCK = "stock", "Stock"
    ALLERGENS = "allergens", "Allergens"
    COMPATIBILITY = "compatibility", "Compatibility"
    RETURNS = "returns", "Returns"
    TRACKING = "tracking", "Tracking"
    DELIVERY = "delivery", "Delivery"


class Severity(models.TextChoices):
    BLOCKER = "blocker", "Blocker"
    WARNING = "warning", "Warning"
    INFO = "info", "Info"


# The order every page, API list and the queue show severities in: blockers first. The SQL
# rank (promises.querysets.SEVERITY_RANK) is built from this tuple.
SEVERITY_ORDER: tuple[str, ...] = (Severity.BLOCKER, Severity.WARNING, Severity.INFO)


def severity_rank(severity: str) -> int:
    """The position of `severity` in SEVERITY_ORDER, for sorting in Python (unknown: last)."""
    try:
        return SEVERITY_ORDER.index(severity)
    except ValueError:
        return len(SEVERITY_ORDER)


class ConflictState(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"
    WAIVED = "waived", "Waived"


class ConflictEventKind(models.TextChoices):
    OPENED = "opened", "Opened"
    RESOLVED = "resolved", "Resolved by the checks"
    REOPENED = "reopened", "Reopened"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    WAIVED = "waived", "Waived"
    WAIVER_LAPSED = "waiver_lapsed", "Waiver lapsed"
    ASSIGNED = "assigned", "Assigned"
    NOTE = "note", "Fix note"
    EVIDENCE_CHANGED = "evidence_changed", "Evidence changed"
    WAIVER_REQUESTED = "waiver_requested", "Waiver requested"
    ENFORCEMENT = "enforcement", "Ad paused or turned back on"


class CheckTrigger(models.TextChoices):
    SWEEP = "sweep", "Periodic sweep"
    CHANGE = "change", "After a change"
    MANUAL = "manual", "Run by hand"
    BENCHMARK = "benchmark", "Benchmark"


class CheckRunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Readiness(models.TextChoices):
    READY = "ready", "Ready"
    AT_RISK = "at_risk", "At risk"
    BLOCKED = "blocked", "Blocked"

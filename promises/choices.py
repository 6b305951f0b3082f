from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ShippingKind(models.TextChoices):
    ECONOMY = "economy", _("Economy")
    STANDARD = "standard", _("Standard")
    EXPRESS = "express", _("Express")
    NEXT_DAY = "next_day", _("Next day")
    SAME_DAY = "same_day", _("Same day")
    PICKUP = "pickup", _("Pickup point")


class DiscountKind(models.TextChoices):
    PERCENTAGE = "percentage", _("Percentage")
    FIXED = "fixed", _("Fixed amount")


class AppliesTo(models.TextChoices):
    ALL = "all", _("Whole catalog")
    PRODUCTS = "products", _("Some products")
    SKUS = "skus", _("Some SKUs")


class SupportTopic(models.TextChoices):
    STOCK = "stock", _("Stock")
    ALLERGENS = "allergens", _("Allergens")
    COMPATIBILITY = "compatibility", _("Compatibility")
    RETURNS = "returns", _("Returns")
    TRACKING = "tracking", _("Tracking")
    DELIVERY = "delivery", _("Delivery")


class Severity(models.TextChoices):
    BLOCKER = "blocker", pgettext_lazy("severity", "Blocker")
    WARNING = "warning", pgettext_lazy("severity", "Warning")
    INFO = "info", pgettext_lazy("severity", "Info")


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
    OPEN = "open", pgettext_lazy("conflict state", "Open")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("conflict state", "Acknowledged")
    RESOLVED = "resolved", pgettext_lazy("conflict state", "Resolved")
    WAIVED = "waived", pgettext_lazy("conflict state", "Waived")


class ConflictEventKind(models.TextChoices):
    OPENED = "opened", pgettext_lazy("conflict event", "Opened")
    RESOLVED = "resolved", pgettext_lazy("conflict event", "Resolved by the checks")
    REOPENED = "reopened", pgettext_lazy("conflict event", "Reopened")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("conflict event", "Acknowledged")
    WAIVED = "waived", pgettext_lazy("conflict event", "Waived")
    WAIVER_LAPSED = "waiver_lapsed", pgettext_lazy("conflict event", "Waiver lapsed")
    ASSIGNED = "assigned", pgettext_lazy("conflict event", "Assigned")
    NOTE = "note", pgettext_lazy("conflict event", "Fix note")
    EVIDENCE_CHANGED = "evidence_changed", pgettext_lazy("conflict event", "Evidence changed")
    WAIVER_REQUESTED = "waiver_requested", pgettext_lazy("conflict event", "Waiver requested")
    ENFORCEMENT = "enforcement", pgettext_lazy("conflict event", "Ad paused or turned back on")


class CheckTrigger(models.TextChoices):
    SWEEP = "sweep", _("Periodic sweep")
    CHANGE = "change", _("After a change")
    MANUAL = "manual", _("Run by hand")
    BENCHMARK = "benchmark", _("Benchmark")


class CheckRunStatus(models.TextChoices):
    RUNNING = "running", pgettext_lazy("check run", "Running")
    SUCCEEDED = "succeeded", pgettext_lazy("check run", "Succeeded")
    FAILED = "failed", pgettext_lazy("check run", "Failed")


class Readiness(models.TextChoices):
    READY = "ready", pgettext_lazy("readiness", "Ready")
    AT_RISK = "at_risk", pgettext_lazy("readiness", "At risk")
    BLOCKED = "blocked", pgettext_lazy("readiness", "Blocked")

"""A conflict's evidence as people read it: each key's label, each value in the reader's words.

The rules record evidence as plain JSON for the API and the reconciler: keys like
`available_to_promise`, codes like `free_shipping`, ISO moments, decimals as text. The
conflict page, the campaign page's checklist (a draft's dry run included) and the figures
side by side show it through this module, in the active language, with the numbers, money
and dates of common/formatting.py. The API and the CSV export keep the raw evidence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import pgettext, pgettext_lazy

from common import formatting
from promises.checks import messages

# What each key the rules write means (promises/checks/rules/*.py), by family. In English, the
# key's own words (as the pages showed them before they were translated).
LABELS = {
    # stock
    "sku": pgettext_lazy("evidence", "SKU"),
    "available": pgettext_lazy("evidence", "Available"),
    "safety_buffer": pgettext_lazy("evidence", "Safety buffer"),
    "reserved_by_other_campaigns": pgettext_lazy("evidence", "Reserved by other campaigns"),
    "available_to_promise": pgettext_lazy("evidence", "Available to promise"),
    "expected": pgettext_lazy("evidence", "Expected"),
    "shortfall": pgettext_lazy("evidence", "Shortfall"),
    "reserved_for_this_campaign": pgettext_lazy("evidence", "Reserved for this campaign"),
    "sku_available_to_promise": pgettext_lazy("evidence", "SKU available to promise"),
    "units_counted_on": pgettext_lazy("evidence", "Units counted on"),
    "units_that_exist": pgettext_lazy("evidence", "Units that exist"),
    "campaigns": pgettext_lazy("evidence", "Campaigns"),
    "reserved": pgettext_lazy("evidence", "Reserved"),
    "availability_date": pgettext_lazy("evidence", "Availability date"),
    "preorder_message": pgettext_lazy("evidence", "Preorder message"),
    "promised_by": pgettext_lazy("evidence", "Promised by"),
    "product_status": pgettext_lazy("evidence", "Product status"),
    "published": pgettext_lazy("evidence", "Published"),
    # pricing
    "announced": pgettext_lazy("evidence", "Announced"),
    "announced_currency": pgettext_lazy("evidence", "Announced currency"),
    "store": pgettext_lazy("evidence", "Store"),
    "store_currency": pgettext_lazy("evidence", "Store currency"),
    "compare_at": pgettext_lazy("evidence", "Compare at"),
    "claimed": pgettext_lazy("evidence", "Claimed"),
    "claimed_currency": pgettext_lazy("evidence", "Claimed currency"),
    "store_prices": pgettext_lazy("evidence", "Store prices"),
    "code": pgettext_lazy("evidence", "Code"),
    "problems": pgettext_lazy("evidence", "Problems"),
    "code_starts": pgettext_lazy("evidence", "Code starts"),
    "code_ends": pgettext_lazy("evidence", "Code ends"),
    "campaign_starts": pgettext_lazy("evidence", "Campaign starts"),
    "campaign_ends": pgettext_lazy("evidence", "Campaign ends"),
    "price": pgettext_lazy("evidence", "Price"),
    "price_after_discount": pgettext_lazy("evidence", "Price after discount"),
    "unit_cost": pgettext_lazy("evidence", "Unit cost"),
    "fees": pgettext_lazy("evidence", "Fees"),
    "margin": pgettext_lazy("evidence", "Margin"),
    "floor": pgettext_lazy("evidence", "Floor"),
    # shipping and returns
    "country": pgettext_lazy("evidence", "Country"),
    "claim": pgettext_lazy("evidence", "Claim"),
    "claimed_days": pgettext_lazy("evidence", "Claimed days"),
    "method": pgettext_lazy("evidence", "Method"),
    "method_max_days": pgettext_lazy("evidence", "Method max days"),
    "override": pgettext_lazy("evidence", "Override"),
    "override_extra_days": pgettext_lazy("evidence", "Override extra days"),
    "max_days_at_campaign_dates": pgettext_lazy("evidence", "Max days at campaign dates"),
    "method_handling_days": pgettext_lazy("evidence", "Method handling days"),
    "option": pgettext_lazy("evidence", "Option"),
    "claimed_threshold": pgettext_lazy("evidence", "Claimed threshold"),
    "method_thresholds": pgettext_lazy("evidence", "Method thresholds"),
    "channel": pgettext_lazy("evidence", "Channel"),
    "native_checkout_countries": pgettext_lazy("evidence", "Native checkout countries"),
    "restricted_countries": pgettext_lazy("evidence", "Restricted countries"),
    "claimed_free": pgettext_lazy("evidence", "Claimed free"),
    "policy": pgettext_lazy("evidence", "Policy"),
    "policy_days": pgettext_lazy("evidence", "Policy days"),
    "policy_free": pgettext_lazy("evidence", "Policy free"),
    "final_sale": pgettext_lazy("evidence", "Final sale"),
    "category": pgettext_lazy("evidence", "Category"),
    "category_excluded": pgettext_lazy("evidence", "Category excluded"),
    # campaign
    "missing": pgettext_lazy("evidence", "Missing"),
    "last_sync": pgettext_lazy("evidence", "Last sync"),
    "age_hours": pgettext_lazy("evidence", "Age hours"),
    "allowed_hours": pgettext_lazy("evidence", "Allowed hours"),
    "cites_stock": pgettext_lazy("evidence", "Cites stock"),
    "cites_customer_service": pgettext_lazy("evidence", "Cites customer service"),
    "cites_margin": pgettext_lazy("evidence", "Cites margin"),
    "creator": pgettext_lazy("evidence", "Creator"),
    "paid_partnership": pgettext_lazy("evidence", "Paid partnership"),
    "reply": pgettext_lazy("evidence", "Reply"),
    "stated_delivery_days": pgettext_lazy("evidence", "Stated delivery days"),
    "stated_return_days": pgettext_lazy("evidence", "Stated return days"),
    "claimed_delivery_days": pgettext_lazy("evidence", "Claimed delivery days"),
    "claimed_return_days": pgettext_lazy("evidence", "Claimed return days"),
    "roas": pgettext_lazy("evidence", "ROAS"),
    "cpa": pgettext_lazy("evidence", "CPA"),
    "spend": pgettext_lazy("evidence", "Spend"),
    "net_revenue": pgettext_lazy("evidence", "Net revenue"),
    "orders": pgettext_lazy("evidence", "Orders"),
    "stop_min_roas": pgettext_lazy("evidence", "Stop min ROAS"),
    "stop_max_cpa": pgettext_lazy("evidence", "Stop max CPA"),
    # the campaigns a STOCK_OVERCOMMIT names
    "id": pgettext_lazy("evidence", "ID"),
    "name": pgettext_lazy("evidence", "Name"),
    "units": pgettext_lazy("evidence", "Units"),
}

# The codes the rules put in evidence values, in words.
CODES = {
    # shipping options (campaigns.choices.ShippingOption) and free shipping
    "standard": pgettext_lazy("evidence", "Standard"),
    "express": pgettext_lazy("evidence", "Express"),
    "next_day": pgettext_lazy("evidence", "Next day"),
    "same_day": pgettext_lazy("evidence", "Same day"),
    "free_shipping": pgettext_lazy("evidence", "Free shipping"),
    # product statuses (catalog)
    "active": pgettext_lazy("evidence", "Active"),
    "draft": pgettext_lazy("evidence", "Draft"),
    "archived": pgettext_lazy("evidence", "Archived"),
}
# Keys whose value is one of CODES (a single word such as "express" reads as data otherwise).
CODE_KEYS = {"option", "product_status"}

# An amount's currency is recorded beside it.
CURRENCY_OF = {
    "announced": "announced_currency",
    "store": "store_currency",
    "compare_at": "store_currency",
    "claimed": "claimed_currency",
}

# Internal codes: lower-case words joined by underscores. SKU and promo codes are upper-case
# and stay as they are.
_CODE = re.compile(r"^[a-z]+(_[a-z0-9]+)+$")
_DECIMAL = re.compile(r"^-?\d+\.\d+$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def label(key: str) -> str:
    """The words for an evidence key (a key no rule writes today: its words, capitalised)."""
    found = LABELS.get(key)
    return str(found) if found is not None else formatting.label(key)


def evidence_rows(evidence: Any, parts: Any = None) -> list[tuple[str, str]]:
    """A conflict's evidence as (label, text) rows, in the order the rule recorded it.

    `parts` (`Conflict.message_parts`): phrases a rule records in English in its evidence
    (the `problems` of a promo code, what is `missing`) are said in the message too, under
    the same name: they are shown from there, in the reader's language.
    """
    if not isinstance(evidence, dict):
        if evidence in (None, "", [], {}):
            return []
        return [(pgettext("evidence", "Evidence"), text(evidence))]
    said = _said_lists(parts)
    # A currency shown with its amount ("24,99 €") needs no row of its own.
    folded = {
        currency
        for amount, currency in CURRENCY_OF.items()
        if evidence.get(amount) not in (None, "") and evidence.get(currency)
    }
    rows = []
    for key in evidence:
        if key not in folded:
            rows.append((label(key), said[key] if key in said else value_text(key, evidence)))
    return rows


def value_text(key: str, evidence: Mapping[str, Any]) -> str:
    """One evidence value in words: money with its currency, codes in words, dates local."""
    value = evidence.get(key)
    currency_key = CURRENCY_OF.get(key)
    if currency_key and isinstance(value, str) and evidence.get(currency_key):
        try:
            return formatting.money(Decimal(value), str(evidence[currency_key]))
        except (InvalidOperation, ValueError):
            return value
    if key in CODE_KEYS and isinstance(value, str) and value in CODES:
        return str(CODES[value])
    return text(value)


def text(value: Any) -> str:
    """Any evidence value in words, in the active language."""
    if value is None or value == "":
        return formatting.BLANK
    if isinstance(value, bool):
        return pgettext("evidence", "yes") if value else pgettext("evidence", "no")
    if isinstance(value, int | float | Decimal):
        return formatting.number(value)
    if isinstance(value, list):
        return ", ".join(text(v) for v in value) or pgettext("evidence", "none")
    if isinstance(value, dict):
        return "; ".join(f"{label(str(k))}: {text(v)}" for k, v in value.items())
    if isinstance(value, datetime):
        return formatting.when(value)
    if isinstance(value, str):
        return _readable(value)
    return str(value)


def _readable(value: str) -> str:
    """A code in words, an ISO moment or date in the reader's style, a decimal in their
    digits; anything else (names, the copy's words) as it is."""
    if value in CODES and _CODE.match(value):
        return str(CODES[value])
    if _CODE.match(value):
        return formatting.label(value)
    if _DECIMAL.match(value):
        return formatting.number(Decimal(value), len(value.partition(".")[2]))
    if _DAY.match(value):
        try:
            return formatting.day(date.fromisoformat(value))
        except ValueError:
            return value
    if len(value) >= 16 and value[4:5] == "-" and "T" in value:
        try:
            return formatting.when(datetime.fromisoformat(value))
        except ValueError:
            return value
    return value


def _said_lists(parts: Any) -> dict[str, str]:
    """The lists a stored message says, by param name, in the active language ({} when the
    parts cannot be read: the evidence is shown as recorded)."""
    if not parts:
        return {}
    try:
        said = messages.from_json(parts)
        return {
            name: value.text(True)
            for name, value in said.params.items()
            if isinstance(value, messages.Listing)
        }
    except (ValueError, KeyError, TypeError, ArithmeticError):
        return {}

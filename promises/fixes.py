"""The operational fact that would resolve a conflict: "fix once, resolve N".

`fix_target` is a pure function of a conflict's rule, scope and evidence (plain values), so
the queue's group-by-fix view, its API and the notifications agree on what to fix, and a
table of cases tests it without a database. `fix_url` says where that fact is edited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

# What kind of fact a group is about, in the words of the page.
SKU_STOCK = "sku_stock"
SKU_LISTING = "sku_listing"
SKU_PRICE = "sku_price"
SKU_RESTRICTIONS = "sku_restrictions"
SHIPPING_METHOD = "shipping_method"
SHIPPING_COUNTRY = "shipping_country"
SHIPPING_OPTION = "shipping_option"
PROMO_CODE = "promo_code"
RETURN_POLICY = "return_policy"
SUPPORT_REPLY = "support_reply"
CHANNEL_GOVERNANCE = "channel_governance"
CHANNEL_CATALOG = "channel_catalog"
CHANNEL_CHECKOUT = "channel_checkout"
CAMPAIGN = "campaign"

STOCK_RULES = {"STOCK_OUT", "STOCK_SHORT", "STOCK_OVERCOMMIT", "PREORDER_WITHOUT_DATE"}
DELIVERY_RULES = {"DELIVERY_CLAIM_UNSUPPORTED", "DISPATCH_CLAIM_UNSUPPORTED"}


@dataclass(frozen=True)
class FixTarget:
    """One fact to change: `kind` and `ref` identify it (the group key), `label` names it."""

    kind: str
    ref: str
    label: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.ref}"


def fix_target(
    rule_code: str,
    evidence: Mapping[str, Any] | None,
    *,
    campaign_id: int,
    channel_id: int,
    sku_id: int | None = None,
    country: str = "",
    scope: str = "",
) -> FixTarget:
    """The fact whose change would resolve this conflict (and every other one sharing it)."""
    evidence = evidence or {}
    sku = str(evidence.get("sku") or (f"#{sku_id}" if sku_id else ""))
    if rule_code in STOCK_RULES and sku_id:
        return FixTarget(SKU_STOCK, str(sku_id), _("Stock of %(sku)s") % {"sku": sku})
    if rule_code == "SKU_NOT_SELLABLE" and sku_id:
        return FixTarget(SKU_LISTING, str(sku_id), _("Product status of %(sku)s") % {"sku": sku})
    if rule_code == "PRICE_MISMATCH" and sku_id:
        return FixTarget(SKU_PRICE, str(sku_id), _("Store price of %(sku)s") % {"sku": sku})
    if rule_code == "SKU_COUNTRY_RESTRICTED" and sku_id:
        return FixTarget(
            SKU_RESTRICTIONS, str(sku_id), _("Shipping restrictions of %(sku)s") % {"sku": sku}
        )
    if rule_code in DELIVERY_RULES and evidence.get("method"):
        method = str(evidence["method"])
        return FixTarget(
            SHIPPING_METHOD, method, _("Shipping method %(method)s") % {"method": method}
        )
    if rule_code in DELIVERY_RULES or rule_code == "SHIPPING_COUNTRY_UNCOVERED":
        where = str(country or evidence.get("country") or "")
        if where:
            return FixTarget(
                SHIPPING_COUNTRY, where, _("Shipping to %(country)s") % {"country": where}
            )
    if rule_code == "SHIPPING_OPTION_NOT_IN_CHECKOUT" and evidence.get("option"):
        option = str(evidence["option"])
        return FixTarget(
            SHIPPING_OPTION,
            option,
            _("Checkout option %(option)s") % {"option": option.replace("_", " ")},
        )
    if rule_code == "PROMO_CODE_INVALID" and evidence.get("code"):
        code = str(evidence["code"]).upper()  # checkout matches codes case-insensitively
        return FixTarget(PROMO_CODE, code, _("Promo code %(code)s") % {"code": code})
    if rule_code == "RETURN_CLAIM_EXCEEDS_POLICY":
        policy = evidence.get("policy")
        if policy:
            return FixTarget(
                RETURN_POLICY, str(policy), _("Return policy %(policy)s") % {"policy": policy}
            )
        where = str(country or evidence.get("country") or "")
        return FixTarget(
            RETURN_POLICY,
            f"country {where}",
            _("Return policy for %(country)s") % {"country": where},
        )
    if rule_code == "SUPPORT_REPLY_CONTRADICTS" and evidence.get("reply"):
        reply = str(evidence["reply"])
        return FixTarget(SUPPORT_REPLY, reply, _("Support reply %(reply)s") % {"reply": reply})
    channel = str(evidence.get("channel") or f"#{channel_id}")
    if rule_code == "CHANNEL_GOVERNANCE_INCOMPLETE":
        return FixTarget(
            CHANNEL_GOVERNANCE,
            str(channel_id),
            _("Governance of %(channel)s") % {"channel": channel},
        )
    if rule_code == "CATALOG_SYNC_STALE":
        return FixTarget(
            CHANNEL_CATALOG,
            str(channel_id),
            _("Catalog sync of %(channel)s") % {"channel": channel},
        )
    if rule_code == "NATIVE_CHECKOUT_UNAVAILABLE":
        return FixTarget(
            CHANNEL_CHECKOUT,
            str(channel_id),
            _("Native checkout of %(channel)s") % {"channel": channel},
        )
    # Copy, claims, stop rules, disclosure, reservations: the campaign itself.
    return FixTarget(CAMPAIGN, str(campaign_id), _("Campaign #%(id)s") % {"id": campaign_id})


def fix_url(target: FixTarget) -> str:
    """Where the fact is edited."""
    kind, ref = target.kind, target.ref
    if kind in (SKU_STOCK, SKU_LISTING, SKU_PRICE, SKU_RESTRICTIONS):
        return reverse("catalog:sku-detail", args=[int(ref)])
    if kind == SHIPPING_METHOD:
        return _list("promises:shipping-list", q=ref)
    if kind == SHIPPING_COUNTRY:
        return _list("promises:shipping-list", country=ref)
    if kind == SHIPPING_OPTION:
        return _list("promises:shipping-list")
    if kind == PROMO_CODE:
        return _list("promises:promocode-list", q=ref)
    if kind == RETURN_POLICY:
        return _list("promises:return-list", q=ref if not ref.startswith("country ") else "")
    if kind == SUPPORT_REPLY:
        return _list("promises:reply-list", q=ref)
    if kind in (CHANNEL_GOVERNANCE, CHANNEL_CATALOG, CHANNEL_CHECKOUT):
        return reverse("insights:channel-detail", args=[int(ref)])
    return f"/campaigns/{int(ref)}/"


def _list(name: str, **query: str) -> str:
    query = {k: v for k, v in query.items() if v}
    return reverse(name) + (f"?{urlencode(query)}" if query else "")


# Conflicts grouped per request at most: past this the page says it shows a part (a queue of
# 20,000 standing conflicts groups in ~0.2 s; the groups, not the rows, are what people read).
GROUPING_LIMIT = 20_000
# Ids a group carries for its bulk actions (the bulk form's own ceiling).
GROUP_IDS = 500


@dataclass
class FixGroup:
    """The standing conflicts one fix would resolve."""

    target: FixTarget
    url: str = ""
    count: int = 0
    blockers: int = 0
    spend_at_risk: Any = 0
    ids: list[int] | None = None
    campaigns: set[int] | None = None
    countries: set[str] | None = None
    rules: set[str] | None = None

    @property
    def key(self) -> str:
        return self.target.key

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "kind": self.target.kind,
            "label": self.target.label,
            "fix_url": self.url,
            "count": self.count,
            "blockers": self.blockers,
            "campaigns": len(self.campaigns or ()),
            "countries": sorted(self.countries or ()),
            "rules": sorted(self.rules or ()),
            "spend_at_risk": self.spend_at_risk,
            "ids": self.ids or [],
        }


def fix_groups(conflicts, *, limit: int = GROUPING_LIMIT) -> tuple[list[FixGroup], bool]:
    """Group `conflicts` (a queryset annotated with `spend_at_risk`) by fix target, the
    largest group first; also says whether `limit` cut the read short. One query."""
    from decimal import Decimal

    rows = conflicts.order_by("pk").values_list(
        "pk",
        "rule_code",
        "evidence",
        "campaign_id",
        "campaign__channel_id",
        "sku_id",
        "country",
        "scope",
        "severity",
        "spend_at_risk",
    )[: limit + 1]
    rows = list(rows)
    truncated = len(rows) > limit
    groups: dict[str, FixGroup] = {}
    for pk, rule, evidence, campaign, channel, sku, country, scope, severity, risk in rows[:limit]:
        target = fix_target(
            rule,
            evidence,
            campaign_id=campaign,
            channel_id=channel,
            sku_id=sku,
            country=str(country or ""),
            scope=scope,
        )
        group = groups.get(target.key)
        if group is None:
            group = groups[target.key] = FixGroup(
                target, ids=[], campaigns=set(), countries=set(), rules=set()
            )
            group.spend_at_risk = Decimal("0.00")
        group.count += 1
        group.blockers += severity == "blocker"
        group.spend_at_risk += Decimal(str(risk or 0))
        group.campaigns.add(campaign)
        group.rules.add(rule)
        if country:
            group.countries.add(str(country))
        if len(group.ids) < GROUP_IDS:
            group.ids.append(pk)
    ordered = sorted(groups.values(), key=lambda g: (-g.blockers, -g.count, g.target.label))
    for group in ordered:
        group.url = fix_url(group.target)
    return ordered, truncated

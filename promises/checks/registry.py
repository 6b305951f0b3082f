"""The registry of rules: each has a stable code, a default severity and a plain statement."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from promises.checks.facts import CampaignFacts, CheckContext


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a rule found wrong with a campaign, about a SKU, a country or the whole."""

    rule_code: str
    campaign_id: int
    scope: str  # "" (the campaign), "sku:<id>", "country:<CC>", "code:<CODE>", "reply:<id>"
    message: str
    evidence: dict[str, Any]
    sku_id: int | None = None
    country: str = ""
    data_as_of: datetime | None = None


RuleBody = Callable[[CampaignFacts, CheckContext, "Emit"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    family: str
    body: RuleBody  # the function as written: (campaign, ctx, emit) -> findings
    # Its outcome depends on stock (available units, other campaigns' reservations and demand):
    # a stock change re-checks only these rules, for only the SKUs whose stock changed. Such a
    # rule reads nothing of an item's SKU but that SKU, and finds only `emit.sku` of it.
    reads_stock: bool = False

    def check(self, campaign: CampaignFacts, ctx: CheckContext) -> Iterable[Finding]:
        """The rule's findings for one campaign, each stamped with the rule's code."""
        return self.body(campaign, ctx, Emit(self.code, campaign))

    @property
    def statement(self) -> str:
        """The rule's business statement, as the UI shows it (its docstring)."""
        return " ".join((self.body.__doc__ or "").split())


# Filled when `promises.checks.rules` is imported, which PromisesConfig.ready() does.
RULES: dict[str, Rule] = {}


def rule(code: str, severity: str, *, reads_stock: bool = False) -> Callable[[RuleBody], RuleBody]:
    """Register a rule function under a stable code with its default severity.

    The function takes `(campaign, ctx, emit)`: `emit` builds its findings under this code,
    so the code is written once. Its family is the module it lives in (`stock`, `pricing`...).
    `reads_stock`: its outcome for an item depends on the stock of the item's SKU (see Rule).
    """

    def register(body: RuleBody) -> RuleBody:
        if code in RULES:
            raise ValueError(f"Rule {code} is registered twice")
        family = body.__module__.rsplit(".", 1)[-1]
        RULES[code] = Rule(
            code=code, severity=severity, family=family, body=body, reads_stock=reads_stock
        )
        return body

    return register


class Emit:
    """Builds a rule's findings for one campaign with the scope filled in consistently."""

    def __init__(self, code: str, campaign: CampaignFacts) -> None:
        self.code = code
        self.campaign = campaign

    def campaign_wide(self, message: str, evidence: dict, as_of: datetime | None = None) -> Finding:
        return Finding(self.code, self.campaign.id, "", message, evidence, data_as_of=as_of)

    def sku(
        self, sku_id: int, message: str, evidence: dict, as_of: datetime | None = None
    ) -> Finding:
        return Finding(
            self.code,
            self.campaign.id,
            sku_scope(sku_id),
            message,
            evidence,
            sku_id=sku_id,
            data_as_of=as_of,
        )

    def country(
        self,
        country: str,
        message: str,
        evidence: dict,
        as_of: datetime | None = None,
        suffix: str = "",
    ) -> Finding:
        scope = f"country:{country}" + (f":{suffix}" if suffix else "")
        return Finding(
            self.code, self.campaign.id, scope, message, evidence, country=country, data_as_of=as_of
        )

    def keyed(
        self, key: str, message: str, evidence: dict, as_of: datetime | None = None
    ) -> Finding:
        return Finding(self.code, self.campaign.id, key, message, evidence, data_as_of=as_of)


def all_rules() -> Iterator[Rule]:
    """Every registered rule, in registration order (family by family)."""
    yield from RULES.values()


def stock_rule_codes() -> frozenset[str]:
    """The codes of the rules whose outcome depends on stock."""
    return frozenset(code for code, rule in RULES.items() if rule.reads_stock)


def sku_scope(sku_id: int) -> str:
    """The scope of a finding about one SKU of a campaign (what `Emit.sku` writes)."""
    return f"sku:{sku_id}"


def oldest(*moments: datetime | None) -> datetime | None:
    """The oldest of the update times of the data a finding used: how stale it may be."""
    known = [m for m in moments if m is not None]
    return min(known) if known else None

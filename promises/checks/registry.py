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

    def check(self, campaign: CampaignFacts, ctx: CheckContext) -> Iterable[Finding]:
        """The rule's findings for one campaign, each stamped with the rule's code."""
        return self.body(campaign, ctx, Emit(self.code, campaign))

    @property
    def statement(self) -> str:
        """The rule's business statement, as the UI shows it (its docstring)."""
        return " ".join((self.body.__doc__ or "").split())


# Filled when `promises.checks.rules` is imported, which PromisesConfig.ready() does.
RULES: dict[str, Rule] = {}


def rule(code: str, severity: str) -> Callable[[RuleBody], RuleBody]:
    """Register a rule function under a stable code with its default severity.

    The function takes `(campaign, ctx, emit)`: `emit` builds its findings under this code,
    so the code is written once. Its family is the module it lives in (`stock`, `pricing`...).
    """

    def register(body: RuleBody) -> RuleBody:
        if code in RULES:
            raise ValueError(f"Rule {code} is registered twice")
        family = body.__module__.rsplit(".", 1)[-1]
        RULES[code] = Rule(code=code, severity=severity, family=family, body=body)
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
            f"sku:{sku_id}",
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


def oldest(*moments: datetime | None) -> datetime | None:
    """The oldest of the update times of the data a finding used: how stale it may be."""
    known = [m for m in moments if m is not None]
    return min(known) if known else None

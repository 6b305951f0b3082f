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


RuleFunction = Callable[[CampaignFacts, CheckContext], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    family: str
    check: RuleFunction

    @property
    def statement(self) -> str:
        """The rule's business statement, as the UI shows it (its docstring)."""
        return " ".join((self.check.__doc__ or "").split())


RULES: dict[str, Rule] = {}


def rule(code: str, severity: str) -> Callable[[RuleFunction], RuleFunction]:
    """Register a rule function under a stable code with its default severity."""

    def register(check: RuleFunction) -> RuleFunction:
        if code in RULES:
            raise ValueError(f"Rule {code} is registered twice")
        family = check.__module__.rsplit(".", 1)[-1]
        RULES[code] = Rule(code=code, severity=severity, family=family, check=check)
        return check

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
    # Importing the families registers their rules.
    from promises.checks import campaign, pricing, returns, shipping, stock  # noqa: F401

    yield from RULES.values()


def oldest(*moments: datetime | None) -> datetime | None:
    """The oldest of the update times of the data a finding used: how stale it may be."""
    known = [m for m in moments if m is not None]
    return min(known) if known else None

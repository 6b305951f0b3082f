"""The registry of rules: each has a stable code, a default severity and a plain statement."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext

from promises.checks.facts import CampaignFacts, CheckContext
from promises.checks.messages import Say


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a rule found wrong with a campaign, about a SKU, a country or the whole."""

    rule_code: str
    campaign_id: int
    scope: str  # "" (the campaign), "sku:<id>", "country:<CC>", "code:<CODE>", "reply:<id>"
    message: str  # in English, as stored and as API clients read it
    evidence: dict[str, Any]
    sku_id: int | None = None
    country: str = ""
    data_as_of: datetime | None = None
    # The message as template and params (`Say.as_json()`), to say it in each reader's
    # language; None for a message given as plain text.
    parts: dict[str, Any] | None = None


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
        """The rule's business statement, as the UI shows it: its docstring, in the active
        language (promises/checks/statements.py marks each for the catalog)."""
        english = " ".join((self.body.__doc__ or "").split())
        return gettext(english) if english else ""


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
    """Builds a rule's findings for one campaign with the scope filled in consistently.

    A message is a `say(...)` (see promises/checks/messages.py): the finding keeps its
    English text and its parts. Plain text is still taken, and is stored as it is.
    """

    def __init__(self, code: str, campaign: CampaignFacts) -> None:
        self.code = code
        self.campaign = campaign

    def campaign_wide(
        self, message: Say | str, evidence: dict, as_of: datetime | None = None
    ) -> Finding:
        return self._finding("", message, evidence, as_of)

    def sku(
        self, sku_id: int, message: Say | str, evidence: dict, as_of: datetime | None = None
    ) -> Finding:
        return self._finding(sku_scope(sku_id), message, evidence, as_of, sku_id=sku_id)

    def country(
        self,
        country: str,
        message: Say | str,
        evidence: dict,
        as_of: datetime | None = None,
        suffix: str = "",
    ) -> Finding:
        scope = f"country:{country}" + (f":{suffix}" if suffix else "")
        return self._finding(scope, message, evidence, as_of, country=country)

    def keyed(
        self, key: str, message: Say | str, evidence: dict, as_of: datetime | None = None
    ) -> Finding:
        return self._finding(key, message, evidence, as_of)

    def _finding(
        self,
        scope: str,
        message: Say | str,
        evidence: dict,
        as_of: datetime | None,
        sku_id: int | None = None,
        country: str = "",
    ) -> Finding:
        if isinstance(message, Say):
            text, parts = message.english(), message.as_json()
        else:
            text, parts = message, None
        return Finding(
            self.code,
            self.campaign.id,
            scope,
            text,
            evidence,
            sku_id=sku_id,
            country=country,
            data_as_of=as_of,
            parts=parts,
        )


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

"""What the checks say about one campaign: every rule's verdict, and the verdict before saving.

The campaign page lists every rule of the registry, so marketing sees what passed as well as
what failed. The preview answers "what would the checks say if I saved this?": the rules run
on the campaign as typed, in memory (`promises.checks.preview`), and their findings are shown
as the conflicts saving would open. Nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import pgettext

from campaigns.models import Campaign, CampaignClaim, CampaignItem
from promises.checks.preview import preview_checks
from promises.checks.registry import all_rules
from promises.choices import SEVERITY_ORDER, ConflictState, Readiness, Severity, severity_rank
from promises.models import Conflict, RuleSetting
from promises.querysets import STANDING

PASS, OFF, WAIVED = "pass", "off", "waived"


@dataclass
class RuleVerdict:
    """One rule's line in a campaign's checklist."""

    code: str
    statement: str
    family: str
    severity: str  # the rule's configured severity
    outcome: str  # pass / warning / blocker / waived / off
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def label(self) -> str:
        labels = {
            PASS: pgettext("rule outcome", "Pass"),
            OFF: pgettext("rule outcome", "Off"),
            WAIVED: pgettext("rule outcome", "Waived"),
        }
        return labels.get(
            self.outcome, Severity(self.outcome).label if self.outcome in Severity else ""
        )

    @property
    def badge(self) -> str:
        return {PASS: "ok", OFF: "neutral", WAIVED: "waived"}.get(self.outcome, self.outcome)


def rule_settings() -> dict[str, tuple[str, bool]]:
    return {
        code: (severity, enabled)
        for code, severity, enabled in RuleSetting.objects.values_list(
            "rule_code", "severity", "enabled"
        )
    }


def checklist(conflicts: Iterable[Conflict], settings: dict[str, tuple[str, bool]]) -> list:
    """Every registered rule with its outcome for a campaign, failing rules first.

    `conflicts`: the campaign's unresolved conflicts (standing and waived).
    """
    by_rule: dict[str, list[Conflict]] = {}
    for conflict in conflicts:
        by_rule.setdefault(conflict.rule_code, []).append(conflict)
    verdicts = []
    for rule in all_rules():
        severity, enabled = settings.get(rule.code, (rule.severity, True))
        found = by_rule.get(rule.code, [])
        standing = [c for c in found if c.state in STANDING]
        if standing:
            blocking = any(c.severity == Severity.BLOCKER for c in standing)
            outcome = Severity.BLOCKER if blocking else standing[0].severity
        elif found:
            outcome = WAIVED
        elif not enabled:
            outcome = OFF
        else:
            outcome = PASS
        verdicts.append(
            RuleVerdict(rule.code, rule.statement, rule.family, severity, str(outcome), found)
        )
    # Findings by severity, then waived, passing and switched-off rules.
    order = {**{s: severity_rank(s) for s in SEVERITY_ORDER}, WAIVED: 3, PASS: 4}
    return sorted(verdicts, key=lambda v: (order.get(v.outcome, 5), v.family, v.code))


def readiness(conflicts: Iterable[Conflict]) -> str:
    """Readiness as annotate_readiness computes it, from conflicts already in memory."""
    standing = [c for c in conflicts if c.state in STANDING]
    if any(c.severity == Severity.BLOCKER for c in standing):
        return Readiness.BLOCKED
    if any(c.severity == Severity.WARNING for c in standing):
        return Readiness.AT_RISK
    return Readiness.READY


# --- The preview -----------------------------------------------------------------------------


@dataclass
class Verdict:
    """What the checks say about an unsaved (or draft) campaign."""

    conflicts: list[Conflict]  # unsaved: the conflicts saving it would open
    errors: list[dict]
    checked: bool

    @property
    def blockers(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.severity == Severity.BLOCKER]

    @property
    def warnings(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.severity == Severity.WARNING]

    @property
    def readiness(self) -> str:
        return readiness(self.conflicts)


def preview_verdict(
    campaign: Campaign,
    items: Iterable[CampaignItem],
    entered_claims: Iterable[CampaignClaim],
    *,
    edited: bool = True,
) -> Verdict:
    """The checks' verdict on a campaign as typed (see `preview_checks`), as open conflicts.

    Conflicts are listed in the order the campaign page lists stored ones.
    """
    preview = preview_checks(campaign, items, entered_claims, edited=edited)
    conflicts = [
        Conflict(
            campaign_id=campaign.pk,
            rule_code=finding.rule_code,
            scope=finding.scope,
            severity=preview.severities[finding.rule_code],
            state=ConflictState.OPEN,
            message=finding.message,
            message_parts=finding.parts,
            evidence=finding.evidence,
            sku_id=finding.sku_id,
            country=finding.country,
            data_as_of=finding.data_as_of,
        )
        for finding in preview.findings
    ]
    conflicts.sort(key=lambda c: (severity_rank(c.severity), c.rule_code, c.scope))
    return Verdict(conflicts=conflicts, errors=preview.errors, checked=preview.checked)

"""What the checks say about one campaign: every rule's verdict, and a dry run before saving.

The campaign page lists every rule of the registry, so marketing sees what passed as well as
what failed. The dry run answers "what would the checks say if I saved this?": it saves the
form's campaign inside a transaction, runs the real engine on it, reads the conflicts, and
rolls everything back, so the verdict is the engine's own and nothing of it persists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction

from campaigns.choices import CampaignStatus
from campaigns.models import Campaign
from promises.checks.engine import run_checks
from promises.checks.registry import all_rules
from promises.choices import CheckTrigger, ConflictState, Readiness, Severity
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
        return {PASS: "Pass", OFF: "Off", WAIVED: "Waived"}.get(
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
    order = {Severity.BLOCKER: 0, Severity.WARNING: 1, Severity.INFO: 2, WAIVED: 3, PASS: 4}
    return sorted(verdicts, key=lambda v: (order.get(v.outcome, 5), v.family, v.code))


def readiness(conflicts: Iterable[Conflict]) -> str:
    """Readiness as annotate_readiness computes it, from conflicts already in memory."""
    standing = [c for c in conflicts if c.state in STANDING]
    if any(c.severity == Severity.BLOCKER for c in standing):
        return Readiness.BLOCKED
    if any(c.severity == Severity.WARNING for c in standing):
        return Readiness.AT_RISK
    return Readiness.READY


def evidence_rows(evidence: Any) -> list[tuple[str, str]]:
    """A conflict's evidence as (label, text) lines a person can read."""
    if not isinstance(evidence, dict):
        return [("Evidence", _text(evidence))] if evidence not in (None, "", [], {}) else []
    return [
        (str(key).replace("_", " ").capitalize(), _text(value)) for key, value in evidence.items()
    ]


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value) or "none"
    if isinstance(value, dict):
        return "; ".join(f"{str(k).replace('_', ' ')}: {_text(v)}" for k, v in value.items())
    return str(value)


# --- The dry run ----------------------------------------------------------------------------


@dataclass
class Verdict:
    """What the engine says about an unsaved (or draft) campaign."""

    conflicts: list[Conflict]
    errors: list[dict]
    checked: bool
    checked_at: datetime | None = None

    @property
    def blockers(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.severity == Severity.BLOCKER]

    @property
    def warnings(self) -> list[Conflict]:
        return [c for c in self.conflicts if c.severity == Severity.WARNING]

    @property
    def readiness(self) -> str:
        return readiness(self.conflicts)


class _RollBack(Exception):
    """Raised to undo a dry run's writes once its verdict has been read."""


def dry_run(save: Callable[[], Campaign]) -> Verdict:
    """Run the checks on what `save()` writes, read the verdict, and undo every write.

    A draft is checked as if submitted for review (drafts are not checked otherwise), so the
    verdict is what marketing will face. Triggers registered on commit are dropped with the
    rollback, and the CheckRun, conflicts and their events vanish with it.
    """
    verdict = Verdict(conflicts=[], errors=[], checked=False)
    try:
        with transaction.atomic():
            campaign = save()
            if campaign.status in (CampaignStatus.DRAFT,):
                Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.IN_REVIEW)
            run = run_checks([campaign.pk], trigger=CheckTrigger.MANUAL, processes=1).run
            verdict.checked = run.campaigns_checked > 0
            verdict.checked_at = run.started_at
            verdict.errors = list(run.error_details)
            verdict.conflicts = list(
                Conflict.objects.filter(campaign_id=campaign.pk, state=ConflictState.OPEN)
                .select_related("sku")
                .order_by_severity("rule_code", "scope")
            )
            raise _RollBack
    except _RollBack:
        pass
    return verdict

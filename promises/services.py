"""Writes and business operations on campaigns' lifecycle and conflicts.

The pages and the API call these, so the rules (a blocked campaign cannot be scheduled, a
waiver needs a reason and an expiry) hold whichever door a user comes through.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaigns.choices import CampaignStatus
from campaigns.models import Campaign
from campaigns.services import GATED, change_status, check_transition
from promises.checks.engine import run_checks
from promises.checks.messages import localized
from promises.choices import CheckTrigger, ConflictEventKind, ConflictState, Readiness
from promises.models import CheckRun, Conflict, ConflictEvent
from promises.querysets import STANDING, annotate_readiness
from promises.signals import conflicts_waived

# A waiver is a promise to fix later, not a way to silence a rule for good.
MAX_WAIVER = timedelta(days=30)

# The history notes the conflict actions store. They stay in English, like every stored
# note (API clients read them); the conflict page shows them in the reader's language
# (`promises.views.conflicts.history_note` reads them back with these formats).
ASSIGNED_NOTE = "Assigned to {assignee}"
UNASSIGNED_NOTE = "Unassigned"
WAIVED_NOTE = "Until {until}: {reason}"
WAIVED_UNTIL_FORMAT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class Blocker:
    rule_code: str
    message: str  # in English, as stored
    message_localized: str = ""  # in the language of the person who asked for the move


class CampaignBlocked(Exception):
    """The campaign has standing blockers; they must be fixed or waived first."""

    def __init__(self, campaign: Campaign, blockers: list[Blocker]) -> None:
        self.campaign = campaign
        self.blockers = blockers
        reasons = "; ".join(f"{b.rule_code}: {b.message}" for b in blockers)
        super().__init__(f"{campaign.name} is blocked: {reasons}")


def readiness_of(campaign: Campaign) -> str:
    return annotate_readiness(Campaign.objects.filter(pk=campaign.pk)).get().readiness


def change_campaign_status(campaign: Campaign, status: str, actor=None) -> Campaign:
    """Move a campaign to `status`, refusing a blocked one as it is scheduled or goes live.

    Checks run first, synchronously, so the verdict uses the data as it is now. Which moves
    the lifecycle allows is the campaigns app's business (`campaigns.services`).
    """
    check_transition(campaign.status, status)  # before running checks for a move refused anyway
    if status not in GATED:
        return change_status(campaign, status)
    # STOP_RULE_TRIPPED and the other rules judge a paused campaign as it stands, so a
    # campaign paused on its stop rule is still blocked when it asks to go live again.
    run_checks([campaign.pk], trigger=CheckTrigger.MANUAL)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        check_transition(campaign.status, status)  # the stored status, not the caller's copy
        blockers = list(
            Conflict.objects.blockers()
            .filter(campaign=campaign)
            .order_by("rule_code", "scope")
            .values_list("rule_code", "message", "message_parts")
        )
        if blockers:
            raise CampaignBlocked(
                campaign,
                [Blocker(code, text, localized(text, parts)) for code, text, parts in blockers],
            )
        went_live_ready = None
        if status == CampaignStatus.LIVE and campaign.went_live_ready is None:
            went_live_ready = readiness_of(campaign) == Readiness.READY
        return change_status(campaign, status, went_live_ready=went_live_ready)


# --- Conflicts -----------------------------------------------------------------------------


def _change(conflicts: Iterable[Conflict], actor, kind: str, note: str = "", **fields) -> int:
    """Apply `fields` to each conflict and record one event per conflict."""
    now = timezone.now()
    changed, events = [], []
    for conflict in conflicts:
        old = conflict.state
        for name, value in fields.items():
            setattr(conflict, name, value)
        conflict.updated_at = now
        changed.append(conflict)
        events.append(
            ConflictEvent(
                conflict=conflict,
                at=now,
                actor=actor,
                kind=kind,
                from_state=old,
                to_state=conflict.state,
                note=note,
            )
        )
    if changed:
        Conflict.objects.bulk_update(changed, [*fields, "updated_at"])
        ConflictEvent.objects.bulk_create(events)
    return len(changed)


def _locked(ids: Iterable[int]) -> list[Conflict]:
    """The conflicts, locked after their campaigns: the engine's reconciler locks campaigns
    too, so a waiver and a sweep over the same campaign take turns instead of racing."""
    ids = list(ids)
    campaigns = Conflict.objects.filter(pk__in=ids).values("campaign_id")
    list(
        Campaign.objects.filter(pk__in=campaigns)
        .order_by("pk")
        .select_for_update()
        .values_list("pk", flat=True)
    )
    return list(Conflict.objects.filter(pk__in=ids).order_by("pk").select_for_update())


@transaction.atomic
def acknowledge_conflicts(ids: Iterable[int], actor) -> int:
    """Mark open conflicts as seen and being worked on."""
    conflicts = [c for c in _locked(ids) if c.state == ConflictState.OPEN]
    return _change(
        conflicts, actor, ConflictEventKind.ACKNOWLEDGED, state=ConflictState.ACKNOWLEDGED
    )


def ops_users() -> QuerySet:
    """People who may work conflicts: the ones a conflict can be assigned to."""
    user_model = get_user_model()
    return (
        user_model._default_manager.with_perm("promises.change_conflict")
        .filter(is_active=True)
        .order_by(user_model.USERNAME_FIELD)
    )


@transaction.atomic
def assign_conflicts(ids: Iterable[int], assignee, actor) -> int:
    """Give the conflicts to someone who works conflicts, or to no one (None)."""
    if assignee is not None and not ops_users().filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": _("Choose someone who works conflicts.")})
    conflicts = [c for c in _locked(ids) if c.assignee_id != getattr(assignee, "pk", None)]
    note = ASSIGNED_NOTE.format(assignee=assignee) if assignee else UNASSIGNED_NOTE
    return _change(conflicts, actor, ConflictEventKind.ASSIGNED, note, assignee=assignee)


def validate_waiver(reason: str, until: datetime | None, now: datetime) -> dict[str, str]:
    """What is wrong with a waiver's reason and expiry, by field (empty: nothing).

    The one statement of the rule: the forms show these messages on their fields and
    `waive_conflicts` refuses with them, so every door says the same.
    """
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = _("A waiver needs a reason.")
    if until is None:
        errors["until"] = _("A waiver needs an expiry.")
    elif until <= now:
        errors["until"] = _("A waiver needs an expiry in the future.")
    elif until - now > MAX_WAIVER:
        days = MAX_WAIVER.days
        errors["until"] = ngettext(
            "A waiver may last %(days)s day at most.",
            "A waiver may last %(days)s days at most.",
            days,
        ) % {"days": days}
    return errors


@transaction.atomic
def waive_conflicts(ids: Iterable[int], actor, *, reason: str, until: datetime) -> int:
    """Accept standing conflicts until `until`, for a stated reason; they reopen after."""
    errors = validate_waiver(reason, until, timezone.now())
    if errors:
        raise ValidationError(errors)
    reason = reason.strip()
    conflicts = [c for c in _locked(ids) if c.state in STANDING]
    changed = _change(
        conflicts,
        actor,
        ConflictEventKind.WAIVED,
        WAIVED_NOTE.format(until=until.strftime(WAIVED_UNTIL_FORMAT), reason=reason),
        state=ConflictState.WAIVED,
        waived_until=until,
        waiver_reason=reason,
    )
    waived = [c.pk for c in conflicts]
    if waived and conflicts_waived.receivers:
        transaction.on_commit(lambda: conflicts_waived.send(sender=Conflict, conflict_ids=waived))
    return changed


def record_enforcement(conflict_ids: Iterable[int], note: str) -> int:
    """Note on each conflict what was done about it on an ad platform (paused, turned back
    on, refused): a history row, the conflict itself unchanged."""
    now = timezone.now()
    events = [
        ConflictEvent(
            conflict_id=pk,
            at=now,
            kind=ConflictEventKind.ENFORCEMENT,
            from_state=state,
            to_state=state,
            note=note[:2000],
        )
        for pk, state in Conflict.objects.filter(pk__in=list(conflict_ids)).values_list(
            "pk", "state"
        )
    ]
    ConflictEvent.objects.bulk_create(events)
    return len(events)


@transaction.atomic
def note_fix(ids: Iterable[int], actor, note: str) -> int:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what was fixed.")})
    return _change(_locked(ids), actor, ConflictEventKind.NOTE, note, fix_note=note)


@dataclass(frozen=True)
class Resolution:
    """What a fix note and the re-check it triggers came to, conflict by conflict."""

    run: CheckRun
    resolved: list[Conflict]
    still_found: list[Conflict]


def resolve_conflicts(ids: Iterable[int], actor, note: str) -> Resolution:
    """Record what was fixed on the conflicts, then re-check their campaigns at once.

    Only the checks resolve a conflict: one whose rule still fires stays as it was, with the
    note in its history, and is reported as still found.
    """
    ids = list(ids)
    note_fix(ids, actor, note)  # committed first: the checks lock the campaigns themselves
    campaigns = sorted(
        set(Conflict.objects.filter(pk__in=ids).values_list("campaign_id", flat=True))
    )
    result = run_checks(campaigns, trigger=CheckTrigger.MANUAL)
    after = list(Conflict.objects.filter(pk__in=ids).order_by("pk"))
    return Resolution(
        run=result.run,
        resolved=[c for c in after if c.state == ConflictState.RESOLVED],
        still_found=[c for c in after if c.state != ConflictState.RESOLVED],
    )


@transaction.atomic
def request_waiver(conflict_id: int, actor, reason: str) -> ConflictEvent:
    """Record that someone (typically marketing) asks ops to waive a standing conflict.

    A request changes nothing about the conflict: ops grant it by waiving, or not.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the conflict should be waived.")})
    conflict = next(iter(_locked([conflict_id])), None)
    if conflict is None:
        raise ValidationError(_("This conflict no longer exists."))
    if conflict.state not in STANDING:
        state = conflict.get_state_display().lower()
        raise ValidationError(
            {"reason": _("This conflict is %(state)s: nothing to waive.") % {"state": state}}
        )
    return ConflictEvent.objects.create(
        conflict=conflict,
        at=timezone.now(),
        actor=actor,
        kind=ConflictEventKind.WAIVER_REQUESTED,
        from_state=conflict.state,
        to_state=conflict.state,
        note=reason,
    )

"""Enforcement: pause a live synced ad when a blocker opens on its campaign, and turn it back
on when every blocker that caused the pause is resolved or waived.

What SocialOps may change on a platform is the status of an ad, and only to pause it and to
undo its own pause: an ad is turned back on only if SocialOps paused it and its status on the
platform is still the one SocialOps set (someone who changed it since decided; it is left
alone). Each channel's policy (EnforcementPolicy) says off, notify only (the default) or
pause, and whether it is a dry run. Guardrails: a cooldown per ad after SocialOps turned it
back on, a cap of pauses per connection and hour. Every decision, done or not, is an
EnforcementAction row: the audit log.

The check run's signal (promises.signals.conflicts_changed) arrives after the run committed;
`enforce` plans in its own transaction, and each platform call is its own task after that
commits (integrations.tasks.apply_enforcement_task), never inside a sweep.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from campaigns.choices import CampaignStatus
from campaigns.models import Campaign
from common.enqueue import enqueue
from common.texts import Said, parts_of, said_by, say
from integrations.choices import (
    ConnectionKind,
    EnforcementKind,
    EnforcementMode,
    EnforcementOutcome,
)
from integrations.clients.http import IntegrationError, Unavailable
from integrations.clients.meta import MetaClient
from integrations.clients.pinterest import PinterestClient
from integrations.clients.tiktok import TikTokClient
from integrations.crypto import CredentialsUnreadable
from integrations.models import Connection, EnforcementAction, EnforcementPolicy, ExternalRef
from integrations.signals import enforcement_refused
from integrations.sync.ads import AD
from promises.models import Conflict
from promises.querysets import STANDING
from promises.services import record_enforcement

logger = logging.getLogger(__name__)

HOUR = timedelta(hours=1)
# The platform status SocialOps sets to pause an ad, and to turn it back on.
STATUSES: dict[str, tuple[str, str]] = {
    ConnectionKind.META: ("PAUSED", "ACTIVE"),
    ConnectionKind.TIKTOK: ("DISABLE", "ENABLE"),
    ConnectionKind.PINTEREST: ("PAUSED", "ACTIVE"),
}
PLATFORMS = {
    ConnectionKind.META: "Meta",
    ConnectionKind.TIKTOK: "TikTok",
    ConnectionKind.PINTEREST: "Pinterest",
}
# A pause still in force: sent or about to be, and not undone.
IN_FORCE = (EnforcementOutcome.PENDING, EnforcementOutcome.OK)


# --- Policies -----------------------------------------------------------------------------


def policy_for(channel_id: int) -> EnforcementPolicy:
    """The channel's policy; an unsaved "notify only" one for a channel without a row."""
    return EnforcementPolicy.objects.filter(channel_id=channel_id).first() or EnforcementPolicy(
        channel_id=channel_id
    )


def set_policy(
    channel,
    user,
    *,
    mode: str,
    dry_run: bool,
    cooldown_minutes: int,
    max_pauses_per_hour: int,
) -> EnforcementPolicy:
    """Save a channel's policy, remembering who set it (named on the actions it allows)."""
    policy, _ = EnforcementPolicy.objects.update_or_create(
        channel=channel,
        defaults={
            "mode": mode,
            "dry_run": dry_run,
            "cooldown_minutes": cooldown_minutes,
            "max_pauses_per_hour": max_pauses_per_hour,
            "updated_by": user,
        },
    )
    return policy


def is_enforcing() -> bool:
    """Whether there can be anything to do: a channel on "pause", or a pause to undo. Checked
    before a task is enqueued, so a store without enforcement pays one query per run."""
    return (
        EnforcementPolicy.objects.filter(mode=EnforcementMode.PAUSE).exists()
        or EnforcementAction.objects.filter(
            kind=EnforcementKind.PAUSE, outcome__in=IN_FORCE, undone_by__isnull=True
        ).exists()
    )


# --- Planning -------------------------------------------------------------------------------


def cause(conflict: Conflict) -> str:
    """A blocker as a note names it: STOCK_OUT SERUM-30, SHIPPING_PROMISE FR."""
    where = conflict.sku.code if conflict.sku_id else str(conflict.country or "")
    return f"{conflict.rule_code} {where}".strip()


def _at(now: datetime) -> str:
    return f"{timezone.localtime(now):%H:%M}"


@dataclass
class Planned:
    """What `enforce` decided: the actions to send, and the counts for the task's result."""

    to_send: list[int]
    paused: int = 0
    resumed: int = 0
    skipped: int = 0
    linked: int = 0


def enforce(
    run_id: int | None,
    opened_ids: Iterable[int],
    ended_ids: Iterable[int],
    now: datetime | None = None,
) -> Planned:
    """Plan the pauses the newly standing blockers call for, and the turn-back-ons the ended
    ones allow; the platform calls are sent after commit, one task each."""
    now = now or timezone.now()
    planned = Planned(to_send=[])
    with transaction.atomic():
        _plan_pauses(run_id, list(opened_ids), now, planned)
        _plan_resumes(run_id, list(ended_ids), now, planned)
        to_send = list(planned.to_send)
        transaction.on_commit(lambda: _enqueue(to_send))
    return planned


def _enqueue(action_ids: list[int]) -> None:
    from integrations.tasks import apply_enforcement_task

    for pk in action_ids:
        if not enqueue(apply_enforcement_task, pk):
            logger.warning("Enforcement action %s not enqueued; it stays pending", pk)


def _plan_pauses(run_id: int | None, ids: list[int], now: datetime, planned: Planned) -> None:
    if not ids:
        return
    blockers = list(
        Conflict.objects.blockers().filter(pk__in=ids).select_related("campaign", "sku")
    )
    by_campaign: dict[int, list[Conflict]] = defaultdict(list)
    for conflict in blockers:
        if conflict.campaign.synced_from:
            by_campaign[conflict.campaign_id].append(conflict)
    if not by_campaign:
        return
    refs = list(
        ExternalRef.objects.filter(
            kind=AD,
            content_type=ContentType.objects.get_for_model(Campaign),
            object_id__in=list(by_campaign),
            connection__kind__in=list(STATUSES),
        )
        .select_related("connection")
        .order_by("connection_id", "external_id")
    )
    policies: dict[int, EnforcementPolicy] = {}
    # Locked in id order: two runs pausing ads of one connection count its hourly pauses in
    # turn, so the cap holds.
    connection_ids = sorted({ref.connection_id for ref in refs})
    list(Connection.objects.filter(pk__in=connection_ids).order_by("pk").select_for_update())
    for ref in refs:
        conflicts = by_campaign[ref.object_id]
        campaign = conflicts[0].campaign
        standing = _in_force(ref.connection_id, ref.external_id)
        if standing is not None:
            # Already paused by SocialOps: this blocker must end too before it is undone.
            standing.conflicts.add(*conflicts)
            planned.linked += 1
            continue
        channel_id = campaign.channel_id
        if channel_id not in policies:
            policies[channel_id] = policy_for(channel_id)
        policy = policies[channel_id]
        if policy.mode != EnforcementMode.PAUSE or campaign.status != CampaignStatus.LIVE:
            continue
        skipped = _guardrail(ref, policy, now)
        pause = STATUSES[ref.connection.kind][0]
        platform = PLATFORMS[ref.connection.kind]
        causes = ", ".join(cause(c) for c in conflicts)
        reason = say(gettext_noop("Blockers: %(causes)s"), causes=causes)
        action = EnforcementAction.objects.create(
            connection=ref.connection,
            campaign=campaign,
            external_id=ref.external_id,
            kind=EnforcementKind.PAUSE,
            dry_run=policy.dry_run,
            check_run_id=run_id,
            policy_set_by_id=policy.updated_by_id,
            status_set=pause,
            reason=str(reason),
            reason_parts=reason.parts,
        )
        action.conflicts.add(*conflicts)
        if skipped:
            _finish(
                action,
                EnforcementOutcome.SKIPPED,
                say(gettext_noop("Not paused: %(why)s"), why=skipped),
                now,
            )
            note = f"Not paused on {platform} at {_at(now)}: {skipped}"
            record_enforcement([c.pk for c in conflicts], note)
            planned.skipped += 1
        elif policy.dry_run:
            said = say(
                gettext_noop(
                    "Dry run: would have paused on %(platform)s at %(time)s because %(causes)s"
                ),
                platform=platform,
                time=_at(now),
                causes=causes,
            )
            _finish(action, EnforcementOutcome.OK, said, now)
            note = str(said)
            record_enforcement([c.pk for c in conflicts], note)
            Campaign.objects.filter(pk=campaign.pk).update(enforcement_note=note[:500])
            planned.paused += 1
        else:
            planned.to_send.append(action.pk)
            planned.paused += 1


def _in_force(connection_id: int, external_id: str) -> EnforcementAction | None:
    return (
        EnforcementAction.objects.filter(
            connection_id=connection_id,
            external_id=external_id,
            kind=EnforcementKind.PAUSE,
            outcome__in=IN_FORCE,
            undone_by__isnull=True,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def _guardrail(ref: ExternalRef, policy: EnforcementPolicy, now: datetime) -> Said | str:
    """Why the pause must not be sent (the cooldown, the hourly cap), or "" to send it. A dry
    run counts its own would-be actions, so it shows what the real one would do."""
    same = EnforcementAction.objects.filter(connection_id=ref.connection_id, dry_run=policy.dry_run)
    cooldown = timedelta(minutes=policy.cooldown_minutes)
    last_resume = (
        same.filter(
            external_id=ref.external_id,
            kind=EnforcementKind.RESUME,
            outcome=EnforcementOutcome.OK,
            done_at__gt=now - cooldown,
        )
        .order_by("-done_at")
        .values_list("done_at", flat=True)
        .first()
    )
    if last_resume is not None:
        return say(
            gettext_noop(
                "cooldown: SocialOps turned this ad back on at %(time)s, less than "
                "%(minutes)s minutes ago."
            ),
            time=_at(last_resume),
            minutes=policy.cooldown_minutes,
        )
    paused = same.filter(
        kind=EnforcementKind.PAUSE,
        outcome__in=IN_FORCE,
        created_at__gt=now - HOUR,
    ).count()
    if paused >= policy.max_pauses_per_hour:
        return say(
            gettext_noop(
                "hourly cap: %(count)s pauses on %(connection)s in the last hour (at most %(cap)s)."
            ),
            count=paused,
            connection=ref.connection.name,
            cap=policy.max_pauses_per_hour,
        )
    return ""


def _plan_resumes(run_id: int | None, ids: list[int], now: datetime, planned: Planned) -> None:
    if not ids:
        return
    pauses = list(
        EnforcementAction.objects.filter(
            kind=EnforcementKind.PAUSE,
            outcome=EnforcementOutcome.OK,
            undone_by__isnull=True,
            conflicts__in=ids,
        )
        .distinct()
        .select_related("connection", "campaign")
        .order_by("pk")
    )
    for pause in pauses:
        causes = list(pause.conflicts.all())
        if any(c.state in STANDING for c in causes):
            continue  # another blocker that caused it still stands
        policy = policy_for(pause.campaign.channel_id)
        if policy.mode == EnforcementMode.OFF:
            continue  # off means hands off, even to undo an earlier pause
        platform = PLATFORMS[pause.connection.kind]
        reason = say(
            gettext_noop("Its blockers were resolved or waived: %(causes)s"),
            causes=", ".join(cause(c) for c in causes),
        )
        resume = EnforcementAction.objects.create(
            connection=pause.connection,
            campaign=pause.campaign,
            external_id=pause.external_id,
            kind=EnforcementKind.RESUME,
            dry_run=pause.dry_run,
            check_run_id=run_id,
            undoes=pause,
            policy_set_by_id=policy.updated_by_id,
            status_set=STATUSES[pause.connection.kind][1],
            reason=str(reason),
            reason_parts=reason.parts,
        )
        resume.conflicts.add(*causes)
        if pause.dry_run:
            said = say(
                gettext_noop(
                    "Dry run: would have turned the ad back on on %(platform)s at %(time)s "
                    "(its blockers were resolved or waived)"
                ),
                platform=platform,
                time=_at(now),
            )
            _finish(resume, EnforcementOutcome.OK, said, now)
            note = str(said)
            record_enforcement([c.pk for c in causes], note)
            Campaign.objects.filter(pk=pause.campaign_id).update(enforcement_note=note[:500])
        else:
            planned.to_send.append(resume.pk)
        planned.resumed += 1


def _finish(action: EnforcementAction, outcome: str, reason: Said | str, now: datetime) -> None:
    action.outcome, action.done_at = outcome, now
    action.reason, action.reason_parts = str(reason)[:2000], parts_of(reason)
    action.save(update_fields=["outcome", "reason", "reason_parts", "done_at", "attempts"])


# --- Sending --------------------------------------------------------------------------------


def client_for(connection: Connection):
    token = connection.credentials()
    if connection.kind == ConnectionKind.META:
        return MetaClient(connection.account_id, token)
    if connection.kind == ConnectionKind.TIKTOK:
        return TikTokClient(connection.account_id, token)
    if connection.kind == ConnectionKind.PINTEREST:
        return PinterestClient(connection.account_id, token)
    raise IntegrationError(
        say(
            gettext_noop("%(kind)s ads cannot be paused."),
            kind=connection.get_kind_display(),
        )
    )


def apply_action(action_id: int, *, final: bool = True, now: datetime | None = None) -> str:
    """Send one planned pause or turn-back-on to the platform and record what came of it.

    Raises Unavailable (platform down, rate-limited) for the task to retry, unless this was
    the `final` attempt; any other failure is a refusal: recorded, noted, announced, done.
    """
    action = (
        EnforcementAction.objects.select_related("connection", "campaign", "undoes")
        .filter(pk=action_id)
        .first()
    )
    if action is None or action.outcome != EnforcementOutcome.PENDING:
        return "gone" if action is None else action.outcome  # a redelivered task: done once
    now = now or timezone.now()
    connection = action.connection
    platform = PLATFORMS.get(connection.kind, connection.get_kind_display())
    causes = list(action.conflicts.select_related("sku").order_by("pk"))
    cause_ids = [c.pk for c in causes]
    named = ", ".join(cause(c) for c in causes)
    pausing = action.kind == EnforcementKind.PAUSE
    if pausing and not any(c.state in STANDING for c in causes):
        _finish(
            action,
            EnforcementOutcome.SKIPPED,
            say(gettext_noop("Its blockers ended before it was sent.")),
            now,
        )
        return action.outcome
    action.attempts += 1
    try:
        client = client_for(connection)
        if not pausing:
            current = client.ad_status(action.external_id)
            if current != action.undoes.status_set:
                reason = say(
                    gettext_noop(
                        "Left alone: changed on the platform since SocialOps paused it "
                        "(now %(status)s)."
                    ),
                    status=current or "?",
                )
                _finish(action, EnforcementOutcome.SKIPPED, reason, now)
                note = f"Left alone on {platform} at {_at(now)}: changed on the platform since"
                record_enforcement(cause_ids, note)
                Campaign.objects.filter(pk=action.campaign_id).update(enforcement_note=note)
                return action.outcome
        client.set_ad_status(action.external_id, action.status_set)
    except Unavailable as failure:
        if not final:
            action.save(update_fields=["attempts"])
            raise
        return _refused(action, platform, said_by(failure), cause_ids, now)
    except (IntegrationError, CredentialsUnreadable) as failure:
        return _refused(action, platform, said_by(failure), cause_ids, now)
    if pausing:
        said = say(
            gettext_noop("Paused on %(platform)s by SocialOps at %(time)s because %(causes)s"),
            platform=platform,
            time=_at(now),
            causes=named,
        )
    else:
        said = say(
            gettext_noop(
                "Turned back on on %(platform)s by SocialOps at %(time)s: its blockers were "
                "resolved or waived (%(causes)s)"
            ),
            platform=platform,
            time=_at(now),
            causes=named,
        )
    _finish(action, EnforcementOutcome.OK, said, now)
    note = str(said)
    record_enforcement(cause_ids, note)
    Campaign.objects.filter(pk=action.campaign_id).update(enforcement_note=note[:500])
    logger.info("Enforcement %s: %s", action.pk, note)
    return action.outcome


def _refused(
    action: EnforcementAction,
    platform: str,
    error: Said | str,
    cause_ids: list[int],
    now: datetime,
) -> str:
    verb = "pause" if action.kind == EnforcementKind.PAUSE else "turn-back-on"
    _finish(action, EnforcementOutcome.REFUSED, error, now)
    record_enforcement(cause_ids, f"{platform} refused the {verb} at {_at(now)}: {error}")
    transaction.on_commit(
        lambda: enforcement_refused.send(sender=EnforcementAction, action_id=action.pk)
    )
    return action.outcome


# --- Reading --------------------------------------------------------------------------------


def actions() -> Iterable[EnforcementAction]:
    """The audit log as the page and the API list it."""
    return (
        EnforcementAction.objects.select_related(
            "connection", "campaign", "policy_set_by", "check_run"
        )
        .prefetch_related("conflicts")
        .defer("connection__credentials_encrypted")
        .order_by("-created_at", "-pk")
    )

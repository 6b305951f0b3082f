"""Who is told what, batched per run and never twice; and sending each message.

A check run's changes (promises.signals.conflicts_changed), an overdue blocker (a beat
task), a failing connection (integrations.signals.connection_failed) and the daily digest
become Notification rows, one per (subscription, kind, conflict or sync run, occurrence),
inserted with ON CONFLICT DO NOTHING: the database refuses a second telling. The rows not yet
sent are then claimed into one Delivery per subscription (one message per recipient per
run), and each delivery is sent by its own task after commit, with retries: a broken chat
URL fails its own delivery, never the run that found the conflicts.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from campaigns.choices import CampaignStatus
from common import formatting
from common.enqueue import enqueue
from common.i18n import language_of
from common.texts import parts_of, said_by
from notifications.choices import (
    DeliveryStatus,
    DestinationKind,
    NotificationKind,
    SubscriptionScope,
)
from notifications.destinations import DeliveryFailed, send
from notifications.models import (
    Delivery,
    Notification,
    RunAnnouncement,
    Subscription,
    default_subscription_name,
)
from promises.choices import CheckRunStatus, Severity
from promises.models import CheckRun, Conflict, ConflictEvent
from promises.querysets import annotate_spend_at_risk
from promises.signals import ANNOUNCED

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
# Conflicts named one by one in a message; the rest are counted ("and 12 more").
LISTED_PER_MESSAGE = 20
# Overdue blockers escalated per pass: a backlog is told over a few passes, not at once.
ESCALATION_BATCH = 2000
# The digest's top list: the standing conflicts burning the most money.
DIGEST_TOP = 10

# Role defaults: the subscription each role (socialops.roles, a group of that name) gets by
# email when given the role.
ROLE_DEFAULTS: dict[str, dict] = {
    "marketing": {
        "kinds": [
            NotificationKind.NEW_CONFLICT,
            NotificationKind.CAMPAIGN_BLOCKED,
            NotificationKind.OVERDUE,
        ],
        "severities": [Severity.BLOCKER],
        "scope": SubscriptionScope.MINE,
    },
    "ops": {
        "kinds": [
            NotificationKind.NEW_CONFLICT,
            NotificationKind.CAMPAIGN_BLOCKED,
            NotificationKind.OVERDUE,
        ],
        "severities": [Severity.BLOCKER],
        "scope": SubscriptionScope.ALL,
    },
    "exec": {"kinds": [NotificationKind.DIGEST], "severities": [], "scope": "all"},
    "admin": {"kinds": [NotificationKind.CONNECTION_FAILED], "severities": [], "scope": "all"},
}
# Kinds about conflicts, in the order a message tells them.
CONFLICT_KINDS = (
    NotificationKind.CAMPAIGN_BLOCKED,
    NotificationKind.NEW_CONFLICT,
    NotificationKind.OVERDUE,
)


# --- Subscriptions ---------------------------------------------------------------------------


def ensure_default_subscriptions(user) -> list[Subscription]:
    """Give `user` the email subscription of each role they hold and do not have yet."""
    created = []
    have = set(user.subscriptions.exclude(role_default="").values_list("role_default", flat=True))
    roles = (
        set(ROLE_DEFAULTS) if user.is_superuser else set(user.groups.values_list("name", flat=True))
    )
    for role in sorted(roles - have):
        default = ROLE_DEFAULTS.get(role)
        if default is None:
            continue
        subscription, made = Subscription.objects.get_or_create(
            user=user,
            role_default=role,
            defaults={
                "name": default_subscription_name(role),
                "destination": DestinationKind.EMAIL,
                **default,
            },
        )
        if made:
            created.append(subscription)
    return created


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.dumps({"s": subscription.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe(token: str) -> Subscription | None:
    """Switch off the subscription the token names; None for a token that is not ours."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    subscription = Subscription.objects.filter(pk=data.get("s")).first()
    if subscription is not None and subscription.active:
        subscription.active = False
        subscription.save(update_fields=["active", "updated_at"])
    return subscription


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


# --- From conflicts to notifications --------------------------------------------------------


@dataclass(frozen=True)
class Told:
    """One notification to insert."""

    subscription: Subscription
    kind: str
    conflict: Conflict
    severity: str


def _active_subscriptions(kinds: Iterable[str]) -> list[Subscription]:
    wanted = set(kinds)
    subscriptions = (
        Subscription.objects.filter(active=True, user__is_active=True)
        .select_related("user")
        .prefetch_related("channels")
    )
    # An email subscription of a user with no address has nowhere to go: left out.
    return [s for s in subscriptions if wanted & set(s.kinds or []) and s.address]


def _follows(subscription: Subscription, conflict: Conflict, kind: str) -> bool:
    if not subscription.wants(kind, conflict.severity) or not subscription.address:
        return False
    channels = {c.pk for c in subscription.channels.all()}
    if channels and conflict.campaign.channel_id not in channels:
        return False
    if subscription.scope == SubscriptionScope.MINE:
        return conflict.campaign.owner_id == subscription.user_id
    return True


def _conflicts(ids: Iterable[int], now: datetime):
    return (
        annotate_spend_at_risk(Conflict.objects.standing().filter(pk__in=list(ids)), now)
        .select_related("campaign", "campaign__channel", "sku")
        .order_by("pk")
    )


def notify_conflicts(run_id: int | None, conflict_ids: Iterable[int], now=None) -> int:
    """Tell the subscribers of the run's new (or reopened) conflicts, and of the scheduled or
    live campaigns those made blocked. Returns the number of deliveries made."""
    now = now or timezone.now()
    made = _notify_conflicts(conflict_ids, now, run_id)
    # Taken in: the catch-up of lost announcements skips the run (if it still exists).
    if run_id is not None and CheckRun.objects.filter(pk=run_id).exists():
        RunAnnouncement.objects.bulk_create(
            [RunAnnouncement(check_run_id=run_id)], ignore_conflicts=True
        )
    return made


def _notify_conflicts(conflict_ids: Iterable[int], now: datetime, run_id: int | None) -> int:
    conflicts = list(_conflicts(conflict_ids, now))
    if not conflicts:
        return 0
    ids = {c.pk for c in conflicts}
    # A campaign became blocked if every blocker it has now came with this run.
    running = [CampaignStatus.SCHEDULED, CampaignStatus.LIVE]
    candidates = {
        c.campaign_id
        for c in conflicts
        if c.severity == Severity.BLOCKER and c.campaign.status in running
    }
    already = set(
        Conflict.objects.blockers()
        .filter(campaign_id__in=candidates)
        .exclude(pk__in=ids)
        .values_list("campaign_id", flat=True)
        .distinct()
    )
    became_blocked: dict[int, Conflict] = {}
    for conflict in conflicts:
        if conflict.campaign_id in candidates - already and conflict.severity == Severity.BLOCKER:
            became_blocked.setdefault(conflict.campaign_id, conflict)
    subscriptions = _active_subscriptions(
        [NotificationKind.NEW_CONFLICT, NotificationKind.CAMPAIGN_BLOCKED]
    )
    told = [
        Told(s, NotificationKind.NEW_CONFLICT, c, c.severity)
        for c in conflicts
        for s in subscriptions
        if _follows(s, c, NotificationKind.NEW_CONFLICT)
    ]
    told += [
        Told(s, NotificationKind.CAMPAIGN_BLOCKED, c, c.severity)
        for c in became_blocked.values()
        for s in subscriptions
        if _follows(s, c, NotificationKind.CAMPAIGN_BLOCKED)
    ]
    return _tell(told, conflicts, run_id=run_id)


def escalate_overdue(now=None) -> int:
    """Tell each overdue standing blocker to its channel's calendar owner (the subscriptions
    of the owner that take overdue conflicts; with no owner, everyone following the queue's
    overdue conflicts). Once per conflict and reopening. Returns the deliveries made."""
    now = now or timezone.now()
    overdue_ids = list(
        Conflict.objects.blockers()
        .filter(
            due_at__lt=now, campaign__status__in=[CampaignStatus.SCHEDULED, CampaignStatus.LIVE]
        )
        .exclude(
            pk__in=Notification.objects.filter(kind=NotificationKind.OVERDUE).values("conflict_id")
        )
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:ESCALATION_BATCH]
    )
    conflicts = list(_conflicts(overdue_ids, now))
    subscriptions = _active_subscriptions([NotificationKind.OVERDUE])
    told = []
    for conflict in conflicts:
        owner = conflict.campaign.channel.calendar_owner_id
        for s in subscriptions:
            if owner is not None and s.user_id != owner:
                continue
            if owner is None and s.scope != SubscriptionScope.ALL:
                continue
            if s.wants(NotificationKind.OVERDUE, conflict.severity):
                channels = {c.pk for c in s.channels.all()}
                if not channels or conflict.campaign.channel_id in channels:
                    told.append(Told(s, NotificationKind.OVERDUE, conflict, conflict.severity))
    return _tell(told, conflicts, run_id=None)


def _tell(told: list[Told], conflicts: list[Conflict], *, run_id: int | None) -> int:
    """Insert the notifications (dedup by constraint), claim the unsent ones into one
    delivery per subscription, and send each after commit."""
    if not told:
        return 0
    by_pk = {c.pk: c for c in conflicts}
    with transaction.atomic():
        Notification.objects.bulk_create(
            [
                Notification(
                    subscription=t.subscription,
                    kind=t.kind,
                    conflict=t.conflict,
                    occurrence=t.conflict.reopened_count,
                    severity=t.severity,
                )
                for t in told
            ],
            ignore_conflicts=True,
            batch_size=1000,
        )
        pending = Notification.objects.filter(
            delivery__isnull=True,
            conflict_id__in=list(by_pk),
            subscription_id__in={t.subscription.pk for t in told},
            kind__in={t.kind for t in told},
        ).values_list("pk", "subscription_id", "kind", "conflict_id")
        grouped: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
        for pk, subscription_id, kind, conflict_id in pending:
            grouped[subscription_id].append((pk, kind, conflict_id))
        subscriptions = {t.subscription.pk: t.subscription for t in told}
        made = []
        for subscription_id, rows in grouped.items():
            subscription = subscriptions[subscription_id]
            items = [(kind, by_pk[conflict_id]) for _pk, kind, conflict_id in rows]
            with translation.override(language_of(subscription.user)):
                message = render_conflicts(items)
            delivery = Delivery.objects.create(
                subscription=subscription, check_run_id=run_id, **message
            )
            # Claimed only if still unclaimed: a concurrent pass that took them first wins.
            claimed = Notification.objects.filter(
                pk__in=[pk for pk, _kind, _conflict in rows], delivery__isnull=True
            ).update(delivery=delivery)
            if claimed:
                made.append(delivery.pk)
            else:
                delivery.delete()
        transaction.on_commit(lambda: _enqueue(made))
    return len(made)


def _enqueue(delivery_ids: list[int]) -> None:
    from notifications.tasks import send_delivery_task

    for pk in delivery_ids:
        # A delivery not sent stays pending: resend_stuck sends it again.
        if not enqueue(send_delivery_task, pk):
            logger.warning("Delivery %s not sent yet; resend_stuck will send it", pk)


# --- Messages ---------------------------------------------------------------------------------


def money(amount, currency: str) -> str:
    """An amount as a message says it, in the recipient's locale (the active language)."""
    return formatting.money(Decimal(amount or 0), currency)


def conflict_message(conflict: Conflict) -> str:
    """What a conflict says, as a message quotes it: the one place notifications read it.

    Messages are rendered in the recipient's language (translation.override around the
    render); the webhook's JSON keeps `message`, the stored English, for machines.
    """
    return conflict.localized_message()


def describe(conflict: Conflict) -> dict:
    """One conflict as messages tell it (and as the webhook's JSON carries it)."""
    campaign = conflict.campaign
    cents = Decimal("0.01")
    risk = Decimal(str(getattr(conflict, "spend_at_risk", None) or 0)).quantize(cents)
    daily = Decimal(str(getattr(conflict, "daily_spend", None) or 0)).quantize(cents)
    return {
        "id": conflict.pk,
        "rule": conflict.rule_code,
        "severity": conflict.severity,
        "state": conflict.state,
        "message": conflict.message,
        "campaign": {"id": campaign.pk, "name": campaign.name, "status": campaign.status},
        "channel": campaign.channel.name,
        "sku": conflict.sku.code if conflict.sku_id else None,
        "country": str(conflict.country or "") or None,
        "due_at": conflict.due_at.isoformat() if conflict.due_at else None,
        "spend_at_risk": str(risk),
        "daily_spend": str(daily),
        "currency": campaign.currency,
        "url": absolute(reverse("promises:conflict-detail", args=[conflict.pk])),
    }


def _line(item: dict, conflict: Conflict) -> str:
    """One conflict as a message's line, in the active language."""
    where = " · ".join(
        p for p in [item["sku"] and _("SKU %(code)s") % {"code": item["sku"]}, item["country"]] if p
    )
    values = {
        "severity": str(Severity(item["severity"]).label).upper(),
        "rule": item["rule"],
        "campaign": item["campaign"]["name"],
        "channel": item["channel"],
        "message": conflict_message(conflict),
    }
    if where:
        text = _(
            "- [%(severity)s] %(rule)s on campaign “%(campaign)s” (%(channel)s) · %(where)s: "
            "%(message)s"
        ) % {**values, "where": where}
    else:
        text = (
            _("- [%(severity)s] %(rule)s on campaign “%(campaign)s” (%(channel)s): %(message)s")
            % values
        )
    if item["campaign"]["status"] == CampaignStatus.LIVE:
        # Named even at 0 so far: a live campaign keeps spending while the conflict stands.
        text += " " + _("Spend at risk: %(so_far)s so far, %(daily)s a day while it stands.") % {
            "so_far": money(item["spend_at_risk"], item["currency"]),
            "daily": money(item["daily_spend"], item["currency"]),
        }
    return f"{text}\n  {item['url']}"


HEADINGS = {
    NotificationKind.CAMPAIGN_BLOCKED: gettext_lazy(
        "Campaigns that became blocked while scheduled or live"
    ),
    NotificationKind.NEW_CONFLICT: gettext_lazy("New conflicts"),
    NotificationKind.OVERDUE: gettext_lazy(
        "Blockers past their due time (you own the channel's calendar)"
    ),
}


def _count(kind: str, n: int) -> str:
    """ "3 new conflicts", as a subject counts them."""
    if kind == NotificationKind.CAMPAIGN_BLOCKED:
        text = ngettext("%(count)s campaign blocked", "%(count)s campaigns blocked", n)
    elif kind == NotificationKind.NEW_CONFLICT:
        text = ngettext("%(count)s new conflict", "%(count)s new conflicts", n)
    else:
        text = ngettext("%(count)s overdue blocker", "%(count)s overdue blockers", n)
    return text % {"count": n}


def render_conflicts(items: list[tuple[str, Conflict]]) -> dict:
    """Subject, text and JSON of one message about conflicts (several kinds at once), the
    text in the active language (the recipient's: see _tell)."""
    by_kind: dict[str, list[tuple[dict, Conflict]]] = defaultdict(list)
    for kind, conflict in items:
        by_kind[kind].append((describe(conflict), conflict))
    parts, counts = [], []
    for kind in CONFLICT_KINDS:
        described = by_kind.get(kind)
        if not described:
            continue
        counts.append(_count(kind, len(described)))
        lines = [_line(d, c) for d, c in described[:LISTED_PER_MESSAGE]]
        if len(described) > LISTED_PER_MESSAGE:
            more = len(described) - LISTED_PER_MESSAGE
            lines.append(
                ngettext(
                    "- and %(count)s more in the queue.", "- and %(count)s more in the queue.", more
                )
                % {"count": more}
            )
        parts.append(_("%(heading)s:") % {"heading": HEADINGS[kind]} + "\n" + "\n".join(lines))
    kind = next(k for k in CONFLICT_KINDS if k in by_kind)
    queue = absolute(reverse("promises:conflict-list"))
    return {
        "kind": kind,
        "subject": (_("SocialOps: %(counts)s") % {"counts": ", ".join(counts)})[:300],
        "body": "\n\n".join(parts) + "\n\n" + _("The conflict queue: %(url)s") % {"url": queue},
        "payload": {
            "event": "conflicts",
            "kinds": {k: [d for d, _c in pairs] for k, pairs in by_kind.items()},
        },
    }


# --- Connections and the digest --------------------------------------------------------------


def _deliver_once(
    subscriptions: Iterable[Subscription], render: Callable[[], dict], **event
) -> int:
    """One delivery of the message `render` writes per subscription that has not had this
    event yet (the Notification row, unique per subscription and event, is the record), sent
    after commit. The message is written in each recipient's language, once per language."""
    made = []
    messages: dict[str, dict] = {}
    with transaction.atomic():
        for subscription in subscriptions:
            notification, created = Notification.objects.get_or_create(
                subscription=subscription, **event
            )
            if not created:
                continue
            language = language_of(subscription.user)
            if language not in messages:
                with translation.override(language):
                    messages[language] = render()
            notification.delivery = Delivery.objects.create(
                subscription=subscription, **messages[language]
            )
            notification.save(update_fields=["delivery"])
            made.append(notification.delivery.pk)
        transaction.on_commit(lambda: _enqueue(made))
    return len(made)


def notify_connection_failure(sync_run_id: int) -> int:
    """Tell the subscribers of failing connections about this failed sync."""
    from integrations.models import SyncRun

    run = SyncRun.objects.select_related("connection").filter(pk=sync_run_id).first()
    if run is None:
        return 0
    subscriptions = [
        s
        for s in _active_subscriptions([NotificationKind.CONNECTION_FAILED])
        if s.wants(NotificationKind.CONNECTION_FAILED)
    ]
    connection = run.connection
    url = absolute(reverse("integrations:detail", args=[connection.pk]))

    def message() -> dict:
        values = {
            "name": connection.name,
            "kind": connection.get_kind_display(),
            "when": formatting.when(run.started_at),
            "error": run.localized_error or _("no reason given"),
        }
        return {
            "kind": NotificationKind.CONNECTION_FAILED,
            "subject": (_("SocialOps: connection %(name)s is failing") % {"name": connection.name})[
                :300
            ],
            "body": _(
                "The sync of %(name)s (%(kind)s) failed at %(when)s: %(error)s\n"
                "Its data is no longer refreshed until it syncs again."
            )
            % values
            + f"\n{url}",
            "payload": {
                "event": "connection_failed",
                "connection": {
                    "id": connection.pk,
                    "name": connection.name,
                    "kind": connection.kind,
                },
                "sync_run": run.pk,
                "error": run.error,
                "url": url,
            },
        }

    return _deliver_once(
        subscriptions, message, kind=NotificationKind.CONNECTION_FAILED, sync_run=run
    )


def notify_enforcement_refused(action_id: int) -> int:
    """Tell the subscribers of failing connections that a platform refused a pause or a
    turn-back-on: the ad keeps running (or stays paused) until someone acts. Once per action
    and subscription (its id is the notification's occurrence)."""
    from integrations.models import EnforcementAction

    action = (
        EnforcementAction.objects.select_related("connection", "campaign")
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        return 0
    subscriptions = [
        s
        for s in _active_subscriptions([NotificationKind.CONNECTION_FAILED])
        if s.wants(NotificationKind.CONNECTION_FAILED)
    ]
    connection, campaign = action.connection, action.campaign
    pausing = action.kind == "pause"
    url = absolute(reverse("integrations:enforcement"))

    def message() -> dict:
        values = {
            "name": connection.name,
            "kind": connection.get_kind_display(),
            "ad": action.external_id,
            "campaign": campaign.name,
            "reason": action.localized_reason,
        }
        if pausing:
            subject = _("SocialOps: %(name)s refused the pause of an ad")
            body = _(
                "%(name)s (%(kind)s) refused the pause of ad %(ad)s (campaign “%(campaign)s”): "
                "%(reason)s\nSocialOps will not try again; change the ad on the platform if it "
                "must."
            )
        else:
            subject = _("SocialOps: %(name)s refused the turn-back-on of an ad")
            body = _(
                "%(name)s (%(kind)s) refused the turn-back-on of ad %(ad)s (campaign "
                "“%(campaign)s”): %(reason)s\nSocialOps will not try again; change the ad on the "
                "platform if it must."
            )
        return {
            "kind": NotificationKind.CONNECTION_FAILED,
            "subject": (subject % values)[:300],
            "body": body % values + f"\n{url}",
            "payload": {
                "event": "enforcement_refused",
                "connection": {
                    "id": connection.pk,
                    "name": connection.name,
                    "kind": connection.kind,
                },
                "campaign": {"id": campaign.pk, "name": campaign.name},
                "action": {"id": action.pk, "kind": action.kind, "ad": action.external_id},
                "error": action.reason,
                "url": url,
            },
        }

    # The connection-failure kind, keyed by the refused action: subscribers of failing
    # connections hear of it once.
    return _deliver_once(
        subscriptions,
        message,
        kind=NotificationKind.CONNECTION_FAILED,
        conflict=None,
        sync_run=None,
        occurrence=action.pk,
    )


def send_digests(now=None) -> int:
    """The daily digest: standing blockers, spend at risk now, and the costliest conflicts."""
    now = now or timezone.now()
    day = timezone.localdate(now).toordinal()
    subscriptions = [
        s
        for s in _active_subscriptions([NotificationKind.DIGEST])
        if s.wants(NotificationKind.DIGEST)
    ]
    if not subscriptions:
        return 0
    standing = annotate_spend_at_risk(Conflict.objects.standing(), now)
    totals = standing.aggregate(risk=Sum("spend_at_risk"))
    blockers = Conflict.objects.blockers().count()
    top = list(
        standing.filter(spend_at_risk__gt=0)
        .select_related("campaign", "campaign__channel", "sku")
        .order_by("-spend_at_risk", "pk")[:DIGEST_TOP]
    )
    described = [(describe(c), c) for c in top]
    risk = totals["risk"] or Decimal("0")

    def message() -> dict:
        at_risk = money(risk, settings.STORE_CURRENCY)
        body = (
            _("Standing blockers: %(count)s") % {"count": blockers}
            + "\n"
            + _("Spend at risk now: %(amount)s") % {"amount": at_risk}
            + "\n\n"
            + (
                _("Costliest standing conflicts:")
                + "\n"
                + "\n".join(_line(d, c) for d, c in described)
                if described
                else _("No live campaign is burning money on a standing conflict.")
            )
        )
        return {
            "kind": NotificationKind.DIGEST,
            "subject": ngettext(
                "SocialOps daily digest: %(count)s blocker, %(amount)s at risk",
                "SocialOps daily digest: %(count)s blockers, %(amount)s at risk",
                blockers,
            )
            % {"count": blockers, "amount": at_risk},
            "body": body,
            "payload": {
                "event": "digest",
                "blockers": blockers,
                "spend_at_risk": str(risk),
                "top": [d for d, _c in described],
            },
        }

    return _deliver_once(
        subscriptions,
        message,
        kind=NotificationKind.DIGEST,
        conflict=None,
        sync_run=None,
        occurrence=day,
    )


def send_test(subscription: Subscription) -> Delivery:
    """A test message to the subscription's destination, sent at once by its own task."""
    with translation.override(language_of(subscription.user)):
        subject = _("SocialOps: test notification")
        body = _(
            "This is a test from SocialOps. Notifications for this subscription arrive here.\n"
            "Your subscriptions: %(url)s"
        ) % {"url": absolute(reverse("notifications:list"))}
    delivery = Delivery.objects.create(
        subscription=subscription,
        kind=NotificationKind.NEW_CONFLICT,
        is_test=True,
        subject=subject,
        body=body,
        payload={"event": "test", "subscription": subscription.pk},
    )
    transaction.on_commit(lambda: _enqueue([delivery.pk]))
    return delivery


# --- Sending ---------------------------------------------------------------------------------


def send_delivery(delivery_id: int, *, final: bool) -> str:
    """Send one delivery and log the outcome; raises DeliveryFailed for the task to retry
    unless this was the `final` attempt (then it stays failed, with its error)."""
    delivery = (
        Delivery.objects.select_related("subscription", "subscription__user")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.status == DeliveryStatus.SENT:
        return "gone" if delivery is None else delivery.status  # sent already: never twice
    unsubscribe_url = absolute(
        reverse("notifications:unsubscribe", args=[unsubscribe_token(delivery.subscription)])
    )
    delivery.attempts += 1
    try:
        # The email's footer in the recipient's language, as its subject and body are.
        with translation.override(language_of(delivery.subscription.user)):
            send(delivery, unsubscribe_url=unsubscribe_url)
    except DeliveryFailed as failure:
        said = said_by(failure)
        delivery.error = str(said)[:2000]
        delivery.error_parts = parts_of(said)
        delivery.status = DeliveryStatus.FAILED if final else DeliveryStatus.RETRYING
        delivery.save(update_fields=["attempts", "error", "error_parts", "status"])
        logger.warning(
            "Delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, failure
        )
        if final:
            return delivery.status
        raise
    delivery.status = DeliveryStatus.SENT
    delivery.sent_at = timezone.now()
    delivery.save(update_fields=["attempts", "status", "sent_at"])
    return delivery.status


def resend_stuck(older_than: timedelta = timedelta(minutes=10), now=None) -> int:
    """Enqueue again deliveries left pending (their task was lost with a worker)."""
    now = now or timezone.now()
    stuck = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, created_at__lt=now - older_than)
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
    _enqueue(stuck)
    return len(stuck)


# The catch-up of lost run announcements: runs that finished within the look-back (older
# ones are history, not news) and at least the grace ago (their own task may still be queued).
ANNOUNCE_LOOK_BACK = timedelta(hours=1)
ANNOUNCE_GRACE = timedelta(minutes=2)
NEWS_KINDS = [kind for kind, change in ANNOUNCED.items() if change in ("opened", "reopened")]


def announce_missed_runs(now=None) -> int:
    """Notify the finished runs with new or reopened conflicts whose announcement nobody took
    in (its task was lost with the broker). Re-telling is safe: notifications dedup. Returns
    the runs announced."""
    now = now or timezone.now()
    missed = list(
        CheckRun.objects.filter(
            status=CheckRunStatus.SUCCEEDED,
            heartbeat_at__gte=now - ANNOUNCE_LOOK_BACK,
            heartbeat_at__lt=now - ANNOUNCE_GRACE,
        )
        .filter(
            Exists(ConflictEvent.objects.filter(check_run_id=OuterRef("pk"), kind__in=NEWS_KINDS))
        )
        .exclude(pk__in=RunAnnouncement.objects.values("check_run_id"))
        .order_by("pk")
        .values_list("pk", flat=True)[:100]
    )
    for run_id in missed:
        ids = list(
            ConflictEvent.objects.filter(check_run_id=run_id, kind__in=NEWS_KINDS)
            .order_by("pk")
            .values_list("conflict_id", flat=True)
        )
        notify_conflicts(run_id, ids, now=now)
    return len(missed)

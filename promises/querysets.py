"""Reads of conflicts and of campaign readiness, computed in the database."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import models
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils import timezone

from promises.choices import SEVERITY_ORDER, ConflictState, Readiness, Severity

# Acknowledged conflicts still stand: someone has seen them, nobody has fixed them.
STANDING = (ConflictState.OPEN, ConflictState.ACKNOWLEDGED)

# The ops queue's order: blockers first, then warnings, then information; within a
# severity, the due time (overdue first, then soonest; none last), then the oldest. The
# conflict model indexes exactly these expressions for standing conflicts, so the queue's
# first page is read off an index instead of sorting every standing conflict.
# SEVERITY_ORDER in SQL; the last severity is the default, as the queue's index stores it.
SEVERITY_RANK = Case(
    *(When(severity=s, then=Value(rank)) for rank, s in enumerate(SEVERITY_ORDER[:-1])),
    default=Value(len(SEVERITY_ORDER) - 1),
    output_field=IntegerField(),
)
QUEUE_ORDER = (SEVERITY_RANK.asc(), F("due_at").asc(nulls_last=True), F("first_seen_at").asc())
# The same, as the index stores it: PostgreSQL's ascending order already puts nulls last
# (and SQLite refuses NULLS LAST in an index).
QUEUE_INDEX = (SEVERITY_RANK.asc(), F("due_at").asc(), F("first_seen_at").asc())


class ConflictQuerySet(models.QuerySet):
    def standing(self) -> ConflictQuerySet:
        return self.filter(state__in=STANDING)

    def order_by_severity(self, *then: str | Combinable) -> ConflictQuerySet:
        """Blockers first, then warnings, then information (never by name, which would put
        information before warnings); `then` breaks ties."""
        return self.order_by(SEVERITY_RANK.asc(), *then)

    def blockers(self) -> ConflictQuerySet:
        return self.standing().filter(severity=Severity.BLOCKER)


def _count_standing(severity: str) -> Coalesce:
    from promises.models import Conflict

    counted = (
        Conflict.objects.filter(campaign=OuterRef("pk"), state__in=STANDING, severity=severity)
        .order_by()
        .values("campaign")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def annotate_readiness(campaigns: QuerySet) -> QuerySet:
    """Annotate `open_blockers`, `open_warnings` and `readiness` (ready / at_risk / blocked).

    Blocked: a standing blocker; at risk: standing warnings; ready: neither. Waived and
    resolved conflicts do not count. One query, however many campaigns.
    """
    return campaigns.annotate(
        open_blockers=_count_standing(Severity.BLOCKER),
        open_warnings=_count_standing(Severity.WARNING),
    ).annotate(readiness=_READINESS)


# Readiness from the two counts: blocked, at risk, or ready.
_READINESS = Case(
    When(open_blockers__gt=0, then=Value(Readiness.BLOCKED)),
    When(open_warnings__gt=0, then=Value(Readiness.AT_RISK)),
    default=Value(Readiness.READY),
)


def annotate_readiness_joined(campaigns: QuerySet) -> QuerySet:
    """annotate_readiness's `open_blockers`, `open_warnings` and `readiness`, from one join
    and GROUP BY over the conflicts.

    annotate_readiness counts with a subquery per campaign: cheap for the 50 rows of a page,
    since the database computes them after the LIMIT, but sorting on the counts runs them for
    every campaign (20,000 campaigns, 100,000 conflicts: ~2 s on PostgreSQL; this: ~0.3-0.8 s).
    """
    standing = Q(conflicts__state__in=STANDING)
    return campaigns.annotate(
        open_blockers=Count("conflicts", filter=standing & Q(conflicts__severity=Severity.BLOCKER)),
        open_warnings=Count("conflicts", filter=standing & Q(conflicts__severity=Severity.WARNING)),
    ).annotate(readiness=_READINESS)


def filter_readiness(campaigns: QuerySet, readiness: str) -> QuerySet:
    """Campaigns of one readiness, as EXISTS / NOT EXISTS over their standing conflicts.

    Same meaning as annotate_readiness's `readiness`, but the database runs it as one semi-
    or anti-join instead of two counting subqueries per campaign (20,000 campaigns: ~2 s ->
    a few tens of ms on PostgreSQL).
    """
    from promises.models import Conflict

    standing = Conflict.objects.standing().filter(campaign=OuterRef("pk"))
    blocker = Exists(standing.filter(severity=Severity.BLOCKER))
    warning = Exists(standing.filter(severity=Severity.WARNING))
    if readiness == Readiness.BLOCKED:
        return campaigns.filter(blocker)
    if readiness == Readiness.AT_RISK:
        return campaigns.filter(~blocker, warning)
    if readiness == Readiness.READY:
        return campaigns.filter(~blocker, ~warning)
    return campaigns


# --- Spend at risk ---------------------------------------------------------------------------

# The campaign's recent daily spend is the mean of its daily metrics over this many days:
# a week smooths weekday swings without reaching back to a different phase of the campaign.
RECENT_SPEND_DAYS = 7
SECONDS_PER_DAY = 86400
MONEY = models.DecimalField(max_digits=14, decimal_places=2)


class DaysBetween(models.Func):
    """Days (fractional) from `start` to `end`, both datetimes, in the database's own terms."""

    output_field = models.FloatField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        end, start = self.source_expressions
        end_sql, end_params = compiler.compile(end)
        start_sql, start_params = compiler.compile(start)
        if connection.vendor == "postgresql":
            sql = f"(EXTRACT(EPOCH FROM ({end_sql} - {start_sql})) / {SECONDS_PER_DAY}.0)"
        else:  # SQLite stores datetimes as ISO text, which julianday() reads
            sql = f"(julianday({end_sql}) - julianday({start_sql}))"
        return sql, (*end_params, *start_params)


def _recent_daily_spend(now) -> Coalesce:
    """The conflict's campaign's recent daily spend: the mean of its daily metrics over the
    last RECENT_SPEND_DAYS days, else its budget spread over its days, else nothing (0)."""
    from insights.models import ChannelMetric

    since = (now - timedelta(days=RECENT_SPEND_DAYS)).date()
    measured = (
        ChannelMetric.objects.filter(campaign=OuterRef("campaign_id"), date__gte=since)
        .order_by()
        .values("campaign")
        .annotate(mean=Avg("spend"))
        .values("mean")
    )
    campaign_days = Greatest(
        DaysBetween(F("campaign__ends_at"), F("campaign__starts_at")), Value(1.0)
    )
    planned = Case(
        When(
            campaign__starts_at__isnull=False,
            campaign__ends_at__isnull=False,
            campaign__budget__isnull=False,
            then=Cast(F("campaign__budget"), models.FloatField()) / campaign_days,
        ),
        default=None,
        output_field=models.FloatField(),
    )
    return Coalesce(
        Cast(Subquery(measured), models.FloatField()),
        planned,
        Value(0.0),
        output_field=models.FloatField(),
    )


def annotate_spend_at_risk(conflicts: QuerySet, now=None) -> QuerySet:
    """Annotate `daily_spend` (the campaign's recent daily spend) and `spend_at_risk`.

    Spend at risk: what a standing conflict on a live campaign has cost so far, the
    campaign's daily spend times the days the conflict has stood while the campaign ran
    (from the later of its first sighting and the campaign's start). Anything else (resolved,
    waived, a campaign not live) risks nothing: 0. In the campaign's currency, to the cent.
    One expression: the queue, the homes, the API and the notifications all read it.
    """
    from campaigns.choices import CampaignStatus

    now = now or timezone.now()
    since = Greatest(F("first_seen_at"), Coalesce(F("campaign__starts_at"), F("first_seen_at")))
    days_open = Greatest(DaysBetween(Value(now), since), Value(0.0))
    return conflicts.annotate(daily_spend=_recent_daily_spend(now)).annotate(
        spend_at_risk=Case(
            When(
                state__in=STANDING,
                campaign__status=CampaignStatus.LIVE,
                then=Cast(F("daily_spend") * days_open, MONEY),
            ),
            default=Value(Decimal("0.00")),
            output_field=MONEY,
        )
    )


def spend_at_risk_now(conflicts: QuerySet | None = None, now=None) -> dict:
    """ "Spend at risk now": the total over standing conflicts (of `conflicts`, default all)
    and how many conflicts on live campaigns carry it. One aggregate query."""
    from promises.models import Conflict

    base = conflicts if conflicts is not None else Conflict.objects.all()
    totals = annotate_spend_at_risk(base.standing(), now).aggregate(
        total=models.Sum("spend_at_risk"),
        burning=Count("pk", filter=Q(spend_at_risk__gt=0)),
    )
    return {"total": totals["total"] or Decimal("0.00"), "conflicts": totals["burning"]}

"""The operations KPIs of the exec pages: open conflicts and blockers per channel, and the
median time to resolve, read set-based from the engine's conflicts.

They live with the conflicts, not in insights: insights sits below the engine and reads
nothing of it. The KPI views take insights' scorecard and pass it through
`with_operations`, which fills in each channel's row.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import timedelta

from django.db import connections
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Q

from insights.kpis import Period, Scorecard
from promises.choices import ConflictState, Severity
from promises.models import Conflict
from promises.querysets import STANDING


@dataclass(frozen=True)
class ChannelOperations:
    """One channel's conflicts: standing now, and resolved in the period."""

    open_conflicts: int = 0
    open_blockers: int = 0
    resolved_conflicts: int = 0
    median_time_to_resolve: timedelta | None = None


def median_duration(durations: list[timedelta]) -> timedelta | None:
    """The middle duration (the mean of the two middle ones for an even count)."""
    if not durations:
        return None
    return statistics.median(sorted(durations))


class _Median(Aggregate):
    """PostgreSQL's exact median (other databases get it computed in Python)."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def operations_by_channel(
    period: Period, channel_id: int | None = None
) -> dict[int, ChannelOperations]:
    """{channel id: its operations figures}; `channel_id` reads that channel's only.

    Two grouped queries: the standing conflicts by channel, and the conflicts resolved in the
    period with their median time to resolve (exact, in PostgreSQL; in Python elsewhere).
    Median time to resolve: conflicts resolved in the period, first seen to resolved.
    """
    standing = Conflict.objects.filter(state__in=STANDING)
    first, after = period.bounds()
    resolved = Conflict.objects.filter(
        state=ConflictState.RESOLVED, resolved_at__gte=first, resolved_at__lt=after
    )
    if channel_id is not None:
        standing = standing.filter(campaign__channel_id=channel_id)
        resolved = resolved.filter(campaign__channel_id=channel_id)
    open_by_channel = {
        row["campaign__channel"]: (row["n"], row["blockers"])
        for row in standing.order_by()
        .values("campaign__channel")
        .annotate(n=Count("pk"), blockers=Count("pk", filter=Q(severity=Severity.BLOCKER)))
    }
    duration = ExpressionWrapper(
        F("resolved_at") - F("first_seen_at"), output_field=DurationField()
    )
    if connections[resolved.db].vendor == "postgresql":
        resolved_by_channel = {
            row["campaign__channel"]: (row["n"], row["median"])
            for row in resolved.order_by()
            .values("campaign__channel")
            .annotate(n=Count("pk"), median=_Median(duration))
        }
    else:
        spans: dict[int, list[timedelta]] = {}
        rows = resolved.order_by().annotate(span=duration).values_list("campaign__channel", "span")
        for channel, span in rows:
            spans.setdefault(channel, []).append(span)
        resolved_by_channel = {
            channel: (len(found), median_duration(found)) for channel, found in spans.items()
        }
    return {
        channel: ChannelOperations(
            *open_by_channel.get(channel, (0, 0)), *resolved_by_channel.get(channel, (0, None))
        )
        for channel in {*open_by_channel, *resolved_by_channel}
        if channel is not None
    }


def with_operations(card: Scorecard, channel_id: int | None = None) -> Scorecard:
    """The scorecard with each row's conflict figures filled in (two queries).

    `channel_id` counts conflicts for that channel only (its page needs the other channels'
    revenue for shares, not their conflicts).
    """
    found = operations_by_channel(card.period, channel_id)
    for row in card.rows:
        ops = found.get(row.channel.pk) if row.channel else None
        if ops is None:
            continue
        row.open_conflicts, row.open_blockers = ops.open_conflicts, ops.open_blockers
        row.resolved_conflicts = ops.resolved_conflicts
        row.median_time_to_resolve = ops.median_time_to_resolve
    return card

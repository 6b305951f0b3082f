from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, F, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from campaigns.choices import CampaignStatus
from campaigns.models import Campaign
from insights.kpis import Period, Scorecard, scorecard
from promises.choices import ConflictState, Severity
from promises.models import Conflict
from socialops.health import probe_broker, probe_database
from socialops.roles import Role, user_roles

# The exec scorecard on the home page looks back this far.
SCORECARD_DAYS = 30


@require_GET
@never_cache
@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker state as JSON: 200 when both answer, 503 otherwise."""
    probes = [probe_database(), probe_broker()]
    healthy = all(p.ok for p in probes)
    body = {"status": "ok" if healthy else "unavailable", **{p.name: p.as_dict() for p in probes}}
    return JsonResponse(body, status=200 if healthy else 503)


def home(request: HttpRequest) -> HttpResponse:
    """One home page, with the panels of each role the user holds."""
    roles = user_roles(request.user)
    context: dict = {"roles": roles}
    if Role.MARKETING in roles:
        context["my_campaigns"] = _campaigns_by_status(request.user)
    if Role.OPS in roles:
        context["queue"] = _conflict_queue_summary()
    if Role.EXEC in roles:
        context["scorecard"] = _channel_scorecard()
    return render(request, "home.html", context)


def _campaigns_by_status(user) -> list[dict]:
    campaigns = (
        Campaign.objects.filter(owner=user)
        .exclude(status=CampaignStatus.ENDED)
        .select_related("channel")
        .annotate(
            open_blockers=Count(
                "conflicts",
                filter=Q(conflicts__state=ConflictState.OPEN, conflicts__severity=Severity.BLOCKER),
            ),
            open_warnings=Count(
                "conflicts",
                filter=Q(conflicts__state=ConflictState.OPEN, conflicts__severity=Severity.WARNING),
            ),
        )
        .order_by("starts_at", "name")
    )
    groups: dict[str, list[Campaign]] = {status: [] for status in CampaignStatus.values}
    for campaign in campaigns:
        groups[campaign.status].append(campaign)
    return [
        {"status": status, "label": CampaignStatus(status).label, "campaigns": groups[status]}
        for status in CampaignStatus.values
        if groups[status]
    ]


def _conflict_queue_summary() -> dict:
    now = timezone.now()
    active = Conflict.objects.filter(state__in=[ConflictState.OPEN, ConflictState.ACKNOWLEDGED])
    counts = active.aggregate(
        blockers=Count("pk", filter=Q(severity=Severity.BLOCKER)),
        warnings=Count("pk", filter=Q(severity=Severity.WARNING)),
        overdue=Count("pk", filter=Q(due_at__lt=now)),
        unassigned=Count("pk", filter=Q(assignee__isnull=True)),
    )
    top = (
        active.filter(severity=Severity.BLOCKER)
        .select_related("campaign__channel", "sku")
        .order_by(F("due_at").asc(nulls_last=True), "first_seen_at")[:10]
    )
    return {**counts, "top_blockers": list(top)}


def _channel_scorecard() -> Scorecard:
    """The exec panel: the channel scorecard of the last days, from the KPI page's own reads."""
    card = scorecard(Period.last(SCORECARD_DAYS))
    card.rows.sort(key=lambda row: (-row.net_revenue, row.name))
    return card

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, F, Q
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from campaigns.choices import CampaignStatus
from campaigns.models import Campaign
from insights.kpis import Period, Scorecard, scorecard
from promises.choices import Readiness, Severity
from promises.kpis import with_operations
from promises.models import Conflict
from promises.querysets import annotate_readiness, spend_at_risk_now
from socialops.health import probe_broker, probe_database
from socialops.roles import Role, user_roles

logger = logging.getLogger(__name__)

# Blocker messages shown per campaign on the marketing home; the campaign page has them all.
HOME_BLOCKERS_PER_CAMPAIGN = 3
# The ops panel lists this many blockers and overdue conflicts; the queue has the rest.
HOME_ROWS = 8
# The exec scorecard on the home page looks back this far.
SCORECARD_DAYS = 30


@require_GET
@never_cache
@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker state as JSON: 200 when both answer, 503 otherwise.

    Public, for load balancers: states only. Why a probe failed names hosts, ports and
    database names, so it goes to the log, and to admins signed in.
    """
    probes = [probe_database(), probe_broker()]
    healthy = all(p.ok for p in probes)
    for probe in probes:
        if not probe.ok:
            logger.warning("Health check: %s down: %s", probe.name, probe.detail)
    detailed = Role.ADMIN in user_roles(request.user)
    body = {
        "status": "ok" if healthy else "unavailable",
        **{p.name: p.as_dict() if detailed else p.state_dict() for p in probes},
    }
    return JsonResponse(body, status=200 if healthy else 503)


@require_GET
@login_not_required
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page's <link rel=icon> says: send them to the
    SVG (resolved per request: the hashed static name exists only after collectstatic)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def home(request: HttpRequest) -> HttpResponse:
    """One home page, with the panels of each role the user holds."""
    roles = user_roles(request.user)
    context: dict = {"roles": roles}
    if Role.MARKETING in roles:
        context["my_campaigns"] = _campaigns_by_status(request.user)
    if Role.OPS in roles:
        context["queue"] = _conflict_queue_summary(request.user)
    if Role.EXEC in roles:
        context["scorecard"] = _channel_scorecard()
    if Role.OPS in roles or Role.EXEC in roles:
        context["spend_at_risk"] = spend_at_risk_now()
    return render(request, "home.html", context)


DRAFTS = "drafts"


def _campaigns_by_status(user) -> list[dict]:
    """The user's current campaigns grouped by readiness, blocked first, each with what
    blocks it (its first standing blockers' messages). Three queries, however many campaigns."""
    campaigns = list(
        annotate_readiness(
            Campaign.objects.filter(owner=user)
            .exclude(status=CampaignStatus.ENDED)
            .select_related("channel")
        ).order_by(F("starts_at").asc(nulls_last=True), "name", "pk")
    )
    blocking: dict[int, list[Conflict]] = {c.pk: [] for c in campaigns}
    blockers = (
        Conflict.objects.blockers()
        .filter(campaign__owner=user)
        .exclude(campaign__status=CampaignStatus.ENDED)
        .only("pk", "campaign_id", "rule_code", "message", "message_parts")
        .order_by("campaign_id", "rule_code", "scope")
    )
    for conflict in blockers:
        shown = blocking.setdefault(conflict.campaign_id, [])
        if len(shown) < HOME_BLOCKERS_PER_CAMPAIGN:
            shown.append(conflict)
    # Drafts are not checked (their page shows a dry run): a group of their own, not "Ready".
    groups: dict[str, list[Campaign]] = {r: [] for r in [*Readiness.values, DRAFTS]}
    for campaign in campaigns:
        campaign.top_blockers = blocking.get(campaign.pk, [])
        campaign.more_blockers = campaign.open_blockers - len(campaign.top_blockers)
        group = DRAFTS if campaign.status == CampaignStatus.DRAFT else campaign.readiness
        groups[group].append(campaign)
    labels = {**dict(Readiness.choices), DRAFTS: _("Drafts, not checked yet")}
    order = [Readiness.BLOCKED, Readiness.AT_RISK, Readiness.READY, DRAFTS]
    return [
        {"readiness": r if r != DRAFTS else "neutral", "label": labels[r], "campaigns": groups[r]}
        for r in order
        if groups[r]
    ]


def _conflict_queue_summary(user) -> dict:
    """The ops panel: counts of the standing queue, its blockers and what is overdue.

    One aggregate for the counts (read off the state/severity index) and two short lists
    in the queue's own order, so the panel agrees with /conflicts/.
    """
    from promises.querysets import QUEUE_ORDER

    now = timezone.now()
    active = Conflict.objects.standing()
    counts = active.aggregate(
        blockers=Count("pk", filter=Q(severity=Severity.BLOCKER)),
        warnings=Count("pk", filter=Q(severity=Severity.WARNING)),
        overdue=Count("pk", filter=Q(due_at__lt=now)),
        unassigned=Count("pk", filter=Q(assignee__isnull=True)),
        mine=Count("pk", filter=Q(assignee=user)),
    )
    rows = active.select_related("campaign__channel", "sku", "assignee")
    top = rows.filter(severity=Severity.BLOCKER).order_by(*QUEUE_ORDER, "pk")[:HOME_ROWS]
    overdue = rows.filter(due_at__lt=now).order_by("due_at", "pk")[:HOME_ROWS]
    return {**counts, "top_blockers": list(top), "overdue_list": list(overdue), "now": now}


def _channel_scorecard() -> Scorecard:
    """The exec panel: the channel scorecard of the last days, from the KPI page's own reads."""
    card = with_operations(scorecard(Period.last(SCORECARD_DAYS)))
    card.rows.sort(key=lambda row: (-row.net_revenue, row.name))
    return card

"""Marketing pages: the campaign list, the calendar, the form with its live verdict, the page.

Views parse and present; services decide (saving in `campaigns.services`, status changes and
checks in the engine's). Every view checks the user's model permissions on the server:
marketing and admins create and edit, everyone with a role reads, nobody else gets in.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from campaigns import timeline as calendar
from campaigns.choices import CampaignStatus, ClaimKind, ClaimSource
from campaigns.filters import CampaignFilter
from campaigns.forms import FORMSET_PREFIXES, StatusForm, campaign_forms, with_more_rows
from campaigns.models import Campaign, CampaignItem
from campaigns.querysets import annotate_available_to_promise, checked_q
from campaigns.services import TRANSITIONS, claims_in_copy, save_campaign
from catalog.models import SKU
from common.concurrency import StaleEdit
from common.listing import Column, ListPage, Sort, attr
from promises.checklist import PASS, checklist, preview_verdict, rule_settings
from promises.checks.engine import run_checks
from promises.checks.reconcile import UNRESOLVED
from promises.choices import CheckTrigger, Severity
from promises.evidence import evidence_rows
from promises.models import Conflict
from promises.querysets import annotate_readiness, annotate_readiness_joined
from promises.services import CampaignBlocked, change_campaign_status

# What the button moving a campaign to each status says, the way forward first.
STATUS_ACTIONS = {
    CampaignStatus.IN_REVIEW: gettext_lazy("Submit for review"),
    CampaignStatus.SCHEDULED: pgettext_lazy("campaign action", "Schedule"),
    CampaignStatus.LIVE: gettext_lazy("Go live"),
    CampaignStatus.PAUSED: pgettext_lazy("campaign action", "Pause"),
    CampaignStatus.DRAFT: gettext_lazy("Back to draft"),
    CampaignStatus.ENDED: pgettext_lazy("campaign action", "End"),
}


def blocked_message(campaign: Campaign, status: str, count: int) -> str:
    """Why the move to `status` (scheduled or live: the gated ones) was refused, in a sentence."""
    values = {"campaign": campaign.name, "count": count}
    if status == CampaignStatus.LIVE:
        return (
            ngettext(
                "%(campaign)s cannot go live: %(count)s blocker must be fixed or waived first.",
                "%(campaign)s cannot go live: %(count)s blockers must be fixed or waived first.",
                count,
            )
            % values
        )
    return (
        ngettext(
            "Cannot schedule %(campaign)s: %(count)s blocker must be fixed or waived first.",
            "Cannot schedule %(campaign)s: %(count)s blockers must be fixed or waived first.",
            count,
        )
        % values
    )


def _countries(campaign: Campaign) -> str:
    return " ".join(str(c.code) for c in campaign.target_countries)


# Sorts that need every campaign's counts, not only the page's.
COUNT_SORTS = ("blockers", "warnings")


class CampaignList(ListPage):
    """Every campaign with its readiness and counts of standing blockers and warnings."""

    model = Campaign
    permission_required = "campaigns.view_campaign"
    filterset_class = CampaignFilter
    template_name = "campaigns/campaign_list.html"
    results_template_name = "campaigns/_campaign_results.html"
    sorts = {
        "name": Sort(gettext_lazy("Name"), ("name",)),
        "starts": Sort(gettext_lazy("Starts"), ("starts_at",)),
        "status": Sort(gettext_lazy("Status"), ("status",)),
        "blockers": Sort(gettext_lazy("Blockers"), ("open_blockers", "open_warnings")),
        "warnings": Sort(gettext_lazy("Warnings"), ("open_warnings",)),
    }
    default_sort = "-starts"
    csv_name = "campaigns"
    csv_columns = [
        Column("id", attr("pk")),
        Column("name", attr("name")),
        Column("channel", attr("channel.name")),
        Column("network", attr("channel.get_network_display")),
        Column("format", attr("get_format_display")),
        Column("status", attr("status")),
        Column("readiness", attr("readiness")),
        Column("open_blockers", attr("open_blockers")),
        Column("open_warnings", attr("open_warnings")),
        Column("starts_at", attr("starts_at")),
        Column("ends_at", attr("ends_at")),
        Column("target_countries", _countries),
        Column("owner", attr("owner.username")),
        Column("promo_code", attr("promo_code")),
    ]

    def get_base_queryset(self) -> QuerySet:
        campaigns = Campaign.objects.select_related("channel", "owner")
        if self.current_sort().lstrip("-") in COUNT_SORTS:
            return annotate_readiness_joined(campaigns)
        return annotate_readiness(campaigns)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_create"] = self.request.user.has_perm("campaigns.add_campaign")
        context["sort_label"] = self.sorts[context["sort"].lstrip("-")].label
        form = self.filterset.form
        chosen = form.cleaned_data.get("sku") if hasattr(form, "cleaned_data") else None
        if chosen is None:
            # Thousands of SKUs make a select too heavy for a filter bar; the SKU pages link
            # here with ?sku=<id>, and then the bar offers just that one.
            form.fields.pop("sku", None)
        else:
            form.fields["sku"].queryset = SKU.objects.filter(pk=chosen.pk)
        return context


@require_GET
@permission_required("campaigns.view_campaign", raise_exception=True)
def campaign_timeline(request: HttpRequest) -> HttpResponse:
    """Six weeks of campaigns as bars, by channel or by SKU, with SKU overlaps called out."""
    try:
        start = date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = timezone.localdate()
    period = calendar.Period.around(start)
    by = "sku" if request.GET.get("by") == "sku" else "channel"
    filterset = CampaignFilter(request.GET or None, queryset=Campaign.objects.all())
    base = filterset.qs if filterset.is_bound and filterset.is_valid() else Campaign.objects.all()
    # Each bar says its campaign's readiness, in words as well as colour.
    running = annotate_readiness(calendar.campaigns_in(period, base))
    campaigns = list(running[: calendar.MAX_BARS + 1])
    truncated = len(campaigns) > calendar.MAX_BARS
    campaigns = campaigns[: calendar.MAX_BARS]
    lanes, overlapping = calendar.lanes(period, campaigns, by)
    return render(
        request,
        "campaigns/timeline.html",
        {
            "period": period,
            "by": by,
            "lanes": lanes,
            "campaign_count": len(campaigns),
            "overlapping": overlapping,
            "truncated": truncated,
            "max_bars": calendar.MAX_BARS,
            "filter_form": filterset.form,
            "today": timezone.localdate(),
            "today_column": period.column(timezone.localdate()),
        },
    )


def _require_any(request: HttpRequest, perms: tuple[str, ...]) -> None:
    if not any(request.user.has_perm(p) for p in perms):
        raise PermissionDenied


def _save(form, items, claims, editor) -> Campaign:
    """Write the campaign, its items and entered claims as the valid form and formsets say,
    if the campaign is still as the form opened it (else `StaleEdit`)."""
    campaign = form.save(commit=False)
    changed_items = items.save(commit=False)
    changed_claims = claims.save(commit=False)
    return save_campaign(
        campaign,
        items=changed_items,
        removed_items=items.deleted_objects,
        claims=changed_claims,
        removed_claims=claims.deleted_objects,
        editor=editor,
        version=form.opened_version,
    )


def _typed(formset) -> list:
    """The rows a valid formset leaves once saved, as typed and unsaved: the existing rows not
    deleted, and the new rows filled in (the ones `formset.save()` would write)."""
    deleted = formset.deleted_forms
    return [
        form.instance
        for form in formset.forms
        if form not in deleted and (form.instance.pk is not None or form.has_changed())
    ]


def _edit(request: HttpRequest, campaign: Campaign | None) -> HttpResponse:
    if request.method == "POST" and request.POST.get("more_rows") in FORMSET_PREFIXES:
        # "Add a row" pressed without JavaScript: the same form as typed, one row longer,
        # nothing saved.
        data = with_more_rows(request.POST, request.POST["more_rows"])
        form, items, claims = campaign_forms(data, campaign)
        status = 200
    elif request.method == "POST":
        form, items, claims = campaign_forms(request.POST, campaign)
        if form.is_valid() and items.is_valid() and claims.is_valid():
            if campaign is None:
                form.instance.owner = request.user
            try:
                saved = _save(form, items, claims, request.user)
            except StaleEdit as stale:
                # Someone saved it after this form was opened: say what they changed.
                form.report_stale(stale)
                campaign.refresh_from_db()
            else:
                # The triggers re-check it on commit; the campaign page shows their verdict.
                messages.success(request, _("Saved %(campaign)s.") % {"campaign": saved.name})
                return redirect("campaigns:detail", pk=saved.pk)
        status = 400
    else:
        form, items, claims = campaign_forms(instance=campaign)
        status = 200
    return render(
        request,
        "campaigns/campaign_form.html",
        {"campaign": campaign, "form": form, "items": items, "claims": claims},
        status=status,
    )


@permission_required("campaigns.add_campaign", raise_exception=True)
def campaign_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@permission_required("campaigns.change_campaign", raise_exception=True)
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, get_object_or_404(Campaign, pk=pk))


@require_POST
def campaign_preview(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The claims the copy makes and the checks' verdict on the form as typed, unsaved.

    The rules run on the typed campaign in memory: nothing is written or locked, so no
    campaign, check run or conflict comes of a preview.
    """
    _require_any(request, ("campaigns.change_campaign",) if pk else ("campaigns.add_campaign",))
    campaign = get_object_or_404(Campaign, pk=pk) if pk else None
    form, items, claims = campaign_forms(request.POST, campaign)
    verdict = None
    valid = form.is_valid() and items.is_valid() and claims.is_valid()
    if valid:
        # The claims the save would store (product names and today's date included), the
        # same ones the verdict judges.
        typed_items = _typed(items)
        copy_claims = claims_in_copy(form.instance, typed_items)
        verdict = preview_verdict(form.instance, typed_items, _typed(claims))
    else:
        typed = Campaign(
            caption=request.POST.get("caption", ""), script=request.POST.get("script", "")
        )
        copy_claims = claims_in_copy(typed)
    extracted = [(ClaimKind(claim.kind).label, claim) for claim in copy_claims]
    return render(
        request,
        "campaigns/_preview.html",
        {"extracted": extracted, "verdict": verdict, "valid": valid},
    )


def _status_actions(campaign: Campaign) -> list[tuple[str, str]]:
    if campaign.synced_from:
        return []  # the platform owns the status: pause or end the ad there
    allowed = TRANSITIONS[campaign.status]
    return [(status, STATUS_ACTIONS[status]) for status in STATUS_ACTIONS if status in allowed]


@require_GET
@permission_required("campaigns.view_campaign", raise_exception=True)
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One campaign: readiness, every rule's verdict with its evidence, SKUs, conflicts."""
    campaign = get_object_or_404(
        annotate_readiness(Campaign.objects.select_related("channel", "owner", "creator")), pk=pk
    )
    checked = Campaign.objects.filter(checked_q(), pk=pk).exists()
    items = list(CampaignItem.objects.filter(campaign=campaign).select_related("sku__product"))
    preview = None
    if campaign.status == CampaignStatus.DRAFT:
        # Drafts are not checked; show what the checks will say once it is submitted.
        entered = campaign.claims.filter(source=ClaimSource.ENTERED).order_by("pk")
        preview = preview_verdict(campaign, items, entered, edited=False)
        conflicts = preview.conflicts
    else:
        conflicts = list(
            Conflict.objects.filter(campaign=campaign, state__in=UNRESOLVED)
            .select_related("sku", "assignee")
            .order_by_severity("rule_code", "scope")
        )
    for conflict in conflicts:
        conflict.evidence_rows = evidence_rows(conflict.evidence, conflict.message_parts)
    stock = annotate_available_to_promise(SKU.objects.filter(campaign_items__campaign=campaign))
    by_sku = {s.pk: s for s in stock}
    for item in items:
        item.stock = by_sku.get(item.sku_id)
    can_edit = request.user.has_perm("campaigns.change_campaign")
    verdicts = checklist(conflicts, rule_settings())
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "checked": checked,
            "preview": preview,
            "checklist": verdicts,
            "flagged": [v for v in verdicts if v.outcome != PASS],
            "passing": [v for v in verdicts if v.outcome == PASS],
            "conflicts": conflicts if preview is None else [],
            "blockers": sum(1 for c in conflicts if c.severity == Severity.BLOCKER),
            "items": items,
            "claims": campaign.claims.order_by("source", "kind", "pk"),
            "can_edit": can_edit,
            "now": timezone.now(),
            "can_recheck": can_edit or request.user.has_perm("promises.change_conflict"),
            "status_actions": _status_actions(campaign) if can_edit else [],
        },
    )


@require_POST
@permission_required("campaigns.change_campaign", raise_exception=True)
def campaign_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the campaign through the engine's service; a blocked campaign is refused, with why."""
    campaign = get_object_or_404(Campaign, pk=pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status to move the campaign to."))
        return redirect("campaigns:detail", pk=pk)
    status = form.cleaned_data["status"]
    try:
        change_campaign_status(campaign, status, actor=request.user)
    except CampaignBlocked as blocked:
        refusal = blocked_message(campaign, status, len(blocked.blockers))
        # One banner that lists the blockers, not a banner per blocker.
        messages.error(
            request,
            format_html(
                '{}<ul class="message-list">{}</ul>',
                refusal,
                format_html_join(
                    "",
                    "<li><code>{}</code>: {}</li>",
                    ((b.rule_code, b.message_localized) for b in blocked.blockers),
                ),
            ),
            extra_tags="blockers",
        )
    except ValidationError as error:
        for message in error.message_dict.get("status", error.messages):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(campaign)s is now %(status)s.")
            % {"campaign": campaign.name, "status": CampaignStatus(status).label.lower()},
        )
    return redirect("campaigns:detail", pk=pk)


@require_POST
def campaign_recheck(request: HttpRequest, pk: int) -> HttpResponse:
    """Run the checks on this campaign now, instead of waiting for a change or the sweep."""
    _require_any(request, ("campaigns.change_campaign", "promises.change_conflict"))
    campaign = get_object_or_404(Campaign, pk=pk)
    run = run_checks([campaign.pk], trigger=CheckTrigger.MANUAL).run
    if not run.campaigns_checked:
        messages.warning(request, _("Drafts and ended campaigns are not checked."))
    else:
        messages.success(
            request,
            _("Checked: %(opened)s new, %(reopened)s reopened, %(resolved)s resolved.")
            % {"opened": run.opened, "reopened": run.reopened, "resolved": run.resolved},
        )
    return redirect("campaigns:detail", pk=pk)

"""Conflict pages: the queue and its bulk actions, one conflict, and waiver requests.

Views parse and present; `promises.services` changes conflicts (through the forms in
`promises.forms`), so these views never decide anything themselves.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, F, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.views import View
from django.views.generic import DetailView

from common import formatting
from common.listing import Column, ListPage, Sort, attr
from promises.checks.registry import RULES
from promises.choices import ConflictEventKind, ConflictState
from promises.evidence import evidence_rows, value_text
from promises.filters import ConflictFilter, waiver_requests
from promises.fixes import fix_groups
from promises.forms import ConflictActionForm, WaiverRequestForm
from promises.models import Conflict, ConflictEvent, ShippingMethod
from promises.querysets import QUEUE_ORDER, SEVERITY_RANK, STANDING, annotate_spend_at_risk
from promises.services import (
    ASSIGNED_NOTE,
    MAX_WAIVER,
    UNASSIGNED_NOTE,
    WAIVED_NOTE,
    WAIVED_UNTIL_FORMAT,
    Resolution,
)
from promises.views.listing import SortCaption

CHANGE_CONFLICT = "promises.change_conflict"
# Marketing asks for waivers on its campaigns' conflicts; ops grant them.
REQUEST_WAIVER = "campaigns.change_campaign"

# The queue's order (see promises.querysets.QUEUE_ORDER and the conflict_queue index).
PRIORITY = QUEUE_ORDER


# --- The conflict queue ----------------------------------------------------------------------


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def _sku_country(conflict: Conflict) -> str:
    parts = [conflict.sku.code if conflict.sku_id and conflict.sku else "", conflict.country or ""]
    return " · ".join(str(p) for p in parts if p)


def _queue_filter_fields(form: forms.Form) -> None:
    """The queue's filter fields as its pages show them."""
    # The shared filter lists every campaign; at 20,000 campaigns the page takes an id.
    campaign = form.fields["campaign"]
    campaign.widget = forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"})
    campaign.label = _("Campaign id")
    # What the state filter means when the address names none: the script that puts the
    # fields back from the address after Back reads it (static/js/app.js).
    form.fields["state"].widget.attrs["data-default"] = " ".join(STANDING)


class ConflictList(SortCaption, ListPage):
    """The ops queue: standing conflicts, the most urgent first, with bulk actions."""

    model = Conflict
    permission_required = "promises.view_conflict"
    filterset_class = ConflictFilter
    template_name = "promises/conflict_list.html"
    results_template_name = "promises/_conflict_results.html"
    sorts = {
        "priority": Sort(gettext_lazy("Priority"), ("severity_rank", "due_at", "first_seen_at")),
        "severity": Sort(gettext_lazy("Severity"), ("severity_rank",)),
        "due": Sort(pgettext_lazy("conflict column", "Due"), ("due_at",)),
        "age": Sort(pgettext_lazy("conflict column", "Age"), ("-first_seen_at",)),
        "rule": Sort(gettext_lazy("Rule"), ("rule_code",)),
        "state": Sort(gettext_lazy("State"), ("state",)),
        # Descending first: the conflicts burning the most money on live campaigns on top.
        "spend": Sort(gettext_lazy("Spend at risk"), ("-spend_at_risk",)),
    }
    default_sort = "priority"
    csv_name = "conflicts"
    csv_columns = [
        Column("id", attr("pk")),
        Column("severity", attr("severity")),
        Column("state", attr("state")),
        Column("rule", attr("rule_code")),
        Column("message", attr("message")),
        Column("campaign", attr("campaign.name")),
        Column("channel", attr("campaign.channel.name")),
        Column("sku", attr("sku.code")),
        Column("country", attr("country.code")),
        Column("first_seen_at", attr("first_seen_at")),
        Column("due_at", attr("due_at")),
        Column("assignee", attr("assignee.username")),
        Column("waived_until", attr("waived_until")),
        Column("waiver_reason", attr("waiver_reason")),
        Column("spend_at_risk", attr("spend_at_risk")),
    ]

    def get_base_queryset(self) -> QuerySet:
        return annotate_spend_at_risk(
            Conflict.objects.select_related(
                "campaign", "campaign__channel", "sku", "assignee"
            ).annotate(severity_rank=SEVERITY_RANK, waiver_requested=Exists(waiver_requests()))
        )

    def get_filterset(self):
        # With no state in the address, the queue shows standing conflicts (open and
        # acknowledged); choosing states in the filter (all four for everything) overrides it.
        data = self.request.GET.copy()
        if "state" not in data:
            data.setlist("state", list(STANDING))
        filterset = self.filterset_class(
            data, queryset=self.get_base_queryset(), request=self.request
        )
        _queue_filter_fields(filterset.form)
        return filterset

    def sort_queryset(self, queryset: QuerySet, sort: str) -> QuerySet:
        key = sort.lstrip("-")
        descending = sort.startswith("-")
        if key in ("priority", "due"):
            # Written as expressions so that due times left blank sort last on every database
            # (and the order matches the queue's partial index on PostgreSQL).
            due = F("due_at").asc(nulls_last=True)
            ordering = PRIORITY if key == "priority" else (due, F("first_seen_at").asc())
            if descending:
                # Reversed whole (no due time counts as the latest), so PostgreSQL reads the
                # same index backwards.
                ordering = tuple(o.copy() for o in ordering)
                for o in ordering:
                    o.reverse_ordering()
            return queryset.order_by(*ordering, F("pk").desc() if descending else F("pk").asc())
        return super().sort_queryset(queryset, sort)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        can_act = self.request.user.has_perm(CHANGE_CONFLICT)
        context.update(
            can_act=can_act,
            action_form=ConflictActionForm(user=self.request.user) if can_act else None,
            now=timezone.now(),
            standing=STANDING,
            selected=set(),
        )
        return context


class ConflictBulk(PermissionRequiredMixin, View):
    """Apply one action to the conflicts selected in the queue (or on a conflict's page)."""

    permission_required = CHANGE_CONFLICT
    raise_exception = True
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        back = _safe_next(request, reverse("promises:conflict-list"))
        data = request.POST
        if data.getlist("group"):
            # A group of the group-by-fix view stands for its conflicts, as they are now.
            data = data.copy()
            data.setlist(
                "ids", [*data.getlist("ids"), *map(str, _group_ids(data.getlist("group")))]
            )
        form = ConflictActionForm(data, user=request.user)
        if form.is_valid():
            try:
                outcome = form.apply(request.user)
            except ValidationError:
                pass
            else:
                if outcome.resolution is not None:
                    _tell_resolution(request, outcome.resolution)
                    return HttpResponseRedirect(back)
                messages.success(request, outcome.summary())
                return HttpResponseRedirect(back)
        # Show the form again with its messages and the selection kept.
        ids = [i for i in request.POST.getlist("ids") if i.isdigit()]
        selected = list(
            Conflict.objects.filter(pk__in=ids).select_related("campaign").order_by("pk")
        )
        return render(
            request,
            "promises/conflict_bulk.html",
            {"form": form, "selected": selected, "next": back},
            status=400,
        )


def _group_ids(keys: list[str]) -> list[int]:
    """The standing conflicts of the named fix groups (each group's first GROUP_IDS)."""
    groups, _ = fix_groups(annotate_spend_at_risk(Conflict.objects.standing()))
    wanted = set(keys)
    return sorted({pk for g in groups if g.key in wanted for pk in g.ids or []})


class ConflictGroups(PermissionRequiredMixin, View):
    """The queue grouped by the fact that would resolve it: "fix once, resolve 14"."""

    permission_required = "promises.view_conflict"
    raise_exception = True
    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> HttpResponse:
        data = request.GET.copy()
        if "state" not in data:
            data.setlist("state", list(STANDING))
        base = annotate_spend_at_risk(Conflict.objects.standing())
        filterset = ConflictFilter(data, queryset=base, request=request)
        _queue_filter_fields(filterset.form)
        conflicts = filterset.qs if filterset.is_valid() else base.none()
        groups, truncated = fix_groups(conflicts)
        can_act = request.user.has_perm(CHANGE_CONFLICT)
        context = {
            "groups": groups,
            "truncated": truncated,
            "filter_form": filterset.form,
            "list_label": _("conflict groups"),
            "can_act": can_act,
            "action_form": ConflictActionForm(user=request.user) if can_act else None,
            "total": sum(g.count for g in groups),
        }
        template = (
            "promises/_conflict_groups.html" if request.htmx else "promises/conflict_groups.html"
        )
        return render(request, template, context)


# A bulk fix note names this many conflicts per outcome in its message, then counts the rest.
NAMED_IN_MESSAGE = 10


def _tell_resolution(request: HttpRequest, resolution: Resolution) -> None:
    """Say which conflicts the re-check after a fix note resolved and which it still finds."""
    resolved, still = resolution.resolved, resolution.still_found
    if len(resolved) + len(still) == 1:
        if resolved:
            messages.success(request, _("Fix note recorded. Re-checked: the conflict is resolved."))
        else:
            messages.warning(
                request,
                _(
                    "Fix note recorded. Re-checked: the checks still find this conflict, "
                    "so it stays as it was."
                ),
            )
        return
    count = len(resolved) + len(still)
    parts = [
        ngettext(
            "Fix note recorded on %(count)s conflict and its campaign re-checked.",
            "Fix note recorded on %(count)s conflicts and their campaigns re-checked.",
            count,
        )
        % {"count": count}
    ]
    if resolved:
        parts.append(_("Resolved: %(conflicts)s.") % {"conflicts": _named(resolved)})
    if still:
        parts.append(_("Still found by the checks: %(conflicts)s.") % {"conflicts": _named(still)})
    (messages.warning if still else messages.success)(request, " ".join(parts))


def _named(conflicts: list[Conflict]) -> str:
    names = [f"#{c.pk} {c.rule_code}" for c in conflicts[:NAMED_IN_MESSAGE]]
    more = len(conflicts) - NAMED_IN_MESSAGE
    if more > 0:
        names.append(ngettext("%(count)s more", "%(count)s more", more) % {"count": more})
    return ", ".join(names)


# --- One conflict ----------------------------------------------------------------------------

# Evidence pairs worth putting side by side: (what was promised, what operations can do).
COMPARISONS = [
    ("claimed_days", "max_days_at_campaign_dates", gettext_lazy("Delivery days")),
    ("claimed_days", "policy_days", gettext_lazy("Return window, days")),
    (
        "claimed_delivery_days",
        "stated_delivery_days",
        gettext_lazy("Delivery days (support reply)"),
    ),
    ("claimed_return_days", "stated_return_days", gettext_lazy("Return days (support reply)")),
    ("expected", "available_to_promise", gettext_lazy("Units")),
    ("announced", "store", gettext_lazy("Price")),
    ("claimed", "store_prices", gettext_lazy("Price")),
    ("roas", "stop_min_roas", gettext_lazy("ROAS against its floor")),
    ("cpa", "stop_max_cpa", gettext_lazy("CPA against its ceiling")),
    ("margin", "floor", gettext_lazy("Margin against its floor")),
    ("age_hours", "allowed_hours", gettext_lazy("Catalog age, hours")),
]


def evidence_comparisons(evidence: dict) -> list[dict]:
    """The promised and deliverable figures the evidence holds, side by side."""
    found = []
    for promised, deliverable, label in COMPARISONS:
        if promised in (evidence or {}) and deliverable in evidence:
            found.append(
                {
                    "label": label,
                    "promised": value_text(promised, evidence),
                    "can": value_text(deliverable, evidence),
                }
            )
    return found


def fix_links(conflict: Conflict) -> list[tuple[str, str]]:
    """Where to go to change what the conflict is about: (label, URL), most specific first."""
    evidence = conflict.evidence or {}
    links: list[tuple[str, str]] = []
    if conflict.sku_id:
        links.append(
            (
                _("Stock of %(sku)s") % {"sku": conflict.sku.code or conflict.sku},
                _url("catalog:sku-detail", conflict.sku_id),
            )
        )
    method = evidence.get("method")
    if method:
        found = ShippingMethod.objects.filter(name=method).values_list("pk", flat=True).first()
        if found:
            links.append(
                (
                    _("Shipping method %(method)s and its overrides") % {"method": method},
                    _url("promises:shipping-detail", found),
                )
            )
    if conflict.rule_code.startswith("SHIPPING_") and not method:
        links.append(
            (_("Shipping methods"), _list_url("promises:shipping-list", country=conflict.country))
        )
    if evidence.get("policy") or conflict.rule_code.startswith("RETURN"):
        links.append(
            (
                _("Return policies"),
                _list_url("promises:return-list", q=evidence.get("policy") or ""),
            )
        )
    if evidence.get("code"):
        links.append(
            (
                _("Promo code %(code)s") % {"code": evidence["code"]},
                _list_url("promises:promocode-list", q=evidence["code"]),
            )
        )
    if conflict.scope.startswith("reply:") or evidence.get("reply"):
        links.append(
            (
                _("Support replies"),
                _list_url("promises:reply-list", q=evidence.get("reply") or ""),
            )
        )
    if conflict.country and conflict.rule_code in ("SHIPPING_COUNTRY_UNCOVERED",):
        links.append(
            (
                _("Checkout country %(country)s") % {"country": conflict.country.code},
                _list_url("promises:checkoutcountry-list", q=conflict.country.code),
            )
        )
    links.append(
        (
            _("Campaign %(campaign)s") % {"campaign": conflict.campaign.name},
            reverse("campaigns:detail", args=[conflict.campaign_id]),
        )
    )
    return links


def _url(name: str, pk: int) -> str:
    return reverse(name, args=[pk])


def _list_url(name: str, **query: str) -> str:
    from urllib.parse import urlencode

    query = {k: v for k, v in query.items() if v}
    return reverse(name) + (f"?{urlencode(query)}" if query else "")


# The stored notes of the conflict actions (promises.services), read back to be shown in the
# reader's language; any other note (the engine's, a person's) is shown as written.
_ASSIGNED = re.compile(re.escape(ASSIGNED_NOTE).replace(re.escape("{assignee}"), "(?P<who>.+)"))
_WAIVED = re.compile(
    re.escape(WAIVED_NOTE)
    .replace(re.escape("{until}"), r"(?P<until>\d{4}-\d\d-\d\d \d\d:\d\d)")
    .replace(re.escape("{reason}"), "(?P<reason>.*)"),
    re.S,
)


def history_note(event: ConflictEvent) -> str:
    """An event's note for people: the actions' own notes in the reader's language."""
    note = event.note
    if event.kind == ConflictEventKind.ASSIGNED:
        if note == UNASSIGNED_NOTE:
            return _("Unassigned")
        if found := _ASSIGNED.fullmatch(note):
            return _("Assigned to %(who)s") % {"who": found["who"]}
    if event.kind == ConflictEventKind.WAIVED and (found := _WAIVED.fullmatch(note)):
        until = datetime.strptime(found["until"], WAIVED_UNTIL_FORMAT)
        return _("Until %(moment)s: %(reason)s") % {
            "moment": formatting.when(until),
            "reason": found["reason"],
        }
    return note


def _state_label(state: str) -> str:
    return str(ConflictState(state).label) if state in ConflictState.values else state


def history_row(event: ConflictEvent) -> dict[str, Any]:
    """One line of a conflict's history, in words."""
    return {
        "at": event.at,
        "kind": event.get_kind_display(),
        "actor": event.actor.get_username() if event.actor else None,
        "from_state": _state_label(event.from_state),
        "to_state": _state_label(event.to_state),
        "note": history_note(event),
    }


class ConflictDetail(PermissionRequiredMixin, DetailView):
    """One conflict: what is wrong, the evidence, its history, and where to fix it."""

    permission_required = "promises.view_conflict"
    raise_exception = True
    template_name = "promises/conflict_detail.html"
    context_object_name = "conflict"

    def get_queryset(self) -> QuerySet:
        return Conflict.objects.select_related(
            "campaign", "campaign__channel", "campaign__owner", "sku", "sku__product", "assignee"
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """An action on this conflict; the form comes back with its messages if it fails."""
        self.object = self.get_object()
        if not request.user.has_perm(CHANGE_CONFLICT):
            raise PermissionDenied
        data = request.POST.copy()
        data.setlist("ids", [str(self.object.pk)])
        form = ConflictActionForm(data, user=request.user)
        if form.is_valid():
            try:
                outcome = form.apply(request.user)
            except ValidationError:
                pass
            else:
                if outcome.resolution is not None:
                    _tell_resolution(request, outcome.resolution)
                elif outcome.changed:
                    messages.success(request, outcome.single())
                else:
                    messages.info(request, _("Nothing changed: the conflict was already so."))
                return redirect(self.object_url())
        context = self.get_context_data(action_form=form, failed_action=data.get("action"))
        return self.render_to_response(context, status=400)

    def object_url(self) -> str:
        return reverse("promises:conflict-detail", args=[self.object.pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        conflict = self.object
        user = self.request.user
        rule = RULES.get(conflict.rule_code)
        can_act = user.has_perm(CHANGE_CONFLICT)
        can_request = user.has_perm(REQUEST_WAIVER) and conflict.state in STANDING
        events = list(conflict.events.select_related("actor").order_by("-at", "-pk"))
        context.update(
            rule=rule,
            now=timezone.now(),
            standing=conflict.state in STANDING,
            evidence=evidence_rows(conflict.evidence, conflict.message_parts),
            comparisons=evidence_comparisons(conflict.evidence),
            links=fix_links(conflict),
            events=events,
            history=[history_row(e) for e in events],
            waiver_requests=[e for e in events if e.kind == ConflictEventKind.WAIVER_REQUESTED],
            max_waiver_days=MAX_WAIVER.days,
            can_act=can_act,
            can_request=can_request,
        )
        if can_act:
            context.setdefault("action_form", ConflictActionForm(user=user))
        if can_request:
            context.setdefault("request_form", WaiverRequestForm())
        return context


class ConflictRequestWaiver(PermissionRequiredMixin, View):
    """Marketing asks ops to waive a conflict, with a reason; ops see it and decide."""

    permission_required = REQUEST_WAIVER
    raise_exception = True
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("promises.view_conflict"):
            raise PermissionDenied
        conflict = get_object_or_404(Conflict, pk=pk)
        form = WaiverRequestForm(request.POST)
        if form.is_valid():
            try:
                form.save(conflict, request.user)
            except ValidationError:
                pass
            else:
                messages.success(request, _("Waiver requested: ops will see it in the queue."))
                return redirect("promises:conflict-detail", pk=pk)
        view = ConflictDetail(request=request, kwargs={"pk": pk}, args=())
        view.object = conflict
        context = view.get_context_data(object=conflict, request_form=form)
        return render(request, view.template_name, context, status=400)

"""Ops pages: the conflict queue and its actions, the conflict page, the promises, check runs.

Views parse and present; `promises.services` changes conflicts (through the forms in
`promises.forms`), and saving a promise re-checks the campaigns it touches on commit
(`promises.triggers`), so these views never decide anything themselves.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, F, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import CreateView, DeleteView, DetailView, UpdateView

from common.listing import Column, ListPage, Sort, attr
from promises.checks.registry import RULES
from promises.choices import ConflictEventKind
from promises.filters import (
    CheckoutCountryFilter,
    CheckRunFilter,
    ConflictFilter,
    PromoCodeFilter,
    ReturnPolicyFilter,
    ShippingMethodFilter,
    SupportReplyFilter,
    waiver_requests,
)
from promises.forms import (
    CheckoutCountryForm,
    ConflictActionForm,
    PromoCodeForm,
    ReturnPolicyForm,
    ShippingMethodForm,
    ShippingOverrideForm,
    SupportReplyForm,
    WaiverRequestForm,
)
from promises.models import (
    CheckoutCountry,
    CheckRun,
    Conflict,
    PromoCode,
    ReturnPolicy,
    ShippingMethod,
    ShippingOverride,
    SupportReply,
)
from promises.querysets import QUEUE_ORDER, SEVERITY_RANK, STANDING

CHANGE_CONFLICT = "promises.change_conflict"
# Marketing asks for waivers on its campaigns' conflicts; ops grant them.
REQUEST_WAIVER = "campaigns.change_campaign"

# The queue's order (see promises.querysets.QUEUE_ORDER and the conflict_queue index).
PRIORITY = QUEUE_ORDER


class CheckRunList(ListPage):
    """Every run of the checks engine with its figures: what it checked, found and fixed."""

    model = CheckRun
    permission_required = "promises.view_checkrun"
    filterset_class = CheckRunFilter
    template_name = "promises/checkrun_list.html"
    results_template_name = "promises/_checkrun_results.html"
    sorts = {
        "started": Sort("Started", ("started_at",)),
        "duration": Sort("Duration", ("duration_ms",)),
        "campaigns": Sort("Campaigns", ("campaigns_checked",)),
        "opened": Sort("Opened", ("opened",)),
        "errors": Sort("Errors", ("errors",)),
    }
    default_sort = "-started"
    csv_name = "check-runs"
    csv_columns = [
        Column("id", attr("pk")),
        Column("trigger", attr("trigger")),
        Column("status", attr("status")),
        Column("started_at", attr("started_at")),
        Column("finished_at", attr("finished_at")),
        Column("duration_ms", attr("duration_ms")),
        Column("campaigns_checked", attr("campaigns_checked")),
        Column("items_checked", attr("items_checked")),
        Column("opened", attr("opened")),
        Column("resolved", attr("resolved")),
        Column("reopened", attr("reopened")),
        Column("errors", attr("errors")),
    ]


# --- The conflict queue ----------------------------------------------------------------------


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def _sku_country(conflict: Conflict) -> str:
    parts = [conflict.sku.code if conflict.sku_id and conflict.sku else "", conflict.country or ""]
    return " · ".join(str(p) for p in parts if p)


class ConflictList(ListPage):
    """The ops queue: standing conflicts, the most urgent first, with bulk actions."""

    model = Conflict
    permission_required = "promises.view_conflict"
    filterset_class = ConflictFilter
    template_name = "promises/conflict_list.html"
    results_template_name = "promises/_conflict_results.html"
    sorts = {
        "priority": Sort("Priority", ("severity_rank", "due_at", "first_seen_at")),
        "severity": Sort("Severity", ("severity_rank",)),
        "due": Sort("Due", ("due_at",)),
        "age": Sort("Age", ("-first_seen_at",)),
        "rule": Sort("Rule", ("rule_code",)),
        "state": Sort("State", ("state",)),
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
    ]

    def get_base_queryset(self) -> QuerySet:
        return Conflict.objects.select_related(
            "campaign", "campaign__channel", "sku", "assignee"
        ).annotate(severity_rank=SEVERITY_RANK, waiver_requested=Exists(waiver_requests()))

    def get_filterset(self):
        # With no state in the address, the queue shows standing conflicts (open and
        # acknowledged); choosing states in the filter (all four for everything) overrides it.
        data = self.request.GET.copy()
        if "state" not in data:
            data.setlist("state", list(STANDING))
        filterset = self.filterset_class(
            data, queryset=self.get_base_queryset(), request=self.request
        )
        # The shared filter lists every campaign; at 20,000 campaigns the page takes an id.
        campaign = filterset.form.fields["campaign"]
        campaign.widget = forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"})
        campaign.label = "Campaign id"
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
        form = ConflictActionForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                done, count = form.apply(request.user)
            except ValidationError:
                pass
            else:
                selected = len(form.cleaned_data["ids"])
                unchanged = selected - count
                text = f"{count} conflict{'s' if count != 1 else ''} {done}."
                if unchanged:
                    text += f" {unchanged} left as they were (already so, or no longer standing)."
                messages.success(request, text)
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


# --- One conflict ----------------------------------------------------------------------------

# Evidence pairs worth putting side by side: (what was promised, what operations can do).
COMPARISONS = [
    ("claimed_days", "max_days_at_campaign_dates", "Delivery days"),
    ("claimed_days", "policy_days", "Return window, days"),
    ("claimed_delivery_days", "stated_delivery_days", "Delivery days (support reply)"),
    ("claimed_return_days", "stated_return_days", "Return days (support reply)"),
    ("expected", "available_to_promise", "Units"),
    ("announced", "store", "Price"),
    ("claimed", "store_prices", "Price"),
    ("roas", "stop_min_roas", "ROAS against its floor"),
    ("cpa", "stop_max_cpa", "CPA against its ceiling"),
    ("margin", "floor", "Margin against its floor"),
    ("age_hours", "allowed_hours", "Catalog age, hours"),
]


def evidence_rows(evidence: dict) -> list[tuple[str, Any]]:
    """The evidence as (label, value) rows for people: keys in words, lists joined."""
    rows = []
    for key, value in (evidence or {}).items():
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value) or "—"
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        elif value is None or value == "":
            value = "—"
        rows.append((key.replace("_", " ").capitalize(), value))
    return rows


def evidence_comparisons(evidence: dict) -> list[dict]:
    """The promised and deliverable figures the evidence holds, side by side."""
    found = []
    for promised, deliverable, label in COMPARISONS:
        if promised in (evidence or {}) and deliverable in evidence:
            found.append(
                {"label": label, "promised": evidence[promised], "can": evidence[deliverable]}
            )
    return found


def fix_links(conflict: Conflict) -> list[tuple[str, str]]:
    """Where to go to change what the conflict is about: (label, URL), most specific first."""
    evidence = conflict.evidence or {}
    links: list[tuple[str, str]] = []
    if conflict.sku_id:
        links.append(
            (
                f"Stock of {conflict.sku.code or conflict.sku}",
                _url("catalog:sku-detail", conflict.sku_id),
            )
        )
    method = evidence.get("method")
    if method:
        found = ShippingMethod.objects.filter(name=method).values_list("pk", flat=True).first()
        if found:
            links.append(
                (
                    f"Shipping method {method} and its overrides",
                    _url("promises:shipping-detail", found),
                )
            )
    if conflict.rule_code.startswith("SHIPPING_") and not method:
        links.append(
            ("Shipping methods", _list_url("promises:shipping-list", country=conflict.country))
        )
    if evidence.get("policy") or conflict.rule_code.startswith("RETURN"):
        links.append(
            ("Return policies", _list_url("promises:return-list", q=evidence.get("policy") or ""))
        )
    if evidence.get("code"):
        links.append(
            (
                f"Promo code {evidence['code']}",
                _list_url("promises:promocode-list", q=evidence["code"]),
            )
        )
    if conflict.scope.startswith("reply:") or evidence.get("reply"):
        links.append(
            ("Support replies", _list_url("promises:reply-list", q=evidence.get("reply") or ""))
        )
    if conflict.country and conflict.rule_code in ("SHIPPING_COUNTRY_UNCOVERED",):
        links.append(
            (
                f"Checkout country {conflict.country.code}",
                _list_url("promises:checkoutcountry-list", q=conflict.country.code),
            )
        )
    links.append((f"Campaign {conflict.campaign.name}", f"/campaigns/{conflict.campaign_id}/"))
    return links


def _url(name: str, pk: int) -> str:
    return reverse(name, args=[pk])


def _list_url(name: str, **query: str) -> str:
    from urllib.parse import urlencode

    query = {k: v for k, v in query.items() if v}
    return reverse(name) + (f"?{urlencode(query)}" if query else "")


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
                done, count = form.apply(request.user)
            except ValidationError:
                pass
            else:
                if count:
                    messages.success(request, f"Conflict {done}.")
                else:
                    messages.info(request, "Nothing changed: the conflict was already so.")
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
            evidence=evidence_rows(conflict.evidence),
            comparisons=evidence_comparisons(conflict.evidence),
            links=fix_links(conflict),
            events=events,
            waiver_requests=[e for e in events if e.kind == ConflictEventKind.WAIVER_REQUESTED],
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
                messages.success(request, "Waiver requested: ops will see it in the queue.")
                return redirect("promises:conflict-detail", pk=pk)
        view = ConflictDetail(request=request, kwargs={"pk": pk}, args=())
        view.object = conflict
        context = view.get_context_data(object=conflict, request_form=form)
        return render(request, view.template_name, context, status=400)


# --- Promises ---------------------------------------------------------------------------------

# The promise pages, in the order of their tabs: (label, list URL name, view permission).
PROMISE_TABS = [
    ("Shipping methods", "promises:shipping-list", "promises.view_shippingmethod"),
    ("Return policies", "promises:return-list", "promises.view_returnpolicy"),
    ("Checkout countries", "promises:checkoutcountry-list", "promises.view_checkoutcountry"),
    ("Promo codes", "promises:promocode-list", "promises.view_promocode"),
    ("Support replies", "promises:reply-list", "promises.view_supportreply"),
]


class PromiseTabsMixin:
    """The tabs between the promise pages and what the user may do on them."""

    request: HttpRequest
    model: type

    def promise_context(self) -> dict[str, Any]:
        opts = self.model._meta
        user = self.request.user
        current = self.request.path
        tabs = []
        for label, name, permission in PROMISE_TABS:
            if user.has_perm(permission):
                href = reverse(name)
                tabs.append({"label": label, "href": href, "current": current.startswith(href)})
        return {
            "promise_tabs": tabs,
            "opts": opts,
            "can_add": user.has_perm(f"{opts.app_label}.add_{opts.model_name}"),
            "can_change": user.has_perm(f"{opts.app_label}.change_{opts.model_name}"),
            "can_delete": user.has_perm(f"{opts.app_label}.delete_{opts.model_name}"),
        }


class PromiseList(PromiseTabsMixin, ListPage):
    """A list of one kind of promise, with links to edit it for those who may."""

    template_name = "promises/promise_list.html"
    title = ""
    subtitle = ""
    add_url_name = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            self.promise_context(),
            title=self.title,
            subtitle=self.subtitle,
            add_url=reverse(self.add_url_name),
        )
        return context


class ShippingMethodList(PromiseList):
    model = ShippingMethod
    permission_required = "promises.view_shippingmethod"
    filterset_class = ShippingMethodFilter
    results_template_name = "promises/_shipping_results.html"
    title = "Shipping methods"
    subtitle = "How orders reach each country, and how long it takes; overrides add peak days."
    add_url_name = "promises:shipping-add"
    sorts = {
        "name": Sort("Name", ("name",)),
        "kind": Sort("Kind", ("kind",)),
        "max_days": Sort("Max days", ("max_days",)),
        "price": Sort("Price", ("price",)),
    }
    default_sort = "name"
    csv_name = "shipping-methods"
    csv_columns = [
        Column("id", attr("pk")),
        Column("name", attr("name")),
        Column("kind", attr("kind")),
        Column("countries", lambda m: ",".join(c.code for c in m.countries)),
        Column("min_days", attr("min_days")),
        Column("max_days", attr("max_days")),
        Column("price", attr("price")),
        Column("currency", attr("currency")),
        Column("free_shipping_threshold", attr("free_shipping_threshold")),
        Column("enabled_in_checkout", attr("enabled_in_checkout")),
    ]

    def get_base_queryset(self) -> QuerySet:
        return ShippingMethod.objects.prefetch_related("overrides")


class ReturnPolicyList(PromiseList):
    model = ReturnPolicy
    permission_required = "promises.view_returnpolicy"
    filterset_class = ReturnPolicyFilter
    results_template_name = "promises/_return_results.html"
    title = "Return policies"
    subtitle = "The return window and cost per set of countries."
    add_url_name = "promises:return-add"
    sorts = {"name": Sort("Name", ("name",)), "window": Sort("Window", ("window_days",))}
    default_sort = "name"
    csv_name = "return-policies"
    csv_columns = [
        Column("id", attr("pk")),
        Column("name", attr("name")),
        Column("window_days", attr("window_days")),
        Column("is_free", attr("is_free")),
        Column("countries", lambda p: ",".join(c.code for c in p.countries)),
        Column("excluded_categories", lambda p: ",".join(p.excluded_categories or [])),
        Column("active", attr("active")),
    ]


class CheckoutCountryList(PromiseList):
    model = CheckoutCountry
    permission_required = "promises.view_checkoutcountry"
    filterset_class = CheckoutCountryFilter
    results_template_name = "promises/_checkoutcountry_results.html"
    title = "Checkout countries"
    subtitle = "The countries the site checkout sells to."
    add_url_name = "promises:checkoutcountry-add"
    sorts = {"country": Sort("Country", ("country",)), "enabled": Sort("Enabled", ("enabled",))}
    default_sort = "country"
    csv_name = "checkout-countries"
    csv_columns = [
        Column("id", attr("pk")),
        Column("country", attr("country.code")),
        Column("enabled", attr("enabled")),
    ]


class PromoCodeList(PromiseList):
    model = PromoCode
    permission_required = "promises.view_promocode"
    filterset_class = PromoCodeFilter
    results_template_name = "promises/_promocode_results.html"
    title = "Promo codes"
    subtitle = "The discount codes checkout knows, with their dates, limits and scope."
    add_url_name = "promises:promocode-add"
    sorts = {
        "code": Sort("Code", ("code",)),
        "starts": Sort("Starts", ("starts_at",)),
        "ends": Sort("Ends", ("ends_at",)),
        "used": Sort("Used", ("usage_count",)),
    }
    default_sort = "code"
    csv_name = "promo-codes"
    csv_columns = [
        Column("id", attr("pk")),
        Column("code", attr("code")),
        Column("kind", attr("kind")),
        Column("value", attr("value")),
        Column("currency", attr("currency")),
        Column("starts_at", attr("starts_at")),
        Column("ends_at", attr("ends_at")),
        Column("active", attr("active")),
        Column("usage_limit", attr("usage_limit")),
        Column("usage_count", attr("usage_count")),
        Column("applies_to", attr("applies_to")),
    ]

    def get_base_queryset(self) -> QuerySet:
        return PromoCode.objects.prefetch_related("channels")


class SupportReplyList(PromiseList):
    model = SupportReply
    permission_required = "promises.view_supportreply"
    filterset_class = SupportReplyFilter
    results_template_name = "promises/_reply_results.html"
    title = "Support replies"
    subtitle = "Standard answers support gives, and the delivery and return times they state."
    add_url_name = "promises:reply-add"
    sorts = {"topic": Sort("Topic", ("topic", "title")), "title": Sort("Title", ("title",))}
    default_sort = "topic"
    csv_name = "support-replies"
    csv_columns = [
        Column("id", attr("pk")),
        Column("topic", attr("topic")),
        Column("title", attr("title")),
        Column("text", attr("text")),
        Column("stated_delivery_days", attr("stated_delivery_days")),
        Column("stated_return_days", attr("stated_return_days")),
        Column("active", attr("active")),
    ]


class PromiseEdit(PromiseTabsMixin, PermissionRequiredMixin):
    """Create or edit a promise: field-level messages, a re-check of the campaigns on save."""

    raise_exception = True
    template_name = "promises/promise_form.html"
    list_url_name = ""

    def get_success_url(self) -> str:
        return reverse(self.list_url_name)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request, f"Saved {self.object}. Campaigns it concerns are being re-checked."
        )
        return response

    def form_invalid(self, form):
        # Validation wrote the refused values onto the instance; the heading names what is
        # saved (the fields still show what was typed, from the submitted data).
        if getattr(self, "object", None) is not None and self.object.pk:
            self.object.refresh_from_db()
        return super().form_invalid(form)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.promise_context(), list_url=reverse(self.list_url_name))
        return context


def _edit_views(model, form_class, list_url_name: str, delete_perm: bool = True):
    """The create, update and delete views of one promise model."""
    label = model._meta.model_name
    create = type(
        f"{model.__name__}Create",
        (PromiseEdit, CreateView),
        {
            "model": model,
            "form_class": form_class,
            "permission_required": f"promises.add_{label}",
            "list_url_name": list_url_name,
        },
    )
    update = type(
        f"{model.__name__}Update",
        (PromiseEdit, UpdateView),
        {
            "model": model,
            "form_class": form_class,
            "permission_required": f"promises.change_{label}",
            "list_url_name": list_url_name,
        },
    )
    delete = type(
        f"{model.__name__}Delete",
        (PromiseTabsMixin, PermissionRequiredMixin, DeleteView),
        {
            "model": model,
            "permission_required": f"promises.delete_{label}",
            "raise_exception": True,
            "template_name": "promises/promise_confirm_delete.html",
            "success_url": reverse_lazy(list_url_name),
            "get_context_data": _delete_context,
            "form_valid": _delete_valid,
        },
    )
    return create, update, delete


def _delete_context(self, **kwargs: Any) -> dict[str, Any]:
    context = DeleteView.get_context_data(self, **kwargs)
    context.update(self.promise_context(), list_url=self.success_url)
    return context


def _delete_valid(self, form):
    name = str(self.object)
    response = DeleteView.form_valid(self, form)
    messages.success(self.request, f"Deleted {name}. Campaigns it concerned are being re-checked.")
    return response


ShippingMethodCreate, ShippingMethodUpdate, ShippingMethodDelete = _edit_views(
    ShippingMethod, ShippingMethodForm, "promises:shipping-list"
)
ReturnPolicyCreate, ReturnPolicyUpdate, ReturnPolicyDelete = _edit_views(
    ReturnPolicy, ReturnPolicyForm, "promises:return-list"
)
CheckoutCountryCreate, CheckoutCountryUpdate, CheckoutCountryDelete = _edit_views(
    CheckoutCountry, CheckoutCountryForm, "promises:checkoutcountry-list"
)
PromoCodeCreate, PromoCodeUpdate, PromoCodeDelete = _edit_views(
    PromoCode, PromoCodeForm, "promises:promocode-list"
)
SupportReplyCreate, SupportReplyUpdate, SupportReplyDelete = _edit_views(
    SupportReply, SupportReplyForm, "promises:reply-list"
)


class ShippingMethodDetail(PromiseTabsMixin, PermissionRequiredMixin, DetailView):
    """A shipping method with its overrides: what a delivery claim is checked against."""

    model = ShippingMethod
    permission_required = "promises.view_shippingmethod"
    raise_exception = True
    template_name = "promises/shipping_detail.html"
    context_object_name = "method"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            self.promise_context(),
            overrides=list(self.object.overrides.order_by("starts_on")),
            today=timezone.localdate(),
            can_edit_overrides=user.has_perm("promises.change_shippingoverride"),
            open_conflicts=Conflict.objects.standing()
            .filter(evidence__method=self.object.name)
            .select_related("campaign")
            .order_by(*PRIORITY)[:20],
        )
        return context


class OverrideEdit(PromiseTabsMixin, PermissionRequiredMixin):
    """Create or edit one override of a shipping method."""

    model = ShippingOverride
    form_class = ShippingOverrideForm
    raise_exception = True
    template_name = "promises/promise_form.html"

    def method(self) -> ShippingMethod:
        if not hasattr(self, "_method"):
            if getattr(self, "object", None) is not None and self.object.pk:
                self._method = self.object.method
            else:
                self._method = get_object_or_404(ShippingMethod, pk=self.kwargs["method_pk"])
        return self._method

    def form_valid(self, form):
        form.instance.method = self.method()
        response = super().form_valid(form)
        messages.success(self.request, f"Saved override {self.object.label}.")
        return response

    def get_success_url(self) -> str:
        return reverse("promises:shipping-detail", args=[self.method().pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            self.promise_context(),
            list_url=self.get_success_url(),
            heading_context=f"for {self.method().name}",
        )
        return context


class OverrideCreate(OverrideEdit, CreateView):
    permission_required = "promises.add_shippingoverride"


class OverrideUpdate(OverrideEdit, UpdateView):
    permission_required = "promises.change_shippingoverride"


class OverrideDelete(PromiseTabsMixin, PermissionRequiredMixin, DeleteView):
    model = ShippingOverride
    permission_required = "promises.delete_shippingoverride"
    raise_exception = True
    template_name = "promises/promise_confirm_delete.html"

    def get_success_url(self) -> str:
        return reverse("promises:shipping-detail", args=[self.object.method_id])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.promise_context(), list_url=self.get_success_url())
        return context

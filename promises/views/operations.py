"""Operations pages: the promises (shipping methods and their overrides, return policies,
checkout countries, promo codes, support replies), listed and edited.

Saving a promise re-checks the campaigns it touches on commit (`promises.triggers`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import CreateView, DeleteView, DetailView, UpdateView

from common.listing import Column, ListPage, Sort, attr
from promises.filters import (
    CheckoutCountryFilter,
    PromoCodeFilter,
    ReturnPolicyFilter,
    ShippingMethodFilter,
    SupportReplyFilter,
)
from promises.forms import (
    CheckoutCountryForm,
    PromoCodeForm,
    ReturnPolicyForm,
    ShippingMethodForm,
    ShippingOverrideForm,
    SupportReplyForm,
)
from promises.models import (
    CheckoutCountry,
    Conflict,
    PromoCode,
    ReturnPolicy,
    ShippingMethod,
    ShippingOverride,
    SupportReply,
)
from promises.querysets import QUEUE_ORDER
from promises.views.listing import SortCaption

# The promise pages, in the order of their tabs: (label, list URL name, view permission).
PROMISE_TABS = [
    (gettext_lazy("Shipping methods"), "promises:shipping-list", "promises.view_shippingmethod"),
    (gettext_lazy("Return policies"), "promises:return-list", "promises.view_returnpolicy"),
    (
        gettext_lazy("Checkout countries"),
        "promises:checkoutcountry-list",
        "promises.view_checkoutcountry",
    ),
    (gettext_lazy("Promo codes"), "promises:promocode-list", "promises.view_promocode"),
    (gettext_lazy("Support replies"), "promises:reply-list", "promises.view_supportreply"),
]

# The heading of a new promise's form, per model ("New return policy": French makes the
# adjective agree with the noun, so it is one sentence per model, not "New" + a name).
NEW_TITLES = {
    "shippingmethod": gettext_lazy("New shipping method"),
    "returnpolicy": gettext_lazy("New return policy"),
    "checkoutcountry": gettext_lazy("New checkout country"),
    "promocode": gettext_lazy("New promo code"),
    "supportreply": gettext_lazy("New support reply"),
}


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


class PromiseList(PromiseTabsMixin, SortCaption, ListPage):
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
    title = gettext_lazy("Shipping methods")
    subtitle = gettext_lazy(
        "How orders reach each country, and how long it takes; overrides add peak days."
    )
    add_url_name = "promises:shipping-add"
    sorts = {
        "name": Sort(gettext_lazy("Name"), ("name",)),
        "kind": Sort(pgettext_lazy("shipping method", "Kind"), ("kind",)),
        "max_days": Sort(gettext_lazy("Max days"), ("max_days",)),
        "price": Sort(gettext_lazy("Price"), ("price",)),
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
    title = gettext_lazy("Return policies")
    subtitle = gettext_lazy("The return window and cost per set of countries.")
    add_url_name = "promises:return-add"
    sorts = {
        "name": Sort(gettext_lazy("Name"), ("name",)),
        "window": Sort(pgettext_lazy("return policy", "Window"), ("window_days",)),
    }
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
    title = gettext_lazy("Checkout countries")
    subtitle = gettext_lazy("The countries the site checkout sells to.")
    add_url_name = "promises:checkoutcountry-add"
    sorts = {
        "country": Sort(gettext_lazy("Country"), ("country",)),
        "enabled": Sort(gettext_lazy("Enabled"), ("enabled",)),
    }
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
    title = gettext_lazy("Promo codes")
    subtitle = gettext_lazy(
        "The discount codes checkout knows, with their dates, limits and scope."
    )
    add_url_name = "promises:promocode-add"
    sorts = {
        "code": Sort(gettext_lazy("Code"), ("code",)),
        "starts": Sort(gettext_lazy("Starts"), ("starts_at",)),
        "ends": Sort(gettext_lazy("Ends"), ("ends_at",)),
        "used": Sort(pgettext_lazy("promo code", "Used"), ("usage_count",)),
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
    title = gettext_lazy("Support replies")
    subtitle = gettext_lazy(
        "Standard answers support gives, and the delivery and return times they state."
    )
    add_url_name = "promises:reply-add"
    sorts = {
        "topic": Sort(gettext_lazy("Topic"), ("topic", "title")),
        "title": Sort(gettext_lazy("Title"), ("title",)),
    }
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
        with transaction.atomic():
            if not form.check_version():  # saved by someone else since it was opened
                return self.form_invalid(form)
            response = super().form_valid(form)
        messages.success(
            self.request,
            _("Saved %(promise)s. Campaigns it concerns are being re-checked.")
            % {"promise": self.object},
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
        context.update(
            self.promise_context(),
            list_url=reverse(self.list_url_name),
            form_title=form_title(getattr(self, "object", None), self.model),
        )
        return context


def form_title(promise, model) -> str:
    """The heading of a promise's form: "Edit Colissimo (2-3 days)", "New return policy"."""
    if promise is not None and promise.pk:
        return _("Edit %(promise)s") % {"promise": promise}
    return str(NEW_TITLES.get(model._meta.model_name, model._meta.verbose_name))


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
    messages.success(
        self.request,
        _("Deleted %(promise)s. Campaigns it concerned are being re-checked.") % {"promise": name},
    )
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
            .order_by(*QUEUE_ORDER)[:20],
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
        with transaction.atomic():
            if not form.check_version():  # saved by someone else since it was opened
                return self.form_invalid(form)
            response = super().form_valid(form)
        messages.success(
            self.request, _("Saved override %(label)s.") % {"label": self.object.label}
        )
        return response

    def get_success_url(self) -> str:
        return reverse("promises:shipping-detail", args=[self.method().pk])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        override = getattr(self, "object", None)
        values = {"method": self.method().name}
        if override is not None and override.pk:
            values["override"] = override.label
            title = _("Edit %(override)s for %(method)s") % values
        else:
            title = _("New override for %(method)s") % values
        context.update(self.promise_context(), list_url=self.get_success_url(), form_title=title)
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

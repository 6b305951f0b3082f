"""Catalog pages: SKUs with what they can promise, and the stock ops keep up to date."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import DetailView

from campaigns.models import Campaign, CampaignItem
from campaigns.querysets import skus_with_promises
from catalog.filters import LOW_STOCK_UNITS, SKUFilter
from catalog.forms import stock_formset
from catalog.models import SKU
from common.listing import Column, ListPage, Sort, attr
from promises.choices import Readiness
from promises.querysets import STANDING, annotate_readiness


class SKUList(ListPage):
    """Every SKU with its available-to-promise stock and the campaigns promoting it."""

    model = SKU
    permission_required = "catalog.view_sku"
    filterset_class = SKUFilter
    template_name = "catalog/sku_list.html"
    results_template_name = "catalog/_sku_results.html"
    sorts = {
        "code": Sort(gettext_lazy("SKU"), ("code",)),
        "product": Sort(gettext_lazy("Product"), ("product__title", "code")),
        "available": Sort(gettext_lazy("Available"), ("available",)),
        "reserved": Sort(gettext_lazy("Reserved"), ("reserved",)),
        "atp": Sort(gettext_lazy("Available to promise"), ("available_to_promise",)),
        "campaigns": Sort(gettext_lazy("Campaigns"), ("campaign_count",)),
    }
    default_sort = "code"
    csv_name = "skus"
    csv_columns = [
        Column("id", attr("pk")),
        Column("sku", attr("code")),
        Column("product", attr("product.title")),
        Column("options", lambda s: " / ".join(o for o in (s.option1, s.option2, s.option3) if o)),
        Column("product_status", attr("product.status")),
        Column("price", attr("price")),
        Column("currency", attr("currency")),
        Column("available", attr("available")),
        Column("reserved", attr("reserved")),
        Column("safety_buffer", attr("safety_buffer")),
        Column("available_to_promise", attr("available_to_promise")),
        Column("campaigns", attr("campaign_count")),
    ]

    def get_base_queryset(self) -> QuerySet:
        return skus_with_promises()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["low_stock"] = LOW_STOCK_UNITS
        context["sort_label"] = self.sorts[context["sort"].lstrip("-")].label
        return context


class SKUDetail(PermissionRequiredMixin, DetailView):
    """One SKU: its stock per location (ops edit it) and the campaigns that promote it."""

    permission_required = "catalog.view_sku"
    raise_exception = True
    template_name = "catalog/sku_detail.html"
    context_object_name = "sku"

    def get_queryset(self) -> QuerySet:
        return skus_with_promises()

    def can_edit(self) -> bool:
        user = self.request.user
        return user.has_perm("catalog.change_stocklevel") and user.has_perm(
            "catalog.add_stocklevel"
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Save the stock levels; a change re-checks the campaigns promoting the SKU."""
        self.object = self.get_object()
        if not self.can_edit():
            raise PermissionDenied
        formset = stock_formset(data=request.POST, instance=self.object, prefix="stock")
        if formset.is_valid():
            with transaction.atomic():
                # Every row as the page opened it, or none saved: a row changed since (by
                # someone, an import or a webhook) says what changed instead of reverting.
                # Every row is checked (not all() stopping early): each stale one says so.
                unchanged = [form.check_version() for form in formset.initial_forms]
                stale = not all(unchanged)
                saved = [] if stale else formset.save()
            if not stale:
                return self._saved(request, saved)
        context = self.get_context_data(formset=formset)
        return self.render_to_response(context, status=400)

    def _saved(self, request: HttpRequest, saved: list) -> HttpResponse:
        if saved:
            messages.success(
                request,
                ngettext(
                    "Saved stock at %(count)s location. "
                    "Campaigns promoting this SKU are being re-checked.",
                    "Saved stock at %(count)s locations. "
                    "Campaigns promoting this SKU are being re-checked.",
                    len(saved),
                )
                % {"count": len(saved)},
            )
        return redirect("catalog:sku-detail", pk=self.object.pk)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        sku = self.object
        items = CampaignItem.objects.filter(sku=sku).select_related("campaign", "campaign__channel")
        campaigns = annotate_readiness(Campaign.objects.filter(pk__in=items.values("campaign")))
        readiness = dict(campaigns.values_list("pk", "readiness"))
        rows = []
        for item in items.order_by("-campaign__starts_at"):
            item.readiness = readiness.get(item.campaign_id, "")
            item.readiness_label = Readiness(item.readiness).label if item.readiness else ""
            rows.append(item)
        context.update(
            levels=list(sku.stock_levels.select_related("location").order_by("location__name")),
            items=rows,
            can_edit=self.can_edit(),
            conflicts=sku.conflicts.filter(state__in=STANDING).select_related("campaign")[:20],
        )
        if context["can_edit"]:
            context.setdefault("formset", stock_formset(instance=sku, prefix="stock"))
        return context

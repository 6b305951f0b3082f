"""/notifications/: my subscriptions, a test message, the delivery log; the unsubscribe
link of every email (no login: the signed token is the proof)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from notifications import services
from notifications.forms import SubscriptionForm
from notifications.models import Delivery, Subscription

# Delivery log rows on the page (the API pages through all of them).
LOG_ROWS = 50
SEE_ALL_DELIVERIES = "notifications.view_delivery"


def deliveries_for(user) -> QuerySet[Delivery]:
    """The deliveries a user may read: their own; admins every one."""
    deliveries = Delivery.objects.select_related("subscription", "subscription__user")
    if user.has_perm(SEE_ALL_DELIVERIES):
        return deliveries
    return deliveries.filter(subscription__user=user)


def subscription_list(request: HttpRequest) -> HttpResponse:
    subscriptions = request.user.subscriptions.prefetch_related("channels").order_by("pk")
    deliveries = deliveries_for(request.user).order_by("-created_at", "-pk")[:LOG_ROWS]
    return render(
        request,
        "notifications/subscription_list.html",
        {
            "subscriptions": subscriptions,
            "deliveries": deliveries,
            "all_deliveries": request.user.has_perm(SEE_ALL_DELIVERIES),
        },
    )


@require_http_methods(["GET", "POST"])
def subscription_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    subscription = (
        get_object_or_404(Subscription, pk=pk, user=request.user) if pk is not None else None
    )
    form = SubscriptionForm(request.POST or None, instance=subscription)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.user = request.user
        saved.save()
        form.save_m2m()
        messages.success(request, _("Saved %(name)s.") % {"name": saved.display_name})
        return redirect("notifications:list")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "notifications/subscription_form.html",
        {"form": form, "subscription": subscription},
        status=status,
    )


@require_POST
def subscription_delete(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(Subscription, pk=pk, user=request.user)
    subscription.delete()
    messages.success(request, _("Deleted %(name)s.") % {"name": subscription.display_name})
    return redirect("notifications:list")


@require_POST
def subscription_test(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(Subscription, pk=pk, user=request.user)
    services.send_test(subscription)
    messages.success(
        request,
        _("Test sent to %(address)s: the delivery log below says how it went.")
        % {"address": subscription.address},
    )
    return redirect("notifications:list")


@login_not_required
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks, POST switches the subscription off (mail scanners follow links: a GET
    must not unsubscribe anyone)."""
    if request.method == "POST":
        subscription = services.unsubscribe(token)
        done = subscription is not None
    else:
        subscription, done = None, False
    status = 404 if request.method == "POST" and subscription is None else 200
    return render(
        request,
        "notifications/unsubscribe.html",
        {"token": token, "subscription": subscription, "done": done},
        status=status,
    )

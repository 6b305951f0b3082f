"""The connections pages (admins only): list, add, detail with history, and actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from common.listing import ListPage, Sort
from common.texts import localize
from integrations import enforcement, services
from integrations.choices import ConnectionKind
from integrations.filters import ConnectionFilter, EnforcementActionFilter
from integrations.forms import ConnectionForm, EnforcementPolicyForm, ReconnectForm
from integrations.models import Connection, EnforcementAction, SyncIssue

RUN_HISTORY = 30
ISSUES_SHOWN = 200
ACTIONS_SHOWN = 20


class ConnectionList(ListPage):
    """Every connection with its status, last sync and last error."""

    model = Connection
    permission_required = "integrations.view_connection"
    filterset_class = ConnectionFilter
    template_name = "integrations/connection_list.html"
    results_template_name = "integrations/_connection_results.html"
    sorts = {
        "name": Sort(gettext_lazy("Name"), ("name",)),
        "last_sync": Sort(gettext_lazy("Last sync"), ("last_sync_at",)),
    }
    default_sort = "name"

    def get_base_queryset(self) -> QuerySet:
        return Connection.objects.select_related("channel").defer("credentials_encrypted")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sort_label"] = self.sorts[context["sort"].lstrip("-")].label
        return context


@require_http_methods(["GET", "POST"])
@permission_required("integrations.add_connection", raise_exception=True)
def connection_add(request: HttpRequest) -> HttpResponse:
    form = ConnectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        connection = services.add_connection(
            kind=data["kind"],
            name=data["name"],
            account_id=data["account_id"],
            token=data["token"],
            scopes=data["scopes"],
            channel=data["channel"],
            user=request.user,
        )
        messages.success(
            request,
            _("Connected %(name)s. Sync it now or wait for the schedule.")
            % {"name": connection.name},
        )
        return redirect("integrations:detail", pk=connection.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "integrations/connection_form.html", {"form": form}, status=status)


@require_http_methods(["GET"])
@permission_required("integrations.view_connection", raise_exception=True)
def connection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    connection = get_object_or_404(
        Connection.objects.select_related("channel", "created_by").defer("credentials_encrypted"),
        pk=pk,
    )
    runs = list(connection.runs.all()[:RUN_HISTORY])
    issues = (
        SyncIssue.objects.filter(run=runs[0]).order_by("kind", "pk")[:ISSUES_SHOWN] if runs else []
    )
    context = {"connection": connection, "runs": runs, "issues": issues}
    context["reconnect"] = ReconnectForm()
    if connection.kind in ConnectionKind.ad_kinds() and connection.channel_id:
        policy = enforcement.policy_for(connection.channel_id)
        context["policy"] = policy
        context["policy_form"] = EnforcementPolicyForm(instance=policy)
        context["actions"] = list(
            enforcement.actions().filter(connection=connection)[:ACTIONS_SHOWN]
        )
    return render(request, "integrations/connection_detail.html", context)


@require_POST
@permission_required("integrations.change_enforcementpolicy", raise_exception=True)
def enforcement_policy(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the policy of the channel this ad account's ads run on."""
    connection = get_object_or_404(
        Connection.objects.select_related("channel"),
        pk=pk,
        kind__in=ConnectionKind.ad_kinds(),
        channel__isnull=False,
    )
    policy = enforcement.policy_for(connection.channel_id)
    form = EnforcementPolicyForm(request.POST, instance=policy)
    if not form.is_valid():
        messages.error(
            request, _("The policy was not saved: %(errors)s") % {"errors": form.errors.as_text()}
        )
        return redirect("integrations:detail", pk=pk)
    policy = enforcement.set_policy(connection.channel, request.user, **form.cleaned_data)
    messages.success(
        request,
        _("Enforcement on %(channel)s: %(mode)s.")
        % {"channel": connection.channel, "mode": policy.get_mode_display()},
    )
    return redirect("integrations:detail", pk=pk)


class EnforcementLog(ListPage):
    """Every pause and turn-back-on SocialOps did, refused or skipped: the audit log."""

    model = EnforcementAction
    permission_required = "integrations.view_enforcementaction"
    filterset_class = EnforcementActionFilter
    template_name = "integrations/enforcement_log.html"
    results_template_name = "integrations/_enforcement_results.html"
    sorts = {"created": Sort(gettext_lazy("When"), ("created_at",))}
    default_sort = "-created"

    def get_base_queryset(self) -> QuerySet:
        return enforcement.actions()


ACTIONS = {
    "test": "integrations.change_connection",
    "sync": "integrations.change_connection",
    "pause": "integrations.change_connection",
    "resume": "integrations.change_connection",
    "reconnect": "integrations.change_connection",
    "remove": "integrations.delete_connection",
}


@require_POST
def connection_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404(_("No such action."))
    if not request.user.has_perm(ACTIONS[action]):
        raise PermissionDenied(_("Only admins manage connections."))
    connection = get_object_or_404(Connection, pk=pk)
    if action == "test":
        messages.info(request, localize(services.test_connection(connection)))
    elif action == "sync":
        services.request_sync(connection)
        messages.success(request, _("Sync of %(name)s started.") % {"name": connection.name})
    elif action == "pause":
        services.pause_connection(connection)
        messages.success(
            request, _("%(name)s is paused: the schedule skips it.") % {"name": connection.name}
        )
    elif action == "resume":
        services.resume_connection(connection)
        messages.success(request, _("%(name)s is active again.") % {"name": connection.name})
    elif action == "reconnect":
        form = ReconnectForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Enter the new access token."))
        else:
            services.replace_credentials(connection, form.cleaned_data["token"])
            messages.success(request, _("New token saved."))
    elif action == "remove":
        name = connection.name
        services.remove_connection(connection)
        messages.success(request, _("Removed %(name)s; what it synced stays.") % {"name": name})
        return redirect("integrations:list")
    return redirect("integrations:detail", pk=pk)

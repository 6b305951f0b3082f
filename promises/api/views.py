"""Endpoints for what operations can deliver, and for the conflict queue's actions.

Conflict actions go through `promises.services`, the same functions the pages and the
admin call, so every change lands in the conflict's history.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import filters
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from common.api.viewsets import FILTER_BACKENDS, DomainViewSet, ReadOnlyViewSet
from promises import services
from promises.api.serializers import (
    AssignSerializer,
    BulkAssignSerializer,
    BulkFixNoteSerializer,
    BulkResolveResultSerializer,
    BulkWaiveSerializer,
    ChangedSerializer,
    CheckoutCountrySerializer,
    CheckRunSerializer,
    ConflictDetailSerializer,
    ConflictEventSerializer,
    ConflictIdsSerializer,
    ConflictSerializer,
    FixGroupSerializer,
    FixNoteSerializer,
    PromoCodeSerializer,
    ResolveResultSerializer,
    ReturnPolicySerializer,
    RuleSettingSerializer,
    ShippingMethodSerializer,
    ShippingOverrideSerializer,
    SpendAtRiskSerializer,
    SupportReplySerializer,
    WaiverRequestSerializer,
    WaiveSerializer,
)
from promises.choices import ConflictState
from promises.filters import (
    CheckoutCountryFilter,
    CheckRunFilter,
    ConflictFilter,
    PromoCodeFilter,
    ReturnPolicyFilter,
    ShippingMethodFilter,
    SupportReplyFilter,
)
from promises.fixes import fix_groups
from promises.models import (
    CheckoutCountry,
    CheckRun,
    Conflict,
    ConflictEvent,
    PromoCode,
    ReturnPolicy,
    RuleSetting,
    ShippingMethod,
    ShippingOverride,
    SupportReply,
)
from promises.querysets import SEVERITY_RANK, annotate_spend_at_risk, spend_at_risk_now

CHANGE_CONFLICT = ["promises.change_conflict"]


class ShippingMethodViewSet(DomainViewSet):
    queryset = ShippingMethod.objects.all()
    serializer_class = ShippingMethodSerializer
    filterset_class = ShippingMethodFilter
    search_fields = ["name"]
    ordering_fields = ["name", "max_days", "price", "id"]


class ShippingOverrideViewSet(DomainViewSet):
    queryset = ShippingOverride.objects.all()
    serializer_class = ShippingOverrideSerializer
    filterset_fields = ["method"]
    search_fields = ["label"]
    ordering_fields = ["starts_on", "id"]


class ReturnPolicyViewSet(DomainViewSet):
    queryset = ReturnPolicy.objects.all()
    serializer_class = ReturnPolicySerializer
    filterset_class = ReturnPolicyFilter
    search_fields = ["name"]
    ordering_fields = ["name", "window_days", "id"]


class CheckoutCountryViewSet(DomainViewSet):
    queryset = CheckoutCountry.objects.all()
    serializer_class = CheckoutCountrySerializer
    filterset_class = CheckoutCountryFilter
    ordering_fields = ["country", "id"]


class PromoCodeViewSet(DomainViewSet):
    queryset = PromoCode.objects.prefetch_related("products", "skus", "channels")
    serializer_class = PromoCodeSerializer
    filterset_class = PromoCodeFilter
    search_fields = ["code"]
    ordering_fields = ["code", "starts_at", "ends_at", "id"]


class SupportReplyViewSet(DomainViewSet):
    queryset = SupportReply.objects.all()
    serializer_class = SupportReplySerializer
    filterset_class = SupportReplyFilter
    search_fields = ["title", "text"]
    ordering_fields = ["topic", "title", "id"]


class RuleSettingViewSet(DomainViewSet):
    queryset = RuleSetting.objects.all()
    serializer_class = RuleSettingSerializer
    filterset_fields = ["severity", "enabled"]
    ordering_fields = ["rule_code", "id"]


class CheckRunViewSet(ReadOnlyViewSet):
    queryset = CheckRun.objects.all()
    serializer_class = CheckRunSerializer
    filterset_class = CheckRunFilter
    ordering_fields = ["started_at", "duration_ms", "id"]


class ConflictEventViewSet(ReadOnlyViewSet):
    queryset = ConflictEvent.objects.select_related("actor")
    serializer_class = ConflictEventSerializer
    filterset_fields = ["conflict", "kind", "actor", "check_run"]
    ordering_fields = ["at", "id"]


class SeverityOrdering(filters.OrderingFilter):
    """`?ordering=severity` by rank (blocker, warning, info), as the queue and the campaign
    page sort, not by name (which would put info before warning)."""

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        ranked = [
            (SEVERITY_RANK.desc() if term.startswith("-") else SEVERITY_RANK.asc())
            if term.lstrip("-") == "severity"
            else term
            for term in ordering
        ]
        return queryset.order_by(*ranked)


class ConflictViewSet(ReadOnlyViewSet):
    """The conflict queue. The engine opens and resolves conflicts; people assign,
    acknowledge, waive, and record fixes (`resolve` re-checks at once)."""

    serializer_class = ConflictSerializer
    filterset_class = ConflictFilter
    filter_backends = [
        SeverityOrdering if backend is filters.OrderingFilter else backend
        for backend in FILTER_BACKENDS
    ]
    ordering_fields = [
        "first_seen_at",
        "updated_at",
        "severity",
        "due_at",
        "spend_at_risk",
        "id",
    ]
    action_permissions = dict.fromkeys(
        (
            "acknowledge",
            "assign",
            "waive",
            "resolve",
            "acknowledge_many",
            "assign_many",
            "waive_many",
            "resolve_many",
        ),
        CHANGE_CONFLICT,
    ) | {
        # Marketing asks from the campaign it plans; as on the conflict page, this needs the
        # right to change campaigns (not conflicts) and to see the conflict.
        "request_waiver": ["campaigns.change_campaign", "promises.view_conflict"],
    }

    def get_queryset(self) -> QuerySet:
        conflicts = annotate_spend_at_risk(
            Conflict.objects.select_related("campaign", "sku", "assignee")
        )
        if self.action != "list":
            events = ConflictEvent.objects.select_related("actor").order_by("at", "pk")
            conflicts = conflicts.prefetch_related(Prefetch("events", queryset=events))
        return conflicts

    def get_serializer_class(self):
        return ConflictSerializer if self.action == "list" else ConflictDetailSerializer

    def _answer(self, conflict: Conflict) -> Response:
        fresh = self.get_queryset().get(pk=conflict.pk)
        return Response(ConflictDetailSerializer(fresh, context=self.get_serializer_context()).data)

    def _valid(self, serializer_class, request: Request) -> dict:
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(responses=SpendAtRiskSerializer)
    @action(detail=False, methods=["get"], url_path="spend-at-risk", pagination_class=None)
    def spend_at_risk(self, request: Request) -> Response:
        """Spend at risk now over the standing conflicts the filters select."""
        chosen = self.filter_queryset(annotate_spend_at_risk(Conflict.objects.all()))
        conflicts = Conflict.objects.filter(pk__in=chosen.order_by().values("pk"))
        return Response(SpendAtRiskSerializer(spend_at_risk_now(conflicts)).data)

    @extend_schema(responses=FixGroupSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def groups(self, request: Request) -> Response:
        """The standing conflicts the filters select, grouped by the fact that would resolve
        them ("fix once, resolve N"), the most blockers first."""
        conflicts = self.filter_queryset(annotate_spend_at_risk(Conflict.objects.standing()))
        groups, _ = fix_groups(conflicts)
        return Response(FixGroupSerializer([g.as_dict() for g in groups], many=True).data)

    @extend_schema(request=None, responses=ConflictDetailSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        """Mark an open conflict as seen and being worked on."""
        conflict = self.get_object()
        services.acknowledge_conflicts([conflict.pk], request.user)
        return self._answer(conflict)

    @extend_schema(request=AssignSerializer, responses=ConflictDetailSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str) -> Response:
        """Give the conflict to someone (or to no one, with null)."""
        conflict = self.get_object()
        data = self._valid(AssignSerializer, request)
        services.assign_conflicts([conflict.pk], data["assignee"], request.user)
        return self._answer(conflict)

    @extend_schema(request=WaiveSerializer, responses=ConflictDetailSerializer)
    @action(detail=True, methods=["post"])
    def waive(self, request: Request, pk: str) -> Response:
        """Accept a standing conflict until a date (30 days at most), for a stated reason."""
        conflict = self.get_object()
        data = self._valid(WaiveSerializer, request)
        services.waive_conflicts(
            [conflict.pk], request.user, reason=data["reason"], until=data["until"]
        )
        return self._answer(conflict)

    @extend_schema(request=WaiverRequestSerializer, responses=ConflictDetailSerializer)
    @action(detail=True, methods=["post"], url_path="request-waiver")
    def request_waiver(self, request: Request, pk: str) -> Response:
        """Ask ops to waive a standing conflict, saying why (marketing, from a campaign).

        The request is an event in the conflict's history; ops grant it by waiving.
        """
        conflict = self.get_object()
        data = self._valid(WaiverRequestSerializer, request)
        services.request_waiver(conflict.pk, request.user, data["reason"])
        return self._answer(conflict)

    @extend_schema(request=FixNoteSerializer, responses=ResolveResultSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str) -> Response:
        """Record what was fixed and re-check the campaign now.

        Only the checks resolve a conflict: if the rule still fires, the conflict stays as
        it was (`resolved` is false) with the fix note in its history.
        """
        conflict = self.get_object()
        data = self._valid(FixNoteSerializer, request)
        resolution = services.resolve_conflicts([conflict.pk], request.user, data["note"])
        fresh = self.get_queryset().get(pk=conflict.pk)
        context = self.get_serializer_context()
        return Response(
            {
                "resolved": fresh.state == ConflictState.RESOLVED,
                "conflict": ConflictDetailSerializer(fresh, context=context).data,
                "check_run": CheckRunSerializer(resolution.run, context=context).data,
            }
        )

    @extend_schema(
        request=ConflictIdsSerializer,
        responses=ChangedSerializer,
        operation_id="conflicts_acknowledge_many",
    )
    @action(detail=False, methods=["post"], url_path="acknowledge")
    def acknowledge_many(self, request: Request) -> Response:
        """Acknowledge several conflicts at once (the open ones among them change)."""
        data = self._valid(ConflictIdsSerializer, request)
        return Response({"changed": services.acknowledge_conflicts(data["ids"], request.user)})

    @extend_schema(
        request=BulkAssignSerializer,
        responses=ChangedSerializer,
        operation_id="conflicts_assign_many",
    )
    @action(detail=False, methods=["post"], url_path="assign")
    def assign_many(self, request: Request) -> Response:
        """Assign several conflicts at once."""
        data = self._valid(BulkAssignSerializer, request)
        changed = services.assign_conflicts(data["ids"], data["assignee"], request.user)
        return Response({"changed": changed})

    @extend_schema(
        request=BulkWaiveSerializer,
        responses=ChangedSerializer,
        operation_id="conflicts_waive_many",
    )
    @action(detail=False, methods=["post"], url_path="waive")
    def waive_many(self, request: Request) -> Response:
        """Waive several standing conflicts with one reason and expiry."""
        data = self._valid(BulkWaiveSerializer, request)
        changed = services.waive_conflicts(
            data["ids"], request.user, reason=data["reason"], until=data["until"]
        )
        return Response({"changed": changed})

    @extend_schema(
        request=BulkFixNoteSerializer,
        responses=BulkResolveResultSerializer,
        operation_id="conflicts_resolve_many",
    )
    @action(detail=False, methods=["post"], url_path="resolve")
    def resolve_many(self, request: Request) -> Response:
        """Record one fix note on several conflicts and re-check their campaigns now.

        Says which conflicts the re-check resolved and which the rules still find.
        """
        data = self._valid(BulkFixNoteSerializer, request)
        resolution = services.resolve_conflicts(data["ids"], request.user, data["note"])
        context = self.get_serializer_context()
        return Response(
            {
                "resolved": [c.pk for c in resolution.resolved],
                "still_found": [c.pk for c in resolution.still_found],
                "check_run": CheckRunSerializer(resolution.run, context=context).data,
            }
        )

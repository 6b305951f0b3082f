"""Campaign endpoints: CRUD, readiness and conflicts, status changes and re-checks.

Saves go through `campaigns.services.save_campaign` and status changes and re-checks through
`promises.services` and the engine, the same way the pages do, so a blocked campaign cannot
be scheduled through the API either.
"""

from __future__ import annotations

from dataclasses import asdict

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from campaigns.api.serializers import (
    EXTRACTED_CLAIM_REFUSED,
    CampaignClaimSerializer,
    CampaignDetailSerializer,
    CampaignItemSerializer,
    CampaignSerializer,
    ChannelSerializer,
    CheckResultSerializer,
    CreatorSerializer,
    StatusChangeSerializer,
)
from campaigns.choices import ClaimSource
from campaigns.filters import CampaignFilter
from campaigns.models import Campaign, CampaignClaim, CampaignItem, Channel, Creator
from campaigns.synced import products_synced_note
from common.api.errors import ApiError, BlockedSerializer, ErrorSerializer
from common.api.viewsets import DomainViewSet
from promises import services
from promises.api.serializers import CheckRunSerializer
from promises.checks.engine import run_checks
from promises.choices import CheckTrigger, ConflictState
from promises.models import Conflict
from promises.querysets import annotate_readiness


class ChannelViewSet(DomainViewSet):
    queryset = Channel.objects.all()
    serializer_class = ChannelSerializer
    filterset_fields = ["network", "catalog_sync", "pixel_configured", "consent_configured"]
    search_fields = ["name"]
    ordering_fields = ["name", "updated_at", "id"]


class CreatorViewSet(DomainViewSet):
    queryset = Creator.objects.all()
    serializer_class = CreatorSerializer
    filterset_fields = ["network", "disclosure_required"]
    search_fields = ["handle", "promo_code"]
    ordering_fields = ["handle", "id"]


class CampaignItemViewSet(DomainViewSet):
    queryset = CampaignItem.objects.select_related("sku")
    serializer_class = CampaignItemSerializer
    filterset_fields = ["campaign", "sku"]
    search_fields = ["sku__code", "campaign__name"]
    ordering_fields = ["campaign", "expected_units", "id"]

    def perform_destroy(self, instance: CampaignItem) -> None:
        if instance.campaign.synced_from:
            raise serializers.ValidationError(products_synced_note(instance.campaign))
        super().perform_destroy(instance)


class CampaignClaimViewSet(DomainViewSet):
    queryset = CampaignClaim.objects.all()
    serializer_class = CampaignClaimSerializer
    filterset_fields = ["campaign", "kind", "source"]
    search_fields = ["text", "code"]
    ordering_fields = ["campaign", "kind", "id"]

    def perform_destroy(self, instance: CampaignClaim) -> None:
        if instance.source == ClaimSource.EXTRACTED:
            raise serializers.ValidationError(EXTRACTED_CLAIM_REFUSED)
        super().perform_destroy(instance)


class CampaignViewSet(DomainViewSet):
    """Campaigns with their readiness (ready / at risk / blocked), counted in the database."""

    filterset_class = CampaignFilter
    search_fields = ["name", "caption", "promo_code"]
    ordering_fields = [
        "starts_at",
        "ends_at",
        "name",
        "status",
        "open_blockers",
        "open_warnings",
        "updated_at",
        "id",
    ]
    action_permissions = {
        "change_status": ["campaigns.change_campaign"],
        # Both marketing (their campaign) and ops (the conflict queue) re-check on demand.
        "check": [["campaigns.change_campaign"], ["promises.change_conflict"]],
    }

    def get_queryset(self) -> QuerySet:
        campaigns = annotate_readiness(Campaign.objects.all())
        if self.action == "list":
            return campaigns
        unresolved = (
            Conflict.objects.exclude(state=ConflictState.RESOLVED)
            .select_related("campaign", "sku", "assignee")
            .order_by_severity("rule_code", "scope")
        )
        return campaigns.prefetch_related(
            Prefetch("items", queryset=CampaignItem.objects.select_related("sku")),
            "claims",
            Prefetch("conflicts", queryset=unresolved, to_attr="unresolved_conflicts"),
        )

    def get_serializer_class(self):
        return CampaignSerializer if self.action == "list" else CampaignDetailSerializer

    def perform_create(self, serializer) -> None:
        # A campaign belongs to whoever plans it unless they name someone else.
        if serializer.validated_data.get("owner") is None:
            serializer.validated_data["owner"] = self.request.user
        super().perform_create(serializer)

    def _detail(self, pk: int) -> dict:
        campaign = self.get_queryset().get(pk=pk)
        return CampaignDetailSerializer(campaign, context=self.get_serializer_context()).data

    @extend_schema(
        request=StatusChangeSerializer,
        responses={
            200: CampaignDetailSerializer,
            400: ErrorSerializer,
            409: OpenApiResponse(BlockedSerializer, description="Blocked: the blockers named."),
        },
    )
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request: Request, pk: str) -> Response:
        """Move the campaign to another status, as the campaign page does.

        The checks run first; a campaign with standing blockers cannot be scheduled or go
        live (409, naming the blockers) until they are fixed or waived.
        """
        campaign = self.get_object()
        serializer = StatusChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.change_campaign_status(
                campaign, serializer.validated_data["status"], request.user
            )
        except services.CampaignBlocked as blocked:
            raise ApiError(
                str(blocked),
                code="campaign_blocked",
                status_code=status.HTTP_409_CONFLICT,
                extra={"blockers": [asdict(b) for b in blocked.blockers]},
            ) from blocked
        return Response(self._detail(campaign.pk))

    @extend_schema(request=None, responses=CheckResultSerializer)
    @action(detail=True, methods=["post"])
    def check(self, request: Request, pk: str) -> Response:
        """Re-check the campaign now and answer with its readiness and conflicts."""
        campaign = self.get_object()
        result = run_checks([campaign.pk], trigger=CheckTrigger.MANUAL)
        context = self.get_serializer_context()
        return Response(
            {
                "check_run": CheckRunSerializer(result.run, context=context).data,
                "campaign": self._detail(campaign.pk),
            }
        )

"""Endpoints for orders, channel metrics and survey answers, one by one or in bulk."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from common.api.viewsets import DomainViewSet
from insights.api.bulk import (
    BULK_LIMIT,
    CHANNEL_METRICS,
    ORDERS,
    SURVEY_RESPONSES,
    BulkRequestSerializer,
    Upsert,
)
from insights.api.serializers import (
    BulkResultSerializer,
    ChannelMetricSerializer,
    OrderSerializer,
    SurveyResponseSerializer,
)
from insights.models import ChannelMetric, Order, SurveyResponse


class BulkUpsertMixin:
    """`POST .../bulk/`: create or update up to BULK_LIMIT records keyed by their ids."""

    upsert: Upsert

    def _bulk(self, request: Request) -> Response:
        data = request.data
        envelope = BulkRequestSerializer(data={"items": data} if isinstance(data, list) else data)
        envelope.is_valid(raise_exception=True)
        outcome = self.upsert.run(envelope.validated_data["items"])
        # Some items refused (the others saved): 207 Multi-Status, so a client checking only
        # the status code does not take a partly refused batch for a complete one.
        code = status.HTTP_207_MULTI_STATUS if outcome.errors else status.HTTP_200_OK
        return Response(asdict(outcome), status=code)


def bulk_schema(upsert: Upsert, example_item: dict):
    item_serializer = upsert.item_serializer
    name = upsert.model.__name__
    request = inline_serializer(
        name=f"{name}BulkRequest",
        fields={"items": item_serializer(many=True, help_text=f"{BULK_LIMIT} at most.")},
    )
    return extend_schema(
        request=request,
        responses={
            200: OpenApiResponse(BulkResultSerializer, description="Every item saved."),
            207: OpenApiResponse(
                BulkResultSerializer,
                description="Some or all items refused, listed in `errors`; the rest saved.",
            ),
        },
        description=(
            f'Create or update up to {BULK_LIMIT} records. Send `{{"items": [...]}}` or a '
            "bare list. Records are matched on their key, so sending a batch again changes "
            "nothing; refused items are listed by position in `errors`, the others are saved. "
            f"Items are keyed by {', '.join(upsert.key_fields)}."
        ),
        examples=[OpenApiExample("One item", value={"items": [example_item]}, request_only=True)],
    )


class OrderViewSet(BulkUpsertMixin, DomainViewSet):
    queryset = Order.objects.all()
    serializer_class = OrderSerializer
    filterset_fields = ["channel", "campaign", "country", "checkout_path", "is_new_customer"]
    search_fields = ["external_id", "promo_code"]
    ordering_fields = ["placed_at", "gross", "id"]
    upsert = ORDERS
    action_permissions = {"bulk": ["insights.add_order", "insights.change_order"]}

    @bulk_schema(
        ORDERS,
        {
            "external_id": "#1001",
            "channel": 1,
            "country": "FR",
            "placed_at": "2026-03-01T10:00:00Z",
            "currency": "EUR",
            "gross": "59.90",
        },
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request) -> Response:
        return self._bulk(request)


class ChannelMetricViewSet(BulkUpsertMixin, DomainViewSet):
    queryset = ChannelMetric.objects.all()
    serializer_class = ChannelMetricSerializer
    filterset_fields = ["channel", "campaign", "date"]
    ordering_fields = ["date", "spend", "id"]
    upsert = CHANNEL_METRICS
    action_permissions = {"bulk": ["insights.add_channelmetric", "insights.change_channelmetric"]}

    @bulk_schema(
        CHANNEL_METRICS,
        {"channel": 1, "date": "2026-03-01", "currency": "EUR", "spend": "120.00", "clicks": 340},
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request) -> Response:
        return self._bulk(request)


class SurveyResponseViewSet(BulkUpsertMixin, DomainViewSet):
    queryset = SurveyResponse.objects.all()
    serializer_class = SurveyResponseSerializer
    filterset_fields = ["channel", "order"]
    search_fields = ["answer", "external_id"]
    ordering_fields = ["answered_at", "id"]
    upsert = SURVEY_RESPONSES
    action_permissions = {"bulk": ["insights.add_surveyresponse", "insights.change_surveyresponse"]}

    @bulk_schema(
        SURVEY_RESPONSES,
        {"external_id": "s-1", "answered_at": "2026-03-01T10:05:00Z", "answer": "TikTok"},
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request) -> Response:
        return self._bulk(request)

"""My subscriptions (read and write, my own only) and the delivery log (read)."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from common.api.viewsets import DomainViewSet, ReadOnlyViewSet
from notifications import services
from notifications.api.serializers import DeliverySerializer, SubscriptionSerializer
from notifications.models import Delivery, Subscription
from notifications.views import deliveries_for


class SubscriptionViewSet(DomainViewSet):
    """The caller's own notification subscriptions; `test` sends a test message."""

    queryset = Subscription.objects.none()  # for the schema; get_queryset is the boundary
    serializer_class = SubscriptionSerializer
    # Everyone manages their own: no role permission, the queryset is the boundary.
    permission_classes = [IsAuthenticated]
    filterset_fields = ["destination", "active"]
    ordering_fields = ["created_at", "id"]

    def get_queryset(self) -> QuerySet:
        return (
            Subscription.objects.filter(user=self.request.user)
            .prefetch_related("channels")
            .select_related("user")
        )

    def save_kwargs(self) -> dict:
        return {"user": self.request.user}

    @extend_schema(request=None, responses={202: DeliverySerializer})
    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk: str) -> Response:
        """Send a test message now; the delivery it answers says how it went."""
        delivery = services.send_test(self.get_object())
        delivery.refresh_from_db()
        return Response(DeliverySerializer(delivery).data, status=202)


class DeliveryViewSet(ReadOnlyViewSet):
    """The delivery log: the caller's messages (admins: everyone's), newest first."""

    queryset = Delivery.objects.none()
    serializer_class = DeliverySerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["status", "kind", "subscription", "is_test"]
    ordering_fields = ["created_at", "sent_at", "id"]

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return Delivery.objects.none()
        return deliveries_for(self.request.user).order_by("-created_at", "-pk")

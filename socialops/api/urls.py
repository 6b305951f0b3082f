"""The API's routes under /api/: one router for every resource, the token view, the
OpenAPI schema and its docs page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    permission_classes,
)
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from campaigns.api import views as campaigns
from catalog.api import views as catalog
from insights.api import views as insights
from integrations.api import views as integrations
from notifications.api import views as notifications
from promises.api import views as promises
from socialops.api import users
from socialops.lockout import lockout_response

router = DefaultRouter()
router.include_root_view = False
ROUTES = [
    ("products", catalog.ProductViewSet),
    ("skus", catalog.SKUViewSet),
    ("locations", catalog.LocationViewSet),
    ("stock-levels", catalog.StockLevelViewSet),
    ("channels", campaigns.ChannelViewSet),
    ("creators", campaigns.CreatorViewSet),
    ("campaigns", campaigns.CampaignViewSet),
    ("campaign-items", campaigns.CampaignItemViewSet),
    ("campaign-claims", campaigns.CampaignClaimViewSet),
    ("shipping-methods", promises.ShippingMethodViewSet),
    ("shipping-overrides", promises.ShippingOverrideViewSet),
    ("return-policies", promises.ReturnPolicyViewSet),
    ("checkout-countries", promises.CheckoutCountryViewSet),
    ("promo-codes", promises.PromoCodeViewSet),
    ("support-replies", promises.SupportReplyViewSet),
    ("conflicts", promises.ConflictViewSet),
    ("conflict-events", promises.ConflictEventViewSet),
    ("check-runs", promises.CheckRunViewSet),
    ("rule-settings", promises.RuleSettingViewSet),
    ("orders", insights.OrderViewSet),
    ("channel-metrics", insights.ChannelMetricViewSet),
    ("survey-responses", insights.SurveyResponseViewSet),
    ("connections", integrations.ConnectionViewSet),
    ("sync-runs", integrations.SyncRunViewSet),
    ("enforcement-policies", integrations.EnforcementPolicyViewSet),
    ("enforcement-actions", integrations.EnforcementActionViewSet),
    ("notification-subscriptions", notifications.SubscriptionViewSet),
    ("notification-deliveries", notifications.DeliveryViewSet),
    ("users", users.UserViewSet),
]
for prefix, viewset in ROUTES:
    router.register(prefix, viewset, basename=prefix)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
@authentication_classes([])
def not_found(request: Request) -> Response:
    raise NotFound(_("No such endpoint or object."))


class TokenView(ObtainAuthToken):
    """Exchange a username and password for the user's API token (created on first use).

    Throttled by django-axes like the login form: once locked out, the answer is 429 with
    the reason, not the "wrong credentials" 400 (Axes flags the DRF request it was given).
    """

    def post(self, request: Request, *args, **kwargs) -> Response:
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            if getattr(request, "axes_locked_out", False) or getattr(
                request._request, "axes_locked_out", False
            ):
                return lockout_response(request._request)
            raise


urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("me/", users.me, name="api-me"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The docs page is a page: a visitor without a session is sent to the login form.
    path(
        "docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("", include(router.urls)),
    # Anything else under /api/ answers the API's 404 body, not the HTML error page.
    re_path(r"", not_found),
]

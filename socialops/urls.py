from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from catalog.webhooks.views import shopify_webhook
from socialops import user_views, views

admin.site.site_header = "SocialOps administration"
admin.site.site_title = "SocialOps admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", user_views.set_language, name="set-language"),
    # The scripts' own strings ("3 selected"), in the page's language: static/js reads gettext.
    path("jsi18n/", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path(
        "users/",
        include(
            (
                [
                    path("", user_views.user_list, name="list"),
                    path("<int:pk>/", user_views.user_edit, name="edit"),
                    path("<int:pk>/deactivate/", user_views.user_deactivate, name="deactivate"),
                ],
                "users",
            )
        ),
    ),
    path("api/", include("socialops.api.urls")),
    path("", include("promises.urls")),
    path("", include("catalog.urls")),
    path("webhooks/shopify/", shopify_webhook, name="shopify-webhook"),
    path("feeds/", include("campaigns.feeds.urls")),
    path("", include("insights.urls")),
    path("imports/", include("socialops.importing.urls")),
    path("integrations/", include("integrations.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("campaigns.urls")),
]

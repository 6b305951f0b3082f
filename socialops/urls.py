from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from socialops import views

admin.site.site_header = "SocialOps administration"
admin.site.site_title = "SocialOps admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", include("socialops.api.urls")),
]

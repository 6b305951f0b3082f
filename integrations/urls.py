from django.urls import path

from integrations import views

app_name = "integrations"

urlpatterns = [
    path("", views.ConnectionList.as_view(), name="list"),
    path("new/", views.connection_add, name="add"),
    path("enforcement/", views.EnforcementLog.as_view(), name="enforcement"),
    path("<int:pk>/enforcement/", views.enforcement_policy, name="policy"),
    path("<int:pk>/", views.connection_detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.connection_action, name="action"),
]

from django.urls import path

from campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("campaigns/", views.CampaignList.as_view(), name="list"),
    path("campaigns/timeline/", views.campaign_timeline, name="timeline"),
    path("campaigns/new/", views.campaign_create, name="create"),
    path("campaigns/preview/", views.campaign_preview, name="preview"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("campaigns/<int:pk>/preview/", views.campaign_preview, name="preview"),
    path("campaigns/<int:pk>/status/", views.campaign_status, name="status"),
    path("campaigns/<int:pk>/recheck/", views.campaign_recheck, name="recheck"),
]

from django.urls import path

from insights import views

app_name = "insights"

urlpatterns = [
    path("channels/", views.channel_list, name="channel-list"),
    path("channels/<int:pk>/", views.channel_detail, name="channel-detail"),
]

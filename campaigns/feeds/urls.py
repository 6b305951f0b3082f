from django.urls import path

from campaigns.feeds import views

app_name = "feeds"

urlpatterns = [
    path("", views.channel_feeds, name="index"),
    path("channels/<int:pk>/", views.channel_feed, name="channel"),
    path("<str:token>/<str:filename>", views.public_feed, name="public"),
]

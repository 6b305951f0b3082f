from django.urls import path

from promises import views

app_name = "promises"

urlpatterns = [
    path("runs/", views.CheckRunList.as_view(), name="checkrun-list"),
]

from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.subscription_list, name="list"),
    path("new/", views.subscription_edit, name="add"),
    path("<int:pk>/edit/", views.subscription_edit, name="edit"),
    path("<int:pk>/delete/", views.subscription_delete, name="delete"),
    path("<int:pk>/test/", views.subscription_test, name="test"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]

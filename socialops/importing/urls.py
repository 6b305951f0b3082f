from django.urls import path

from socialops.importing import views

app_name = "imports"

urlpatterns = [
    path("", views.import_list, name="list"),
    path("new/", views.import_new, name="new"),
    path("help/", views.import_help, name="help"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/run/", views.import_run_for_real, name="run"),
    path("<int:pk>/errors.csv", views.import_errors_csv, name="errors"),
]

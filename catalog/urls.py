from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("catalog/skus/", views.SKUList.as_view(), name="sku-list"),
    path("catalog/skus/<int:pk>/", views.SKUDetail.as_view(), name="sku-detail"),
]

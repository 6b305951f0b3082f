from django.urls import path

from promises import views

app_name = "promises"

urlpatterns = [
    path("runs/", views.CheckRunList.as_view(), name="checkrun-list"),
    # The conflict queue and its actions.
    path("conflicts/", views.ConflictList.as_view(), name="conflict-list"),
    path("conflicts/bulk/", views.ConflictBulk.as_view(), name="conflict-bulk"),
    path("conflicts/<int:pk>/", views.ConflictDetail.as_view(), name="conflict-detail"),
    path(
        "conflicts/<int:pk>/request-waiver/",
        views.ConflictRequestWaiver.as_view(),
        name="conflict-request-waiver",
    ),
    # The promises.
    path("promises/shipping/", views.ShippingMethodList.as_view(), name="shipping-list"),
    path("promises/shipping/new/", views.ShippingMethodCreate.as_view(), name="shipping-add"),
    path(
        "promises/shipping/<int:pk>/", views.ShippingMethodDetail.as_view(), name="shipping-detail"
    ),
    path(
        "promises/shipping/<int:pk>/edit/",
        views.ShippingMethodUpdate.as_view(),
        name="shipping-edit",
    ),
    path(
        "promises/shipping/<int:pk>/delete/",
        views.ShippingMethodDelete.as_view(),
        name="shipping-delete",
    ),
    path(
        "promises/shipping/<int:method_pk>/overrides/new/",
        views.OverrideCreate.as_view(),
        name="override-add",
    ),
    path("promises/overrides/<int:pk>/edit/", views.OverrideUpdate.as_view(), name="override-edit"),
    path(
        "promises/overrides/<int:pk>/delete/",
        views.OverrideDelete.as_view(),
        name="override-delete",
    ),
]

# The other promises share one shape: list, new, edit, delete.
for prefix, name, list_view, create, update, delete in [
    (
        "returns",
        "return",
        views.ReturnPolicyList,
        views.ReturnPolicyCreate,
        views.ReturnPolicyUpdate,
        views.ReturnPolicyDelete,
    ),
    (
        "checkout-countries",
        "checkoutcountry",
        views.CheckoutCountryList,
        views.CheckoutCountryCreate,
        views.CheckoutCountryUpdate,
        views.CheckoutCountryDelete,
    ),
    (
        "codes",
        "promocode",
        views.PromoCodeList,
        views.PromoCodeCreate,
        views.PromoCodeUpdate,
        views.PromoCodeDelete,
    ),
    (
        "support-replies",
        "reply",
        views.SupportReplyList,
        views.SupportReplyCreate,
        views.SupportReplyUpdate,
        views.SupportReplyDelete,
    ),
]:
    urlpatterns += [
        path(f"promises/{prefix}/", list_view.as_view(), name=f"{name}-list"),
        path(f"promises/{prefix}/new/", create.as_view(), name=f"{name}-add"),
        path(f"promises/{prefix}/<int:pk>/edit/", update.as_view(), name=f"{name}-edit"),
        path(f"promises/{prefix}/<int:pk>/delete/", delete.as_view(), name=f"{name}-delete"),
    ]

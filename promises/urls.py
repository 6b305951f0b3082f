from django.urls import path

from promises.views import conflicts, operations, runs

app_name = "promises"

urlpatterns = [
    path("runs/", runs.CheckRunList.as_view(), name="checkrun-list"),
    # The conflict queue and its actions.
    path("conflicts/", conflicts.ConflictList.as_view(), name="conflict-list"),
    path("conflicts/bulk/", conflicts.ConflictBulk.as_view(), name="conflict-bulk"),
    path("conflicts/by-fix/", conflicts.ConflictGroups.as_view(), name="conflict-groups"),
    path("conflicts/<int:pk>/", conflicts.ConflictDetail.as_view(), name="conflict-detail"),
    path(
        "conflicts/<int:pk>/request-waiver/",
        conflicts.ConflictRequestWaiver.as_view(),
        name="conflict-request-waiver",
    ),
    # The promises.
    path("promises/shipping/", operations.ShippingMethodList.as_view(), name="shipping-list"),
    path("promises/shipping/new/", operations.ShippingMethodCreate.as_view(), name="shipping-add"),
    path(
        "promises/shipping/<int:pk>/",
        operations.ShippingMethodDetail.as_view(),
        name="shipping-detail",
    ),
    path(
        "promises/shipping/<int:pk>/edit/",
        operations.ShippingMethodUpdate.as_view(),
        name="shipping-edit",
    ),
    path(
        "promises/shipping/<int:pk>/delete/",
        operations.ShippingMethodDelete.as_view(),
        name="shipping-delete",
    ),
    path(
        "promises/shipping/<int:method_pk>/overrides/new/",
        operations.OverrideCreate.as_view(),
        name="override-add",
    ),
    path(
        "promises/overrides/<int:pk>/edit/",
        operations.OverrideUpdate.as_view(),
        name="override-edit",
    ),
    path(
        "promises/overrides/<int:pk>/delete/",
        operations.OverrideDelete.as_view(),
        name="override-delete",
    ),
]

# The other promises share one shape: list, new, edit, delete.
for prefix, name, list_view, create, update, delete in [
    (
        "returns",
        "return",
        operations.ReturnPolicyList,
        operations.ReturnPolicyCreate,
        operations.ReturnPolicyUpdate,
        operations.ReturnPolicyDelete,
    ),
    (
        "checkout-countries",
        "checkoutcountry",
        operations.CheckoutCountryList,
        operations.CheckoutCountryCreate,
        operations.CheckoutCountryUpdate,
        operations.CheckoutCountryDelete,
    ),
    (
        "codes",
        "promocode",
        operations.PromoCodeList,
        operations.PromoCodeCreate,
        operations.PromoCodeUpdate,
        operations.PromoCodeDelete,
    ),
    (
        "support-replies",
        "reply",
        operations.SupportReplyList,
        operations.SupportReplyCreate,
        operations.SupportReplyUpdate,
        operations.SupportReplyDelete,
    ),
]:
    urlpatterns += [
        path(f"promises/{prefix}/", list_view.as_view(), name=f"{name}-list"),
        path(f"promises/{prefix}/new/", create.as_view(), name=f"{name}-add"),
        path(f"promises/{prefix}/<int:pk>/edit/", update.as_view(), name=f"{name}-edit"),
        path(f"promises/{prefix}/<int:pk>/delete/", delete.as_view(), name=f"{name}-delete"),
    ]

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from catalog.models import SKU, Location, Product, StockLevel, WebhookDelivery
from catalog.webhooks.services import enqueue_inbox_processing, requeue_deliveries


class SKUInline(admin.TabularInline):
    model = SKU
    extra = 0
    fields = [
        "code",
        "option1",
        "option2",
        "option3",
        "price",
        "compare_at_price",
        "currency",
        "inventory_policy",
        "available_on",
    ]
    show_change_link = True


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["title", "handle", "vendor", "category", "status", "published", "final_sale"]
    list_filter = ["status", "published", "final_sale", "vendor", "category"]
    search_fields = ["title", "handle", "vendor", "tags", "skus__code"]
    inlines = [SKUInline]


class StockLevelInline(admin.TabularInline):
    model = StockLevel
    extra = 0
    fields = ["location", "on_hand", "committed", "available", "incoming", "source", "updated_at"]
    readonly_fields = ["updated_at"]


@admin.register(SKU)
class SKUAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "product",
        "option1",
        "price",
        "currency",
        "inventory_policy",
        "total_available",
        "updated_at",
    ]
    list_filter = ["inventory_policy", "currency", "product__status", "product__category"]
    search_fields = ["code", "barcode", "product__title", "product__handle"]
    list_select_related = ["product"]
    autocomplete_fields = ["product"]
    inlines = [StockLevelInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate_available()

    @admin.display(description=_("available"), ordering="available")
    def total_available(self, obj: SKU) -> int:
        return obj.available


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "active", "shopify_location_id"]
    list_filter = ["active", "country"]
    search_fields = ["name"]


@admin.register(StockLevel)
class StockLevelAdmin(admin.ModelAdmin):
    list_display = ["sku", "location", "on_hand", "committed", "available", "source", "updated_at"]
    list_filter = ["location", "source"]
    search_fields = ["sku__code", "sku__product__title"]
    list_select_related = ["sku", "location"]
    autocomplete_fields = ["sku"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The webhook inbox: what Shopify sent, and what became of it."""

    list_display = [
        "webhook_id",
        "topic",
        "status",
        "reason",
        "attempts",
        "triggered_at",
        "received_at",
    ]
    list_filter = ["status", "topic"]
    search_fields = ["webhook_id", "resource_key", "last_error"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields if f.name != "body"] + [
        "payload"
    ]
    exclude = ["body"]
    actions = ["reprocess"]

    @admin.display(description=_("Body"))
    def payload(self, obj: WebhookDelivery) -> str:
        return bytes(obj.body).decode("utf-8", "replace")

    @admin.display(description=_("Reason"))
    def reason(self, obj: WebhookDelivery) -> str:
        """Why it failed or was ignored, cut for the list (the whole text on its page)."""
        return obj.last_error if len(obj.last_error) <= 200 else obj.last_error[:200] + "…"

    @admin.action(description=_("Retry: put back in the inbox"))
    def reprocess(self, request, queryset) -> None:
        count = requeue_deliveries(list(queryset.values_list("pk", flat=True)))
        transaction.on_commit(enqueue_inbox_processing)
        self.message_user(
            request,
            ngettext(
                "%(count)s delivery put back in the inbox.",
                "%(count)s deliveries put back in the inbox.",
                count,
            )
            % {"count": count},
        )

    def has_add_permission(self, request) -> bool:
        return False

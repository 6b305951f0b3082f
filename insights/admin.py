from django.contrib import admin

from insights.models import ChannelMetric, Order, SurveyResponse


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "external_id",
        "channel",
        "campaign",
        "country",
        "placed_at",
        "gross",
        "discounts",
        "refunded",
        "currency",
        "is_new_customer",
    ]
    list_filter = ["channel", "checkout_path", "is_new_customer", "country"]
    search_fields = ["external_id", "promo_code", "campaign__name"]
    list_select_related = ["channel", "campaign__channel"]
    date_hierarchy = "placed_at"
    raw_id_fields = ["campaign"]


@admin.register(ChannelMetric)
class ChannelMetricAdmin(admin.ModelAdmin):
    list_display = [
        "date",
        "channel",
        "campaign",
        "spend",
        "sessions",
        "add_to_carts",
        "qualified_add_to_carts",
        "platform_revenue",
    ]
    list_filter = ["channel"]
    search_fields = ["channel__name", "campaign__name"]
    list_select_related = ["channel", "campaign__channel"]
    date_hierarchy = "date"
    raw_id_fields = ["campaign"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    list_display = ["answered_at", "answer", "channel", "order"]
    list_filter = ["channel"]
    search_fields = ["answer", "external_id"]
    list_select_related = ["channel", "order"]
    date_hierarchy = "answered_at"
    raw_id_fields = ["order"]

from django.contrib import admin

from notifications.models import Delivery, Notification, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "destination", "active", "role_default"]
    list_filter = ["destination", "active"]
    exclude = ["target"]  # chat and webhook URLs carry their own secrets


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["subject", "subscription", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in Delivery._meta.fields]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["kind", "subscription", "conflict", "sync_run", "delivery", "created_at"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in Notification._meta.fields]

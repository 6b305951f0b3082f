from django.contrib import admin

from campaigns.models import Campaign, CampaignClaim, CampaignItem, Channel, Creator


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "network",
        "calendar_owner",
        "creative_budget_monthly",
        "catalog_sync",
        "last_catalog_sync_at",
        "response_time_commitment_hours",
    ]
    list_filter = ["network", "catalog_sync", "pixel_configured", "consent_configured"]
    search_fields = ["name"]
    list_select_related = ["calendar_owner"]


@admin.register(Creator)
class CreatorAdmin(admin.ModelAdmin):
    list_display = ["handle", "network", "commission_rate", "promo_code", "disclosure_required"]
    list_filter = ["network", "disclosure_required"]
    search_fields = ["handle", "promo_code"]


class CampaignItemInline(admin.TabularInline):
    model = CampaignItem
    extra = 0
    autocomplete_fields = ["sku"]


class CampaignClaimInline(admin.TabularInline):
    model = CampaignClaim
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "channel",
        "status",
        "format",
        "objective",
        "starts_at",
        "ends_at",
        "owner",
    ]
    list_filter = ["status", "channel", "format", "objective", "checkout_path"]
    search_fields = ["name", "caption", "script", "promo_code", "items__sku__code"]
    list_select_related = ["channel", "owner"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["creator"]
    inlines = [CampaignItemInline, CampaignClaimInline]


@admin.register(CampaignItem)
class CampaignItemAdmin(admin.ModelAdmin):
    list_display = ["campaign", "sku", "announced_price", "expected_units", "reserved_units"]
    list_filter = ["campaign__status", "campaign__channel"]
    search_fields = ["campaign__name", "sku__code"]
    list_select_related = ["campaign__channel", "sku"]
    autocomplete_fields = ["campaign", "sku"]


@admin.register(CampaignClaim)
class CampaignClaimAdmin(admin.ModelAdmin):
    list_display = ["campaign", "kind", "source", "text", "days", "is_free", "code"]
    list_filter = ["kind", "source"]
    search_fields = ["campaign__name", "text", "code"]
    list_select_related = ["campaign__channel"]
    autocomplete_fields = ["campaign"]

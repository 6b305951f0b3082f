from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from campaigns.admin import CampaignAdmin
from campaigns.choices import CampaignStatus
from campaigns.models import Campaign
from promises.forms import WAIVER_EXPIRY_HELP
from promises.models import (
    CheckoutCountry,
    CheckRun,
    Conflict,
    ConflictEvent,
    PromoCode,
    ReturnPolicy,
    RuleSetting,
    ShippingMethod,
    ShippingOverride,
    SupportReply,
)
from promises.services import (
    CampaignBlocked,
    acknowledge_conflicts,
    assign_conflicts,
    change_campaign_status,
    waive_conflicts,
)


class ShippingOverrideInline(admin.TabularInline):
    model = ShippingOverride
    extra = 0


@admin.register(ShippingMethod)
class ShippingMethodAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "countries",
        "min_days",
        "max_days",
        "price",
        "currency",
        "free_shipping_threshold",
        "enabled_in_checkout",
    ]
    list_filter = ["kind", "enabled_in_checkout"]
    search_fields = ["name", "countries"]
    inlines = [ShippingOverrideInline]


@admin.register(ShippingOverride)
class ShippingOverrideAdmin(admin.ModelAdmin):
    list_display = ["label", "method", "starts_on", "ends_on", "extra_days"]
    list_filter = ["method"]
    search_fields = ["label", "method__name"]
    list_select_related = ["method"]


@admin.register(ReturnPolicy)
class ReturnPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "window_days", "is_free", "countries", "active"]
    list_filter = ["is_free", "active"]
    search_fields = ["name"]


@admin.register(CheckoutCountry)
class CheckoutCountryAdmin(admin.ModelAdmin):
    list_display = ["country", "enabled", "updated_at"]
    list_filter = ["enabled"]
    search_fields = ["country"]


@admin.register(PromoCode)
class PromoCodeAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "kind",
        "value",
        "starts_at",
        "ends_at",
        "active",
        "usage_limit",
        "usage_count",
        "applies_to",
    ]
    list_filter = ["kind", "active", "applies_to", "channels"]
    search_fields = ["code"]
    filter_horizontal = ["channels"]
    autocomplete_fields = ["products", "skus"]


@admin.register(SupportReply)
class SupportReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "topic", "stated_delivery_days", "stated_return_days", "active"]
    list_filter = ["topic", "active"]
    search_fields = ["title", "text"]


class ConflictEventInline(admin.TabularInline):
    model = ConflictEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "kind", "from_state", "to_state", "note", "check_run"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    """The engine owns a conflict's facts and state; people act on it through the services,
    so every change lands in its history."""

    list_display = [
        "rule_code",
        "severity",
        "state",
        "campaign",
        "sku",
        "country",
        "first_seen_at",
        "due_at",
        "assignee",
    ]
    list_filter = ["state", "severity", "rule_code", "campaign__channel"]
    search_fields = ["rule_code", "message", "campaign__name", "sku__code"]
    list_select_related = ["campaign__channel", "sku", "assignee"]
    readonly_fields = [f.name for f in Conflict._meta.concrete_fields if f.name not in {"id"}]
    inlines = [ConflictEventInline]
    actions = ["acknowledge", "assign_to_me", "waive"]

    def has_add_permission(self, request):
        return False

    @admin.action(
        description=gettext_lazy("Waive selected conflicts (reason and expiry)…"),
        permissions=["change"],
    )
    def waive(self, request, queryset):
        conflicts = list(queryset.select_related("campaign"))
        form = WaiverForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            try:
                count = waive_conflicts(
                    [c.pk for c in conflicts],
                    request.user,
                    reason=form.cleaned_data["reason"],
                    until=form.cleaned_data["until"],
                )
            except ValidationError as error:
                for field, messages_ in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages_)
            else:
                text = ngettext("%(count)s conflict waived.", "%(count)s conflicts waived.", count)
                self.message_user(request, text % {"count": count}, messages.SUCCESS)
                return None
        return render(
            request,
            "admin/promises/conflict/waive.html",
            {
                **self.admin_site.each_context(request),
                "conflicts": conflicts,
                "form": form,
                "title": _("Waive conflicts"),
            },
        )

    @admin.action(
        description=gettext_lazy("Acknowledge selected conflicts"), permissions=["change"]
    )
    def acknowledge(self, request, queryset):
        count = acknowledge_conflicts(queryset.values_list("pk", flat=True), request.user)
        text = ngettext(
            "%(count)s conflict acknowledged.", "%(count)s conflicts acknowledged.", count
        )
        self.message_user(request, text % {"count": count}, messages.SUCCESS)

    @admin.action(
        description=gettext_lazy("Assign selected conflicts to me"), permissions=["change"]
    )
    def assign_to_me(self, request, queryset):
        count = assign_conflicts(queryset.values_list("pk", flat=True), request.user, request.user)
        text = ngettext(
            "%(count)s conflict assigned to you.", "%(count)s conflicts assigned to you.", count
        )
        self.message_user(request, text % {"count": count}, messages.SUCCESS)


class WaiverForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )
    until = forms.DateTimeField(
        label=gettext_lazy("Waived until"),
        help_text=WAIVER_EXPIRY_HELP,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )


# Campaign status changes go through the engine's service: the admin cannot schedule a
# blocked campaign either. (Registered here because campaigns must not depend on promises.)
admin.site.unregister(Campaign)


def _status_action(status: str, label, description):
    def action(modeladmin, request, queryset):
        moved, refused = [], []
        for campaign in queryset:
            try:
                change_campaign_status(campaign, status, request.user)
                moved.append(campaign.name)
            except CampaignBlocked as blocked:
                reasons = "; ".join(f"{b.rule_code}: {b.message}" for b in blocked.blockers)
                refused.append(
                    _("%(campaign)s is blocked (%(reasons)s)")
                    % {"campaign": campaign.name, "reasons": reasons}
                )
            except ValidationError as error:
                refused.append(f"{campaign.name}: {' '.join(error.messages)}")
        if moved:
            text = _("%(action)s: %(campaigns)s.") % {
                "action": label,
                "campaigns": ", ".join(moved),
            }
            modeladmin.message_user(request, text, messages.SUCCESS)
        for reason in refused:
            modeladmin.message_user(request, reason, messages.ERROR)

    action.__name__ = f"move_to_{status}"
    return admin.action(description=description, permissions=["change"])(action)


@admin.register(Campaign)
class CampaignStatusAdmin(CampaignAdmin):
    readonly_fields = ["status"]
    actions = [
        _status_action(
            CampaignStatus.IN_REVIEW,
            gettext_lazy("Submitted for review"),
            gettext_lazy("Submit selected campaigns for review"),
        ),
        _status_action(
            CampaignStatus.SCHEDULED,
            gettext_lazy("Scheduled"),
            gettext_lazy("Schedule selected campaigns"),
        ),
        _status_action(
            CampaignStatus.LIVE, gettext_lazy("Live"), gettext_lazy("Put selected campaigns live")
        ),
        _status_action(
            CampaignStatus.PAUSED, gettext_lazy("Paused"), gettext_lazy("Pause selected campaigns")
        ),
        _status_action(
            CampaignStatus.ENDED, gettext_lazy("Ended"), gettext_lazy("End selected campaigns")
        ),
    ]


@admin.register(ConflictEvent)
class ConflictEventAdmin(admin.ModelAdmin):
    list_display = ["conflict", "kind", "from_state", "to_state", "actor", "at"]
    list_filter = ["kind"]
    search_fields = ["conflict__rule_code", "conflict__campaign__name", "note"]
    list_select_related = ["conflict__campaign__channel", "actor"]
    raw_id_fields = ["conflict", "check_run"]


@admin.register(CheckRun)
class CheckRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "trigger",
        "status",
        "duration_ms",
        "campaigns_checked",
        "items_checked",
        "opened",
        "resolved",
        "reopened",
        "errors",
    ]
    list_filter = ["trigger", "status"]
    search_fields = ["error_details"]
    date_hierarchy = "started_at"


@admin.register(RuleSetting)
class RuleSettingAdmin(admin.ModelAdmin):
    list_display = ["rule_code", "severity", "enabled", "updated_at"]
    list_filter = ["severity", "enabled"]
    search_fields = ["rule_code"]

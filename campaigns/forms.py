"""The campaign form with its items and entered claims, as marketing fills it in.

Model constraints (dates in order, one line per SKU, non-negative money) are checked here,
field by field, so a bad value comes back as a message next to its field and never reaches
the database as an IntegrityError.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from campaigns.choices import CampaignStatus, ClaimSource
from campaigns.models import Campaign, CampaignClaim, CampaignItem, Channel, Creator
from campaigns.synced import PLATFORM_OWNED_FIELDS, PLATFORM_OWNED_ITEM_FIELDS, synced_note
from catalog.models import SKU
from common.concurrency import VersionedForm

# <input type="datetime-local"> sends and expects this format.
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
# Empty rows offered: one SKU row on a new campaign (every campaign promotes one); none
# otherwise, so a saved form does not come back with blank rows. "Add a row" adds more.
NEW_CAMPAIGN_ITEM_ROWS = 1


class DateTimeLocal(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=DATETIME_LOCAL, **kwargs)


class CampaignForm(VersionedForm):
    """A campaign's plan, audience, money, creator and copy; its status moves elsewhere.

    Saving a form opened before someone else's save is refused, naming what they changed.
    """

    class Meta:
        model = Campaign
        fields = [
            "channel",
            "name",
            "format",
            "objective",
            "starts_at",
            "ends_at",
            "target_countries",
            "checkout_path",
            "budget",
            "currency",
            "creator",
            "is_paid_partnership",
            "disclosure",
            "promo_code",
            "caption",
            "script",
            "cites_stock",
            "cites_customer_service",
            "cites_margin",
            "stop_min_roas",
            "stop_max_cpa",
            "qualified_basket_threshold",
        ]
        widgets = {
            "starts_at": DateTimeLocal(),
            "ends_at": DateTimeLocal(),
            "caption": forms.Textarea(attrs={"rows": 5}),
            "script": forms.Textarea(attrs={"rows": 4}),
            "target_countries": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {
            "caption": _("The words shoppers read. Promises found in it are checked as you type."),
            "target_countries": _("Type a country's name to add it; remove one with its cross."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = Channel.objects.order_by("name")
        self.fields["creator"].queryset = Creator.objects.order_by("handle")
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = [DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The campaign must end after it starts."))
        if data.get("is_paid_partnership") and not (data.get("disclosure") or "").strip():
            # The engine would block it anyway (DISCLOSURE_MISSING); say so where it is typed.
            self.add_error("disclosure", _("A paid partnership must say how it is disclosed."))
        return data


def sku_label(sku: SKU) -> str:
    """How a SKU reads in a picker: its code and its product, "TEE-BLK-M · Tee (Black / M)"."""
    options = " / ".join(o for o in (sku.option1, sku.option2, sku.option3) if o)
    title = sku.product.title if sku.product_id else ""
    return " · ".join(p for p in (sku.code or str(_("(no SKU)")), title) if p) + (
        f" ({options})" if options else ""
    )


class SKUChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SKU) -> str:
        return sku_label(obj)


class ItemForm(forms.ModelForm):
    class Meta:
        model = CampaignItem
        fields = [
            "sku",
            "announced_price",
            "currency",
            "expected_units",
            "reserved_units",
            "preorder_message",
        ]
        labels = {"sku": _("SKU"), "announced_price": _("Announced price")}
        field_classes = {"sku": SKUChoiceField}
        # data-search: the picker searches the "code · product" labels (static/js/forms.js).
        widgets = {"sku": forms.Select(attrs={"data-search": ""})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sku"].queryset = SKU.objects.select_related("product").order_by("code")


class ClaimForm(forms.ModelForm):
    """A promise typed in by hand; the ones read from the copy are managed by the engine."""

    class Meta:
        model = CampaignClaim
        fields = [
            "kind",
            "text",
            "days",
            "is_free",
            "shipping_option",
            "amount",
            "currency",
            "code",
        ]
        widgets = {"is_free": forms.NullBooleanSelect()}
        labels = {"is_free": _("Free?"), "text": _("Words used")}

    def save(self, commit: bool = True) -> CampaignClaim:
        self.instance.source = ClaimSource.ENTERED
        return super().save(commit=commit)


class EnteredClaimsFormSet(BaseInlineFormSet):
    def get_queryset(self):
        return super().get_queryset().filter(source=ClaimSource.ENTERED)


ItemFormSet = inlineformset_factory(Campaign, CampaignItem, form=ItemForm, extra=0, can_delete=True)
ClaimFormSet = inlineformset_factory(
    Campaign,
    CampaignClaim,
    form=ClaimForm,
    formset=EnteredClaimsFormSet,
    extra=0,
    can_delete=True,
)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CampaignStatus.choices)


# The formsets' prefixes; a "more rows" submit names one of them.
FORMSET_PREFIXES = ("items", "claims")


def campaign_forms(
    data: Any = None, instance: Campaign | None = None
) -> tuple[CampaignForm, Any, Any]:
    """The campaign form and its two formsets, bound to `data` when given."""
    instance = instance or Campaign()
    items = ItemFormSet(data, instance=instance, prefix="items")
    if instance.pk is None:
        items.extra = NEW_CAMPAIGN_ITEM_ROWS
    forms_ = (
        CampaignForm(data, instance=instance),
        items,
        ClaimFormSet(data, instance=instance, prefix="claims"),
    )
    if instance.synced_from:
        lock_platform_owned(*forms_[:2], note=synced_note(instance))
    return forms_


def lock_platform_owned(form: CampaignForm, items: Any, *, note: str) -> None:
    """Disable what the ad platform owns on a synced campaign's form, saying where to edit it.

    Disabled fields keep their stored values whatever is posted, so the page cannot change
    them; the items keep their editable units but no row can be added or removed.
    """
    for name in PLATFORM_OWNED_FIELDS:
        if name in form.fields:
            form.fields[name].disabled = True
            form.fields[name].help_text = note
    # A disabled field is cleaned from its initial value, which the country field gives as
    # one comma-separated string; its select wants the list of codes.
    form.initial["target_countries"] = [str(c) for c in form.instance.target_countries]
    for name in ("starts_at", "ends_at"):
        # Or the initial value loses its microseconds and reads as a change to the dates.
        form.fields[name].widget.supports_microseconds = True
    items.extra = 0
    items.can_delete = False
    for item_form in items.forms:
        for name in PLATFORM_OWNED_ITEM_FIELDS:
            item_form.fields[name].disabled = True
            item_form.fields[name].help_text = note


def with_more_rows(data: Any, prefix: str) -> Any:
    """The posted data with one more (blank) row counted in formset `prefix`: the answer to
    an "Add a row" button pressed without JavaScript."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    with contextlib.suppress(ValueError):  # a tampered count: the formset reports it
        data[key] = str(int(data.get(key, 0)) + 1)
    return data

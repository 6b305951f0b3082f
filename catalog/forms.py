"""Forms of the catalog pages: stock levels of one SKU, edited by ops."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.choices import StockSource
from catalog.models import Location, StockLevel
from common.concurrency import VersionedForm


class StockLevelForm(VersionedForm):
    """One location's quantities, checked as the database would check them, field by field;
    a row changed since the page was opened (by someone, an import or a webhook) is not
    overwritten."""

    class Meta:
        model = StockLevel
        fields = ["location", "on_hand", "committed", "available", "incoming"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(active=True)
        for name in ("on_hand", "committed", "available", "incoming"):
            self.fields[name].widget.attrs["min"] = 0

    def clean(self) -> dict:
        data = super().clean()
        for name in ("on_hand", "committed", "available", "incoming"):
            value = data.get(name)
            if value is not None and value < 0:
                self.add_error(name, _("Cannot be negative."))
        on_hand, available = data.get("on_hand"), data.get("available")
        if on_hand is not None and available is not None and available > on_hand:
            self.add_error("available", _("Cannot exceed the units on hand."))
        return data

    def save(self, commit: bool = True) -> StockLevel:
        # Entered by hand: the next import or webhook may overwrite it, and says so.
        self.instance.source = StockSource.MANUAL
        return super().save(commit=commit)


class BaseStockFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            location = form.cleaned_data.get("location")
            if location in seen:
                form.add_error("location", _("This location already has a row."))
            seen.add(location)


def stock_formset(**kwargs):
    from catalog.models import SKU

    formset = forms.inlineformset_factory(
        SKU,
        StockLevel,
        form=StockLevelForm,
        formset=BaseStockFormSet,
        extra=1,
        can_delete=False,
    )
    return formset(**kwargs)

"""Forms of the ops pages: conflict actions (one or many at once) and the promises.

The conflict forms parse; `promises.services` decides (and says no with a ValidationError
that the form turns into field-level messages). The promise forms check the models'
constraints in `clean`, field by field, so a bad value is a message, never an IntegrityError.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from common.concurrency import VersionedForm
from promises.models import (
    CheckoutCountry,
    Conflict,
    PromoCode,
    ReturnPolicy,
    ShippingMethod,
    ShippingOverride,
    SupportReply,
)
from promises.services import (
    MAX_WAIVER,
    Resolution,
    acknowledge_conflicts,
    assign_conflicts,
    ops_users,
    request_waiver,
    resolve_conflicts,
    validate_waiver,
    waive_conflicts,
)

DATETIME_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Waivers are short by design; the expiry the forms suggest is a week away.
SUGGESTED_WAIVER = timedelta(days=7)


def _waiver_expiry_help() -> str:
    days = MAX_WAIVER.days
    return ngettext("At most %(days)s day ahead.", "At most %(days)s days ahead.", days) % {
        "days": days
    }


# Translated when shown (a lazy ngettext would be interpolated, so fixed, at import).
WAIVER_EXPIRY_HELP = lazy(_waiver_expiry_help, str)()


@dataclass(frozen=True)
class ActionOutcome:
    """What an action did: which action, how many conflicts changed (of how many asked),
    to whom they went for an assignment, and for a fix note what the re-check found."""

    action: str
    changed: int
    asked: int = 0
    assignee: str | None = None
    resolution: Resolution | None = None

    def summary(self) -> str:
        """What the queue tells after a bulk action: "2 conflicts acknowledged." and the rest
        left as they were."""
        count = self.changed
        values = {"count": count, "who": self.assignee}
        if self.action == ConflictActionForm.ASSIGN and self.assignee:
            text = ngettext(
                "%(count)s conflict assigned to %(who)s.",
                "%(count)s conflicts assigned to %(who)s.",
                count,
            )
        elif self.action == ConflictActionForm.ASSIGN:
            text = ngettext(
                "%(count)s conflict assigned to nobody.",
                "%(count)s conflicts assigned to nobody.",
                count,
            )
        elif self.action == ConflictActionForm.ACKNOWLEDGE:
            text = ngettext(
                "%(count)s conflict acknowledged.", "%(count)s conflicts acknowledged.", count
            )
        else:  # a fix note tells what its re-check found instead (see `resolution`)
            text = ngettext("%(count)s conflict waived.", "%(count)s conflicts waived.", count)
        text %= values
        unchanged = self.asked - count
        if unchanged > 0:
            text += " " + ngettext(
                "%(count)s left as it was (already so, or no longer standing).",
                "%(count)s left as they were (already so, or no longer standing).",
                unchanged,
            ) % {"count": unchanged}
        return text

    def single(self) -> str:
        """What the conflict's page tells after an action on it."""
        if self.action == ConflictActionForm.ASSIGN and self.assignee:
            return _("Conflict assigned to %(who)s.") % {"who": self.assignee}
        if self.action == ConflictActionForm.ASSIGN:
            return _("Conflict assigned to nobody.")
        if self.action == ConflictActionForm.ACKNOWLEDGE:
            return _("Conflict acknowledged.")
        return _("Conflict waived.")


class ConflictActionForm(forms.Form):
    """One action on one or more conflicts: assign, acknowledge, waive, or a fix note."""

    ASSIGN, ACKNOWLEDGE, WAIVE, NOTE = "assign", "acknowledge", "waive", "note"
    ACTIONS = [
        (ASSIGN, gettext_lazy("Assign")),
        (ACKNOWLEDGE, gettext_lazy("Acknowledge")),
        (WAIVE, gettext_lazy("Waive")),
        (NOTE, gettext_lazy("Add a fix note")),
    ]
    # The pages say how long a waiver may last.
    max_waiver_days = MAX_WAIVER.days

    action = forms.ChoiceField(choices=ACTIONS)
    ids = forms.ModelMultipleChoiceField(
        queryset=Conflict.objects.all(),
        label=gettext_lazy("Conflicts"),
        error_messages={"required": gettext_lazy("Select at least one conflict.")},
    )
    assignee = forms.CharField(
        required=False,
        label=gettext_lazy("Assign to"),
        initial="me",
        help_text=gettext_lazy('"me", a user, or blank to unassign.'),
        widget=forms.Select(),
    )
    reason = forms.CharField(
        required=False,
        label=gettext_lazy("Waiver reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    until = forms.DateTimeField(
        required=False,
        label=gettext_lazy("Waived until"),
        help_text=WAIVER_EXPIRY_HELP,
        widget=DATETIME_LOCAL,
        input_formats=DATETIME_FORMATS,
    )
    note = forms.CharField(
        required=False, label=gettext_lazy("Fix note"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.assignable = list(ops_users())
        choices = [
            ("me", pgettext_lazy("assign to", "Me")),
            ("", pgettext_lazy("assign to", "Nobody (unassign)")),
        ]
        choices += [(str(u.pk), u.get_username()) for u in self.assignable if u != user]
        self.fields["assignee"].widget.choices = choices
        self.fields["until"].initial = timezone.localtime() + SUGGESTED_WAIVER
        self.fields["until"].widget.attrs["max"] = (timezone.localtime() + MAX_WAIVER).strftime(
            "%Y-%m-%dT%H:%M"
        )

    def clean_assignee(self):
        value = (self.cleaned_data.get("assignee") or "").strip()
        if value == "me":
            return self.user
        if not value:
            return None
        for user in self.assignable:
            if str(user.pk) == value:
                return user
        raise ValidationError(_("Choose someone who works conflicts."))

    def clean(self) -> dict:
        data = super().clean()
        action = data.get("action")
        if action == self.WAIVE:
            # A value the field could not parse already has its message.
            for field, message in validate_waiver(
                data.get("reason"), data.get("until"), timezone.now()
            ).items():
                if field not in self.errors:
                    self.add_error(field, message)
        return data

    def apply(self, actor) -> ActionOutcome:
        """Run the action through the services (a fix note re-checks the campaigns).

        A ValidationError from a service lands on the form's fields.
        """
        data = self.cleaned_data
        ids = [c.pk for c in data["ids"]]
        action = data["action"]
        asked = len(ids)
        try:
            if action == self.ASSIGN:
                who = data["assignee"]
                name = who.get_username() if who else None
                return ActionOutcome(action, assign_conflicts(ids, who, actor), asked, name)
            if action == self.ACKNOWLEDGE:
                return ActionOutcome(action, acknowledge_conflicts(ids, actor), asked)
            if action == self.WAIVE:
                count = waive_conflicts(ids, actor, reason=data["reason"], until=data["until"])
                return ActionOutcome(action, count, asked)
            resolution = resolve_conflicts(ids, actor, data["note"])
            return ActionOutcome(action, asked, asked, resolution=resolution)
        except ValidationError as error:
            self._add_service_errors(error)
            raise

    def _add_service_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)


class WaiverRequestForm(forms.Form):
    """Marketing asks ops to waive a conflict, saying why."""

    reason = forms.CharField(
        label=gettext_lazy("Why should ops waive it?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Say why the conflict should be waived.")},
    )

    def save(self, conflict: Conflict, actor) -> None:
        try:
            request_waiver(conflict.pk, actor, self.cleaned_data["reason"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                self.add_error(None, error)
            raise


# --- Promises ----------------------------------------------------------------------------


class PromiseForm(VersionedForm):
    """A model form that puts constraint messages on the fields they concern, and refuses
    to overwrite a save made since it was opened (naming what changed)."""

    def non_negative(self, *names: str) -> None:
        for name in names:
            value = self.cleaned_data.get(name)
            if value is not None and value < 0:
                self.add_error(name, _("Cannot be negative."))


class ShippingMethodForm(PromiseForm):
    class Meta:
        model = ShippingMethod
        fields = [
            "name",
            "kind",
            "countries",
            "min_days",
            "max_days",
            "handling_days",
            "price",
            "currency",
            "free_shipping_threshold",
            "enabled_in_checkout",
        ]
        widgets = {"countries": forms.SelectMultiple(attrs={"size": 8})}

    def clean(self) -> dict:
        data = super().clean()
        low, high = data.get("min_days"), data.get("max_days")
        if low is not None and high is not None and low > high:
            self.add_error("max_days", _("The slowest delivery cannot be faster than the fastest."))
        return data


class ShippingOverrideForm(PromiseForm):
    class Meta:
        model = ShippingOverride
        fields = ["label", "starts_on", "ends_on", "extra_days"]
        widgets = {"starts_on": DATE_INPUT, "ends_on": DATE_INPUT}

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The override cannot end before it starts."))
        return data


class ReturnPolicyForm(PromiseForm):
    excluded_categories = forms.CharField(
        required=False,
        label=gettext_lazy("Excluded categories"),
        help_text=gettext_lazy(
            "Product categories not returnable under this policy, comma-separated."
        ),
    )

    class Meta:
        model = ReturnPolicy
        fields = ["name", "window_days", "is_free", "countries", "excluded_categories", "active"]
        widgets = {"countries": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["excluded_categories"] = ", ".join(self.instance.excluded_categories or [])

    def clean_excluded_categories(self) -> list[str]:
        raw = self.cleaned_data.get("excluded_categories") or ""
        return [part.strip() for part in raw.split(",") if part.strip()]


class CheckoutCountryForm(PromiseForm):
    class Meta:
        model = CheckoutCountry
        fields = ["country", "enabled"]


class PromoCodeForm(PromiseForm):
    class Meta:
        model = PromoCode
        fields = [
            "code",
            "kind",
            "value",
            "currency",
            "starts_at",
            "ends_at",
            "active",
            "usage_limit",
            "usage_count",
            "applies_to",
            "products",
            "skus",
            "channels",
        ]
        widgets = {
            "starts_at": DATETIME_LOCAL,
            "ends_at": DATETIME_LOCAL,
            "products": forms.SelectMultiple(attrs={"size": 6}),
            "skus": forms.SelectMultiple(attrs={"size": 6}),
            "channels": forms.SelectMultiple(attrs={"size": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = DATETIME_FORMATS
        self.fields["skus"].queryset = self.fields["skus"].queryset.select_related("product")

    def clean_code(self) -> str:
        code = (self.cleaned_data.get("code") or "").strip()
        # Checkout matches codes case-insensitively (the unique constraint is on UPPER(code)).
        clash = PromoCode.objects.filter(code__iexact=code).exclude(pk=self.instance.pk)
        if code and clash.exists():
            raise ValidationError(
                _("A code %(code)s already exists.") % {"code": clash.first().code}
            )
        return code

    def clean(self) -> dict:
        data = super().clean()
        value, kind = data.get("value"), data.get("kind")
        if value is not None and value <= 0:
            self.add_error("value", _("A discount must be more than zero."))
        elif value is not None and kind == "percentage" and value > 100:
            self.add_error("value", _("A percentage cannot exceed 100."))
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end < start:
            self.add_error("ends_at", _("The code cannot end before it starts."))
        self.non_negative("usage_limit", "usage_count")
        return data


class SupportReplyForm(PromiseForm):
    class Meta:
        model = SupportReply
        fields = ["topic", "title", "text", "stated_delivery_days", "stated_return_days", "active"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}

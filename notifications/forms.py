"""The subscription form: where messages go, and which ones."""

from __future__ import annotations

from urllib.parse import urlsplit

import apprise
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from campaigns.models import Channel
from notifications.choices import DestinationKind, NotificationKind
from notifications.models import Subscription
from promises.choices import Severity


class SubscriptionForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label=_("Kinds"), choices=NotificationKind.choices, widget=forms.CheckboxSelectMultiple
    )
    severities = forms.MultipleChoiceField(
        label=_("Severities"),
        choices=Severity.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: every severity."),
    )
    channels = forms.ModelMultipleChoiceField(
        label=_("Channels"),
        queryset=Channel.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every channel."),
    )

    class Meta:
        model = Subscription
        fields = ["name", "destination", "target", "kinds", "severities", "channels", "scope"]
        labels = {
            "name": _("Name"),
            "destination": _("Destination"),
            "target": _("Address or URL"),
            "scope": _("Scope"),
        }
        help_texts = {
            "target": _(
                "Email: blank for your account's address. Chat: an apprise URL such as "
                "slack://…, msteams://…, gchat://…, discord://… Webhook: the https URL "
                "that receives the signed JSON."
            )
        }

    def clean(self) -> dict:
        data = super().clean()
        destination, target = data.get("destination"), (data.get("target") or "").strip()
        data["target"] = target
        if destination == DestinationKind.EMAIL and target:
            try:
                validate_email(target)
            except ValidationError:
                self.add_error("target", _("Enter an email address, or leave it blank."))
        elif destination == DestinationKind.CHAT:
            if not target or not apprise.Apprise().add(target):
                self.add_error(
                    "target", _("Enter a chat URL apprise knows (slack://, msteams://…).")
                )
        elif destination == DestinationKind.WEBHOOK:
            parts = urlsplit(target)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                self.add_error("target", _("Enter the webhook's http(s) URL."))
        return data

"""The subscription form: where messages go, and which ones."""

from __future__ import annotations

from urllib.parse import urlsplit

import apprise
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from campaigns.models import Channel
from notifications.choices import DestinationKind, NotificationKind
from notifications.models import Subscription
from promises.choices import Severity


class SubscriptionForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        choices=NotificationKind.choices, widget=forms.CheckboxSelectMultiple
    )
    severities = forms.MultipleChoiceField(
        choices=Severity.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="None ticked: every severity.",
    )
    channels = forms.ModelMultipleChoiceField(
        queryset=Channel.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every channel.",
    )

    class Meta:
        model = Subscription
        fields = ["name", "destination", "target", "kinds", "severities", "channels", "scope"]
        labels = {"target": "Address or URL"}
        help_texts = {
            "target": (
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
                self.add_error("target", "Enter an email address, or leave it blank.")
        elif destination == DestinationKind.CHAT:
            if not target or not apprise.Apprise().add(target):
                self.add_error("target", "Enter a chat URL apprise knows (slack://, msteams://…).")
        elif destination == DestinationKind.WEBHOOK:
            parts = urlsplit(target)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                self.add_error("target", "Enter the webhook's http(s) URL.")
        return data

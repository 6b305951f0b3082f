"""The add-a-connection form: the token is write-only (never rendered back)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import Channel
from integrations.choices import ConnectionKind
from integrations.models import Connection, EnforcementPolicy

SHOP_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")
AD_ACCOUNT = re.compile(r"^(act_)?[0-9]+$")


class TokenField(forms.CharField):
    """A secret typed once: rendered empty even when the form is redisplayed with errors."""

    widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"})


class ConnectionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k, ConnectionKind(k).label) for k in ConnectionKind.supported()],
    )
    name = forms.CharField(label=_("Name"), max_length=120)
    account_id = forms.CharField(
        label=_("Shop domain or ad account id"),
        max_length=255,
        help_text=_("your-store.myshopify.com, or act_1234567890 for a Meta ad account."),
    )
    token = TokenField(
        label=_("Access token"),
        max_length=2000,
        help_text=_("Stored encrypted; it is never shown again."),
    )
    scopes = forms.CharField(
        label=_("Scopes"),
        max_length=1000,
        required=False,
        help_text=_("Comma-separated, as granted."),
    )
    channel = forms.ModelChoiceField(
        label=_("Channel"),
        queryset=Channel.objects.all(),
        required=False,
        help_text=_("Ad accounts: the channel their ads become campaigns on."),
    )

    def clean(self) -> dict:
        data = super().clean()
        kind, account = data.get("kind"), (data.get("account_id") or "").strip().lower()
        if kind == ConnectionKind.SHOPIFY and account and not SHOP_DOMAIN.match(account):
            self.add_error("account_id", _("Use the store's your-store.myshopify.com domain."))
        if kind in ConnectionKind.ad_kinds():
            if account and not AD_ACCOUNT.match(account):
                self.add_error("account_id", _("Use the ad account id, e.g. act_1234567890."))
            if not data.get("channel"):
                self.add_error("channel", _("Choose the channel this account's ads run on."))
            if account and not account.startswith("act_"):
                account = f"act_{account}"
        data["account_id"] = account
        if kind and account and Connection.objects.filter(kind=kind, account_id=account).exists():
            self.add_error("account_id", _("This account is already connected."))
        return data


class ReconnectForm(forms.Form):
    token = TokenField(label=_("New access token"), max_length=2000)


class EnforcementPolicyForm(forms.ModelForm):
    """A channel's enforcement policy, set from its ad account's page."""

    class Meta:
        model = EnforcementPolicy
        fields = ["mode", "dry_run", "cooldown_minutes", "max_pauses_per_hour"]
        labels = {
            "mode": _("When a blocker opens on a live ad"),
            "dry_run": _("Dry run"),
            "cooldown_minutes": _("Cooldown per ad (minutes)"),
            "max_pauses_per_hour": _("Pauses per connection and hour, at most"),
        }

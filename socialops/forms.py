"""Forms of the Users page: invite (create) a person with their roles, change roles."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from socialops.roles import ROLE_LABELS, Role

User = get_user_model()
ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in Role]


class RolesField(forms.MultipleChoiceField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("choices", ROLE_CHOICES)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Roles"))
        kwargs.setdefault(
            "help_text",
            _(
                "Marketing writes campaigns, ops keeps the catalog and promises, exec reads "
                "everything, admin manages people and connections."
            ),
        )
        super().__init__(**kwargs)


class UserCreateForm(forms.ModelForm):
    """A new person: their login, name, roles and a first password."""

    roles = RolesField()
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
        label=_("Password"),
        help_text=_(
            "Leave blank to create the account without a password: "
            "they cannot log in until one is set."
        ),
    )

    class Meta:
        model = User
        fields = ["username", "email", "first_name", "last_name"]

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password", "")
        if password:
            password_validation.validate_password(password)
        return password


class UserRolesForm(forms.Form):
    roles = RolesField()

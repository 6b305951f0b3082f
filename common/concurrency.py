"""Optimistic concurrency for whole-object edits: nothing silently overwritten.

A form or an API client reads an object with its version; writing it back, the version it
read is compared with the stored one under a row lock, so of two people editing the same
object the second is told what the first changed instead of reverting it. The version is
the row's `updated_at` where it has one, else a digest of its stored values.

Pages carry the version in a signed hidden field (`VersionedForm`), with a digest of each
field as opened, so a stale save can say which fields changed and to what. The API carries
it as an ETag, and honours `If-Match` (412 when the object changed since).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from datetime import datetime
from typing import Any

from django import forms
from django.core import signing
from django.db import models
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from common import formatting

# Salt of the hidden field's signature: a token is valid for version fields only.
SIGNING_SALT = "common.concurrency.version"
# Characters of each field's digest: enough to tell values apart, small in the page.
FIELD_DIGEST_LENGTH = 12
VERSION_FIELD = "version"


class StaleEdit(Exception):
    """The object changed since the writer read it; `current` is the stored row."""

    def __init__(self, current: models.Model) -> None:
        super().__init__(f"{current} changed since it was read.")  # for logs; pages say more
        self.current = current

    @property
    def editor(self) -> str:
        return edited_by(self.current)


def version_of(instance: models.Model) -> str:
    """The version of a stored object: what a writer must have read to overwrite it."""
    stamp = getattr(instance, "updated_at", None)
    if stamp is not None:
        return stamp.isoformat()
    values = [(f.attname, f.value_to_string(instance)) for f in instance._meta.concrete_fields]
    return hashlib.sha256(repr(values).encode()).hexdigest()[:32]


def edited_by(instance: models.Model) -> str:
    """Who made the stored version, as well as the row knows."""
    user = getattr(instance, "updated_by", None)
    if user is not None:
        return str(user)
    # A row an ad platform's sync wrote last (campaigns: updated_by cleared, synced_from set).
    platform = getattr(instance, "synced_from", "")
    if platform:
        return _("the %(platform)s sync") % {"platform": platform}
    if hasattr(instance, "get_source_display"):  # stock levels: a person, an import, a webhook
        return _("another edit (%(source)s)") % {"source": instance.get_source_display().lower()}
    return _("someone else")


def lock_unchanged(instance: models.Model, version: str | Collection[str]) -> models.Model:
    """Lock the stored row of `instance` and refuse if its version is not `version` (or
    none of the versions given); answer the stored row.

    Call it inside the transaction that writes the object: the lock holds until the write
    commits, so two writers holding the same version cannot both pass.
    """
    current = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    accepted = {version} if isinstance(version, str) else set(version)
    if version_of(current) not in accepted:
        raise StaleEdit(current)
    return current


def etag_of(instance: models.Model) -> str:
    """The object's version as an HTTP entity tag."""
    return f'"{version_of(instance)}"'


def versions_in(if_match: str) -> set[str] | None:
    """The versions an If-Match header names, or None for `*` (any version will do)."""
    tags = {tag.strip() for tag in if_match.split(",") if tag.strip()}
    if "*" in tags:
        return None
    return {tag.removeprefix("W/").strip('"') for tag in tags}


def _digest(value: Any) -> str:
    if isinstance(value, (list, tuple, set)) or (
        hasattr(value, "__iter__") and not isinstance(value, (str, bytes, dict))
    ):
        value = sorted(str(getattr(v, "pk", v)) for v in value)
    else:
        value = getattr(value, "pk", value)
    return hashlib.sha256(repr(value).encode()).hexdigest()[:FIELD_DIGEST_LENGTH]


def _display(instance: models.Model, name: str) -> str:
    """A stored field's value as a person reads it."""
    field = instance._meta.get_field(name)
    if field.many_to_many:
        value = [str(obj) for obj in getattr(instance, name).all()]
    elif field.choices and hasattr(instance, f"get_{name}_display"):
        value = getattr(instance, f"get_{name}_display")()
    else:
        value = getattr(instance, name)
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(getattr(v, "code", v)) for v in value)
    if value in (None, ""):
        return _("empty")
    if value is True or value is False:
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return formatting.when(value)
    return str(value)


class VersionedForm(forms.ModelForm):
    """A model form that refuses to overwrite changes made since it was opened.

    The view calls `check_version()` inside the transaction that saves (or passes
    `opened_version` to a service that calls `lock_unchanged`, then `report_stale()`).
    """

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial[VERSION_FIELD] = self._token(self.instance)

    def _tracked(self) -> list[str]:
        names = {f.name for f in self.instance._meta.get_fields()}
        return [name for name in self._meta.fields or () if name in names]

    def _token(self, instance: models.Model) -> str:
        values = model_to_dict(instance, fields=self._tracked())
        fields = {name: _digest(value) for name, value in values.items()}
        return signing.dumps({"v": version_of(instance), "f": fields}, salt=SIGNING_SALT)

    def _opened(self) -> dict | None:
        token = self.data.get(self.add_prefix(VERSION_FIELD)) if self.is_bound else None
        if not token:
            return None  # a form posted without a version (a script): nothing to compare
        try:
            return signing.loads(token, salt=SIGNING_SALT)
        except signing.BadSignature:
            return {"v": "", "f": {}}  # tampered with: treat as opened long ago

    @property
    def opened_version(self) -> str | None:
        opened = self._opened() if self.instance.pk is not None else None
        return None if opened is None else opened.get("v", "")

    def check_version(self) -> bool:
        """Inside the saving transaction: whether the row is as opened (locking it till the
        save commits); if not, the form gets an error naming what changed."""
        version = self.opened_version
        if version is None:
            return True
        try:
            lock_unchanged(self.instance, version)
        except StaleEdit as stale:
            self.report_stale(stale)
            return False
        return True

    def report_stale(self, stale: StaleEdit) -> None:
        """Say who changed what since the form was opened, and offer the new version:
        saving again replaces their values with the ones typed, knowingly."""
        current = stale.current
        opened = (self._opened() or {}).get("f", {})
        now = model_to_dict(current, fields=self._tracked())
        changed = [name for name, value in now.items() if opened.get(name) != _digest(value)]
        listed = "; ".join(
            _("%(field)s is now %(value)s")
            % {"field": self.fields[name].label or name, "value": _display(current, name)}
            for name in changed
            if name in self.fields
        )
        if listed:
            message = _(
                "Changed by %(editor)s since you opened it: %(changes)s. Your values are kept "
                "below: save again to replace theirs, or reload the page."
            )
        else:
            message = _(
                "Changed by %(editor)s since you opened it. Your values are kept below: save "
                "again to replace theirs, or reload the page."
            )
        self.add_error(None, message % {"editor": stale.editor, "changes": listed})
        self.data = self.data.copy()
        self.data[self.add_prefix(VERSION_FIELD)] = self._token(current)

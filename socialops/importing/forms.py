"""The upload form: which import, which file, and how (dry run, all or nothing)."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socialops.importing.detect import wrong_kind_message
from socialops.models import ImportKind

ACCEPTED_SUFFIXES = {".csv", ".tsv", ".txt"}


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"))
    file = forms.FileField(label=gettext_lazy("CSV file"), allow_empty_file=False)
    dry_run = forms.BooleanField(
        label=gettext_lazy("Dry run: show what would change, write nothing"),
        required=False,
        initial=True,
    )
    atomic = forms.BooleanField(
        label=gettext_lazy("All or nothing: if any row is refused, import none"), required=False
    )

    def __init__(self, *args, kinds: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, ImportKind(k).label) for k in kinds]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() not in ACCEPTED_SUFFIXES:
            raise forms.ValidationError(_("Upload a CSV file (.csv, .tsv or .txt)."))
        limit = settings.IMPORTS_MAX_UPLOAD_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB.") % {"limit": limit}
            )
        return upload

    def clean(self):
        data = super().clean()
        upload, kind = data.get("file"), data.get("kind")
        if upload is not None and kind:
            # A product file chosen as inventory (or the reverse) would be refused row by
            # row with messages about the wrong columns; say what the file is instead.
            message = wrong_kind_message(kind, upload)
            if message:
                self.add_error("kind", message)
        return data

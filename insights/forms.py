"""The period picker of the exec pages: the last 7, 30 or 90 days, or custom dates."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from insights.kpis import Period

PRESETS = (7, 30, 90)
DEFAULT_DAYS = 30
# A year and a day: enough for year-on-year reading, bounded so one page cannot ask the
# database to aggregate the whole history.
MAX_PERIOD_DAYS = 366
CUSTOM = "custom"


def period_choices() -> list[tuple[str, str]]:
    """The presets, in the language of whoever reads the form (a callable: read per render)."""
    return [
        (str(days), ngettext("Last %(days)s day", "Last %(days)s days", days) % {"days": days})
        for days in PRESETS
    ] + [(CUSTOM, pgettext("period", "Custom"))]


class PeriodForm(forms.Form):
    """`?period=7|30|90`, or `?period=custom&start=YYYY-MM-DD&end=YYYY-MM-DD`."""

    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=period_choices,
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        # Dates without a preset mean custom dates: a link may carry only start and end.
        custom = data.get("period") == CUSTOM or (
            not data.get("period") and bool(self.data.get("start") or self.data.get("end"))
        )
        data["custom"] = custom
        if not custom or self.has_error("start") or self.has_error("end"):
            return data
        if start is None:
            self.add_error("start", _("Enter the first day of the period."))
        if end is None:
            self.add_error("end", _("Enter the last day of the period."))
        if start is None or end is None:
            return data
        if start > end:
            self.add_error("end", _("The last day must be on or after the first day."))
        elif end > timezone.localdate():
            self.add_error("end", _("The last day cannot be in the future."))
        elif (end - start).days + 1 > MAX_PERIOD_DAYS:
            self.add_error(
                "start",
                ngettext(
                    "Choose at most %(days)s day.", "Choose at most %(days)s days.", MAX_PERIOD_DAYS
                )
                % {"days": MAX_PERIOD_DAYS},
            )
        return data

    def get_period(self) -> Period:
        """The chosen period; the default (last 30 days) while the input is invalid."""
        if not self.is_bound or not self.is_valid():
            return Period.last(DEFAULT_DAYS)
        data = self.cleaned_data
        if data["custom"]:
            return Period(data["start"], data["end"])
        return Period.last(int(data.get("period") or DEFAULT_DAYS))

    @classmethod
    def from_query(cls, query) -> PeriodForm:
        """Bound only when the query names a period, so a bare URL shows the default quietly."""
        if any(query.get(name) for name in ("period", "start", "end")):
            return cls(query)
        return cls(initial={"period": str(DEFAULT_DAYS)})

"""Check-run pages: every run of the checks engine and what it did."""

from __future__ import annotations

from django.utils.translation import gettext_lazy, pgettext_lazy

from common.listing import Column, ListPage, Sort, attr
from promises.filters import CheckRunFilter
from promises.models import CheckRun
from promises.views.listing import SortCaption


class CheckRunList(SortCaption, ListPage):
    """Every run of the checks engine with its figures: what it checked, found and fixed."""

    model = CheckRun
    permission_required = "promises.view_checkrun"
    filterset_class = CheckRunFilter
    template_name = "promises/checkrun_list.html"
    results_template_name = "promises/_checkrun_results.html"
    sorts = {
        "started": Sort(gettext_lazy("Started"), ("started_at",)),
        "duration": Sort(gettext_lazy("Duration"), ("duration_ms",)),
        "campaigns": Sort(gettext_lazy("Campaigns"), ("campaigns_checked",)),
        "opened": Sort(pgettext_lazy("check run", "Opened"), ("opened",)),
        "errors": Sort(gettext_lazy("Errors"), ("errors",)),
    }
    default_sort = "-started"
    csv_name = "check-runs"
    csv_columns = [
        Column("id", attr("pk")),
        Column("trigger", attr("trigger")),
        Column("status", attr("status")),
        Column("started_at", attr("started_at")),
        Column("finished_at", attr("finished_at")),
        Column("duration_ms", attr("duration_ms")),
        Column("campaigns_checked", attr("campaigns_checked")),
        Column("items_checked", attr("items_checked")),
        Column("opened", attr("opened")),
        Column("resolved", attr("resolved")),
        Column("reopened", attr("reopened")),
        Column("errors", attr("errors")),
    ]

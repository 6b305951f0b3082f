"""The list page every dashboard list is built on: filters, search, sort, pagination, CSV.

A list page names its FilterSet (shared with the API), its sort keys, and its CSV columns;
the same filtered, sorted queryset feeds the HTML table and the CSV export, so an export is
exactly what the user is looking at, every page of it. An htmx request for the results
(filters changed, a sort header or a page link clicked) gets only the results partial.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.views.generic import ListView

# A CSV export streams in chunks of this many rows, so memory does not grow with the list.
CSV_CHUNK = 2000


@dataclass(frozen=True)
class Sort:
    """One way to sort a list: `?sort=key` ascending, `?sort=-key` descending."""

    label: str
    ordering: tuple[str, ...]


@dataclass(frozen=True)
class Column:
    """One CSV column: its header and how to read it off a row."""

    header: str
    value: Callable[[Any], Any]


def attr(path: str) -> Callable[[Any], Any]:
    """`attr("channel.name")` reads row.channel.name; None anywhere on the way gives ''."""

    def read(row: Any) -> Any:
        value = row
        for part in path.split("."):
            value = getattr(value, part, None)
            if value is None:
                return ""
            if callable(value) and part.startswith("get_"):
                value = value()
        return value

    return read


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        # A cell that a spreadsheet would run as a formula is written as text.
        return "'" + value
    return value


def stream_csv(rows: Iterator[Any], columns: list[Column]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow([column.header for column in columns])
    for row in rows:
        yield writer.writerow([_csv_cell(column.value(row)) for column in columns])


class ListPage(PermissionRequiredMixin, ListView):
    """A filtered, searchable, sortable, paginated list with a CSV export of the same rows.

    Subclasses set `model` or `get_base_queryset()`, `filterset_class`, `sorts`,
    `default_sort`, `csv_columns`, `template_name` and `results_template_name`.
    """

    raise_exception = True
    paginate_by = 50
    filterset_class = None
    sorts: dict[str, Sort] = {}
    default_sort = ""
    csv_columns: list[Column] = []
    csv_name = ""
    results_template_name = ""

    def get_base_queryset(self) -> QuerySet:
        return super().get_queryset()

    def get_filterset(self):
        if self.filterset_class is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a filterset_class.")
        return self.filterset_class(
            self.request.GET or None, queryset=self.get_base_queryset(), request=self.request
        )

    def current_sort(self) -> str:
        asked = self.request.GET.get("sort", "")
        return asked if asked.lstrip("-") in self.sorts else self.default_sort

    def sort_queryset(self, queryset: QuerySet, sort: str) -> QuerySet:
        if not sort:
            return queryset
        descending = sort.startswith("-")
        ordering = self.sorts[sort.lstrip("-")].ordering
        if descending:
            ordering = tuple(o[1:] if o.startswith("-") else f"-{o}" for o in ordering)
        # The primary key last: a stable order, so pages neither repeat nor skip rows.
        return queryset.order_by(*ordering, "-pk" if descending else "pk")

    def get_queryset(self) -> QuerySet:
        self.filterset = self.get_filterset()
        queryset = self.filterset.qs if self.filterset.is_bound else self.filterset.queryset
        if self.filterset.is_bound and not self.filterset.is_valid():
            queryset = queryset.none()
        return self.sort_queryset(queryset, self.current_sort())

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.wants_csv():
            return self.export_csv()
        return super().get(request, *args, **kwargs)

    def wants_csv(self) -> bool:
        """`?export=csv`; `?format=csv` too where `format` is not one of the list's filters."""
        query = self.request.GET
        if query.get("export") == "csv":
            return True
        filters = getattr(self.filterset_class, "base_filters", {})
        return query.get("format") == "csv" and "format" not in filters

    def get_template_names(self) -> list[str]:
        if getattr(self.request, "htmx", False) and self.results_template_name:
            target = self.request.htmx.target or ""
            if target == "results":
                return [self.results_template_name]
        return super().get_template_names()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        sort = self.current_sort()
        context.update(
            filterset=self.filterset,
            filter_form=self.filterset.form,
            sort=sort,
            sorts=self.sorts,
            results_template=self.results_template_name,
            list_label=self.model._meta.verbose_name_plural,
            has_csv=bool(self.csv_columns),
            total=context["paginator"].count if context.get("paginator") else None,
        )
        return context

    def export_csv(self) -> HttpResponse:
        if not self.csv_columns:
            return HttpResponse(status=404)
        queryset = self.get_queryset()
        name = self.csv_name or slugify(self.model._meta.verbose_name_plural)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(
            stream_csv(queryset.iterator(chunk_size=CSV_CHUNK), self.csv_columns),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
        return response

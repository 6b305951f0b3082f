"""What the promises' list pages add to the shared list page."""

from __future__ import annotations

from typing import Any


class SortCaption:
    """`sort_label`: the list's order in words ("due"), for the table's caption."""

    sorts: dict

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        chosen = self.sorts.get((context.get("sort") or "").lstrip("-"))
        context["sort_label"] = str(chosen.label).lower() if chosen else ""
        return context

"""Page-number pagination with a capped page size."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

# A page of 50 rows keeps a list answer small; 500 lets a script page through a store
# quickly without one request holding a worker for seconds.
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class Pagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        """The asked page size, at most MAX_PAGE_SIZE; a size that is not a positive whole
        number is refused (400), as the schema says, instead of silently ignored."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            raise serializers.ValidationError(
                {self.page_size_query_param: [_("A whole number of 1 or more.")]}
            )
        return min(int(raw), self.max_page_size)

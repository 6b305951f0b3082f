"""Page-number pagination with a capped page size."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination

# A page of 50 rows keeps a list answer small; 500 lets a script page through a store
# quickly without one request holding a worker for seconds.
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class Pagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

"""Shopify Admin GraphQL API client, pinned to one API version.

Cost-based throttling: every answer carries `extensions.cost.throttleStatus`
(currentlyAvailable, restoreRate); before a query that would overdraw the bucket the client
waits for it to refill, and a THROTTLED answer is retried after the same wait.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import requests
from django.conf import settings

from integrations.clients.http import Http, IntegrationError, ReconnectNeeded, wait

API_VERSION = "2025-10"
# A page's worth of nodes: Shopify's maximum per connection is 250.
PAGE_SIZE = 100


def gid_number(gid: Any) -> int:
    """gid://shopify/ProductVariant/123 -> 123."""
    if not isinstance(gid, str) or not gid.startswith("gid://shopify/"):
        raise ValueError(f"not a Shopify global id: {gid!r}")
    return int(gid.rsplit("/", 1)[1])


def _throttle_wait(body: dict) -> float | None:
    """Seconds until the bucket holds the query's cost, from the answer's throttle status."""
    cost = (body.get("extensions") or {}).get("cost") or {}
    status = cost.get("throttleStatus") or {}
    try:
        available = float(status["currentlyAvailable"])
        restore = float(status["restoreRate"])
        requested = float(cost.get("requestedQueryCost") or 0)
    except (KeyError, TypeError, ValueError):
        return None
    if restore <= 0:
        return None
    return max(requested - available, 0.0) / restore


def _throttled(response: requests.Response) -> float | None:
    if response.status_code != 200:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return None
    if any((e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors):
        return _throttle_wait(body) or 1.0
    return None


class ShopifyClient:
    """Read-only queries against one store's Admin GraphQL API."""

    platform = "Shopify"

    def __init__(self, shop: str, token: str) -> None:
        base = settings.SHOPIFY_ADMIN_URL.format(shop=shop).rstrip("/")
        self.url = f"{base}/admin/api/{API_VERSION}/graphql.json"
        self.http = Http(
            "Shopify",
            headers={"X-Shopify-Access-Token": token, "Content-Type": "application/json"},
            backoff_for=_throttled,
        )
        self._next_cost_wait = 0.0

    @property
    def requests_made(self) -> int:
        return self.http.requests_made

    def query(self, query: str, variables: dict | None = None) -> dict:
        """The `data` of one query; raises with Shopify's own words on errors."""
        if self._next_cost_wait:
            wait(self._next_cost_wait, "Shopify")
            self._next_cost_wait = 0.0
        response = self.http.send(
            "POST", self.url, data=json.dumps({"query": query, "variables": variables or {}})
        )
        if response.status_code == 401:
            raise ReconnectNeeded(
                "Shopify refused the access token (401): it was revoked or the app was "
                "uninstalled. Reconnect the store with a new token."
            )
        if response.status_code == 403:
            raise ReconnectNeeded(
                "Shopify refused access (403): the token lacks a scope SocialOps needs "
                "(read_products, read_inventory, read_locations, read_discounts)."
            )
        if response.status_code == 404:
            raise IntegrationError("No Shopify store answers at this address (404).")
        if response.status_code != 200:
            raise IntegrationError(f"Shopify answered {response.status_code}.")
        try:
            body = response.json()
        except ValueError:
            raise IntegrationError("Shopify answered something that is not JSON.") from None
        if body.get("errors"):
            messages = "; ".join(str(e.get("message", e)) for e in body["errors"][:3])
            raise IntegrationError(f"Shopify refused the query: {messages}")
        # Wait before the next query if this one left less in the bucket than it cost.
        self._next_cost_wait = _throttle_wait(body) or 0.0
        data = body.get("data")
        if not isinstance(data, dict):
            raise IntegrationError("Shopify answered without data.")
        return data

    def paginate(
        self, query: str, path: tuple[str, ...], variables: dict | None = None
    ) -> Iterator[list]:
        """Pages of nodes of the connection at `path`, following pageInfo.endCursor."""
        cursor = None
        while True:
            data = self.query(query, {**(variables or {}), "first": PAGE_SIZE, "after": cursor})
            connection: Any = data
            for key in path:
                connection = (connection or {}).get(key)
            if not isinstance(connection, dict):
                raise IntegrationError(f"Shopify answered without {'.'.join(path)}.")
            nodes = connection.get("nodes") or []
            yield nodes
            info = connection.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                return
            cursor = info.get("endCursor")
            if not cursor:
                raise IntegrationError("Shopify said there is a next page but gave no cursor.")

    def shop(self) -> dict:
        """The store's name and currency: the connection test."""
        return self.query(SHOP_QUERY)["shop"]


SHOP_QUERY = "query { shop { name myshopifyDomain currencyCode } }"

PRODUCTS_QUERY = """
query Products($first: Int!, $after: String) {
  products(first: $first, after: $after, sortKey: ID) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id handle title status vendor productType tags descriptionHtml publishedAt
      options { name position }
    }
  }
}
"""

VARIANTS_QUERY = """
query Variants($first: Int!, $after: String) {
  productVariants(first: $first, after: $after, sortKey: ID) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id title sku barcode price compareAtPrice inventoryPolicy
      selectedOptions { name value }
      product { id }
      inventoryItem { id }
    }
  }
}
"""

LOCATIONS_QUERY = """
query Locations($first: Int!, $after: String) {
  locations(first: $first, after: $after, includeInactive: true) {
    pageInfo { hasNextPage endCursor }
    nodes { id name isActive address { countryCode } }
  }
}
"""

# The states SocialOps keeps (catalog.StockLevel): on hand, committed, available, incoming.
QUANTITY_NAMES = ["available", "committed", "incoming", "on_hand"]

INVENTORY_QUERY = """
query Inventory($location: ID!, $first: Int!, $after: String) {
  location(id: $location) {
    inventoryLevels(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes {
        item { id }
        quantities(names: QUANTITY_NAMES) { name quantity }
      }
    }
  }
}
""".replace("QUANTITY_NAMES", json.dumps(QUANTITY_NAMES))

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
from django.utils.translation import gettext_noop

from common.texts import say
from integrations.clients.http import (
    ANSWERED,
    NOT_JSON,
    Http,
    IntegrationError,
    ReconnectNeeded,
    wait,
)

API_VERSION = "2025-10"
# A page's worth of nodes: Shopify's maximum per connection is 250.
PAGE_SIZE = 100
# Bulk operations: poll every few seconds, give up (until the next sync) after 20 minutes.
BULK_POLL_SECONDS = 3.0
BULK_MAX_WAIT_SECONDS = 1200.0
SHOPIFY_WITHOUT = gettext_noop("Shopify answered without %(what)s.")
BULK_LINE_NOT_JSON = gettext_noop("Line %(line)s of the bulk file is not JSON.")
BULK_LINE_NOT_OBJECT = gettext_noop("Line %(line)s of the bulk file is not an object.")


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
                say(
                    gettext_noop(
                        "Shopify refused the access token (401): it was revoked or the app was "
                        "uninstalled. Reconnect the store with a new token."
                    )
                )
            )
        if response.status_code == 403:
            raise ReconnectNeeded(
                say(
                    gettext_noop(
                        "Shopify refused access (403): the token lacks a scope SocialOps needs "
                        "(read_products, read_inventory, read_locations, read_discounts, "
                        "read_shipping)."
                    )
                )
            )
        if response.status_code == 404:
            raise IntegrationError(
                say(gettext_noop("No Shopify store answers at this address (404)."))
            )
        if response.status_code != 200:
            raise IntegrationError(say(ANSWERED, platform="Shopify", status=response.status_code))
        try:
            body = response.json()
        except ValueError:
            raise IntegrationError(say(NOT_JSON, platform="Shopify")) from None
        if body.get("errors"):
            messages = "; ".join(str(e.get("message", e)) for e in body["errors"][:3])
            raise IntegrationError(
                say(gettext_noop("Shopify refused the query: %(errors)s"), errors=messages)
            )
        # Wait before the next query if this one left less in the bucket than it cost.
        self._next_cost_wait = _throttle_wait(body) or 0.0
        data = body.get("data")
        if not isinstance(data, dict):
            raise IntegrationError(say(gettext_noop("Shopify answered without data.")))
        return data

    def paginate(
        self,
        query: str,
        path: tuple[str, ...],
        variables: dict | None = None,
        page_size: int = PAGE_SIZE,
    ) -> Iterator[list]:
        """Pages of nodes of the connection at `path`, following pageInfo.endCursor."""
        cursor = None
        while True:
            data = self.query(query, {**(variables or {}), "first": page_size, "after": cursor})
            connection: Any = data
            for key in path:
                connection = (connection or {}).get(key)
            if not isinstance(connection, dict):
                raise IntegrationError(say(SHOPIFY_WITHOUT, what=".".join(path)))
            nodes = connection.get("nodes") or []
            yield nodes
            info = connection.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                return
            cursor = info.get("endCursor")
            if not cursor:
                raise IntegrationError(
                    say(gettext_noop("Shopify said there is a next page but gave no cursor."))
                )

    def shop(self) -> dict:
        """The store's name and currency: the connection test."""
        return self.query(SHOP_QUERY)["shop"]

    def variants_count(self) -> int:
        """How many variants the store has: decides bulk operation or pages."""
        data = self.query(VARIANTS_COUNT_QUERY)
        count = (data.get("productVariantsCount") or {}).get("count")
        if not isinstance(count, int):
            raise IntegrationError(say(SHOPIFY_WITHOUT, what="productVariantsCount"))
        return count

    # --- Bulk operations ------------------------------------------------------------------

    def run_bulk(self, bulk_query: str) -> str | None:
        """Start a bulk query, wait until it completes, and return its JSONL url (None when
        it matched nothing: Shopify then sends no url)."""
        data = self.query(BULK_RUN_MUTATION, {"query": bulk_query})
        result = data.get("bulkOperationRunQuery") or {}
        errors = result.get("userErrors") or []
        if errors:
            messages = "; ".join(str(e.get("message", e)) for e in errors[:3])
            raise IntegrationError(
                say(
                    gettext_noop("Shopify refused the bulk operation: %(errors)s"),
                    errors=messages,
                )
            )
        operation_id = (result.get("bulkOperation") or {}).get("id")
        if not operation_id:
            raise IntegrationError(say(gettext_noop("Shopify started no bulk operation.")))
        waited = 0.0
        while True:
            operation = self.query(CURRENT_BULK_QUERY).get("currentBulkOperation") or {}
            if operation.get("id") != operation_id:
                raise IntegrationError(
                    say(
                        gettext_noop(
                            "Another bulk operation replaced SocialOps' one; the next sync will "
                            "retry."
                        )
                    )
                )
            status = operation.get("status")
            if status == "COMPLETED":
                return operation.get("url")
            if status in ("FAILED", "CANCELED", "CANCELING", "EXPIRED"):
                code = operation.get("errorCode") or "no reason given"
                raise IntegrationError(
                    say(
                        gettext_noop(
                            "Shopify's bulk operation ended %(status)s (%(code)s); the next "
                            "sync will retry."
                        ),
                        status=status.lower(),
                        code=code,
                    )
                )
            if waited >= BULK_MAX_WAIT_SECONDS:
                raise IntegrationError(
                    say(
                        gettext_noop(
                            "Shopify's bulk operation was still %(status)s after %(minutes)s "
                            "minutes; the next sync will retry."
                        ),
                        status=str(status).lower(),
                        minutes=f"{BULK_MAX_WAIT_SECONDS // 60:.0f}",
                    )
                )
            wait(BULK_POLL_SECONDS, "Shopify")
            waited += BULK_POLL_SECONDS

    def jsonl(self, url: str) -> Iterator[dict]:
        """The objects of a bulk operation's JSONL file, one line at a time: the file (100 MB
        for a large store) is never held in memory. The url is pre-signed: no token sent."""
        self.http.requests_made += 1
        try:
            response = requests.get(url, stream=True, timeout=(5, 300))
        except requests.RequestException as error:
            raise IntegrationError(
                say(
                    gettext_noop("Shopify's bulk file could not be downloaded (%(error)s)."),
                    error=type(error).__name__,
                )
            ) from None
        with response:
            if response.status_code != 200:
                raise IntegrationError(
                    say(
                        gettext_noop(
                            "Shopify's bulk file answered %(status)s; the next sync will retry."
                        ),
                        status=response.status_code,
                    )
                )
            for number, line in enumerate(response.iter_lines(chunk_size=1 << 16), start=1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                except ValueError:
                    item = {"__malformed__": say(BULK_LINE_NOT_JSON, line=number)}
                yield (
                    item
                    if isinstance(item, dict)
                    else {"__malformed__": say(BULK_LINE_NOT_OBJECT, line=number)}
                )


SHOP_QUERY = "query { shop { name myshopifyDomain currencyCode } }"

PRODUCTS_QUERY = """
query Products($first: Int!, $after: String, $query: String) {
  products(first: $first, after: $after, sortKey: ID, query: $query) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id handle title status vendor productType tags descriptionHtml publishedAt
      options { name position }
    }
  }
}
"""

VARIANTS_QUERY = """
query Variants($first: Int!, $after: String, $query: String) {
  productVariants(first: $first, after: $after, sortKey: ID, query: $query) {
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

# The inventory states read. catalog.StockLevel keeps on hand, committed, available and
# incoming; reserved and safety stock are part of on hand but not of available (Shopify's
# "unavailable"), so they are read to rebuild on hand when Shopify leaves it out.
QUANTITY_NAMES = ["available", "committed", "incoming", "on_hand", "reserved", "safety_stock"]

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

VARIANTS_COUNT_QUERY = "query { productVariantsCount { count precision } }"

BULK_RUN_MUTATION = """
mutation RunBulk($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { field message }
  }
}
"""

CURRENT_BULK_QUERY = """
query { currentBulkOperation(type: QUERY) {
  id status errorCode objectCount rootObjectCount fileSize url partialDataUrl
} }
"""

# One bulk query for the catalog: products, their variants (children, `__parentId` = the
# product). FILTER is replaced with an `updated_at:>'...'` search for incremental runs.
BULK_CATALOG_QUERY = """
{
  products(query: FILTER) {
    edges { node {
      id handle title status vendor productType tags descriptionHtml publishedAt
      options { name position }
      variants {
        edges { node {
          id title sku barcode price compareAtPrice inventoryPolicy
          selectedOptions { name value }
          inventoryItem { id }
        } }
      }
    } }
  }
}
"""

# Stock: every location's levels (children, `__parentId` = the location). Quantities change
# without touching a product's updated_at, so stock is read whole at every sync.
BULK_STOCK_QUERY = """
{
  locations(includeInactive: true) {
    edges { node {
      id
      inventoryLevels {
        edges { node {
          id
          item { id }
          quantities(names: QUANTITY_NAMES) { name quantity }
        } }
      }
    } }
  }
}
""".replace("QUANTITY_NAMES", json.dumps(QUANTITY_NAMES))

# Code discounts (read_discounts). Amount-off codes carry a percentage or an amount and the
# items they apply to; free-shipping codes carry their countries.
DISCOUNT_FIELDS = """
  __typename
  title status startsAt endsAt usageLimit asyncUsageCount updatedAt
  codes(first: 5) { nodes { code } }
  ... on DiscountCodeBasic {
    customerGets {
      value {
        __typename
        ... on DiscountPercentage { percentage }
        ... on DiscountAmount { amount { amount currencyCode } appliesOnEachItem }
      }
      items {
        __typename
        ... on AllDiscountItems { allItems }
        ... on DiscountProducts {
          products(first: 50) { pageInfo { hasNextPage } nodes { id } }
          productVariants(first: 50) { pageInfo { hasNextPage } nodes { id } }
        }
      }
    }
  }
  ... on DiscountCodeFreeShipping {
    destinationSelection {
      __typename
      ... on DiscountCountryAll { allCountries }
      ... on DiscountCountries { countries includeRestOfWorld }
    }
  }
"""

DISCOUNTS_QUERY = (
    """
query Discounts($first: Int!, $after: String, $query: String) {
  codeDiscountNodes(first: $first, after: $after, sortKey: ID, query: $query) {
    pageInfo { hasNextPage endCursor }
    nodes { id codeDiscount { DISCOUNT_FIELDS } }
  }
}
"""
).replace("DISCOUNT_FIELDS", DISCOUNT_FIELDS)

DISCOUNT_QUERY = (
    """
query Discount($id: ID!) {
  codeDiscountNode(id: $id) { id codeDiscount { DISCOUNT_FIELDS } }
}
"""
).replace("DISCOUNT_FIELDS", DISCOUNT_FIELDS)

# Nested connections multiply a query's cost (at most 1,000 a query): a page of discounts
# (each with up to 100 products and variants) and one delivery profile a page stay under it.
DISCOUNT_PAGE_SIZE = 5
DELIVERY_PAGE_SIZE = 1

# Delivery profiles (read_shipping): zones with their countries, and the rates (method
# definitions) with their price and conditions. Shopify keeps no delivery days here.
DELIVERY_PROFILES_QUERY = """
query DeliveryProfiles($first: Int!, $after: String) {
  deliveryProfiles(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id name default
      profileLocationGroups {
        locationGroupZones(first: 20) {
          pageInfo { hasNextPage }
          nodes {
            zone { id name countries { code { countryCode restOfWorld } } }
            methodDefinitions(first: 20) {
              pageInfo { hasNextPage }
              nodes {
                id name active description
                rateProvider {
                  __typename
                  ... on DeliveryRateDefinition { id price { amount currencyCode } }
                  ... on DeliveryParticipant {
                    id fixedFee { amount currencyCode } participantService { name }
                  }
                }
                methodConditions {
                  field operator
                  conditionCriteria {
                    __typename
                    ... on MoneyV2 { amount currencyCode }
                    ... on Weight { unit value }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
"""

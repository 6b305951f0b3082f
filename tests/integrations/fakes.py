"""Local stand-ins for the platforms, answering with bodies shaped as their references show.

Shopify: Admin GraphQL API 2025-10 (`products`, `productVariants`, `locations`,
`location.inventoryLevels` with `quantities(names:)`, `pageInfo { hasNextPage endCursor }`,
`extensions.cost.throttleStatus`, the THROTTLED error, `codeDiscountNodes`, `deliveryProfiles`,
`productVariantsCount`, `bulkOperationRunQuery` / `currentBulkOperation` and the JSONL file
with `__parentId`; `query: "updated_at:>'...'"` searches). Meta: Graph API v21.0 Marketing API
(`data` + `paging { cursors { before after } next }`, the `error` body, usage headers).
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from werkzeug import Request, Response

SHOPIFY_PATH = "/admin/api/2025-10/graphql.json"
SHOPIFY_TOKEN = "shpat_test_1f2e3d4c5b6a"
META_TOKEN = "EAAGtestMetaToken1234567890"


def cost(requested: int = 12, available: float = 1988.0, restore: float = 100.0) -> dict:
    return {
        "cost": {
            "requestedQueryCost": requested,
            "actualQueryCost": requested,
            "throttleStatus": {
                "maximumAvailable": 2000.0,
                "currentlyAvailable": available,
                "restoreRate": restore,
            },
        }
    }


def product(n: int, **fields: Any) -> dict:
    return {
        "id": f"gid://shopify/Product/{n}",
        "handle": f"product-{n}",
        "title": f"Product {n}",
        "status": "ACTIVE",
        "vendor": "Acme",
        "productType": "Shirts",
        "tags": ["summer", "cotton"],
        "descriptionHtml": "<p>Soft.</p>",
        "publishedAt": "2025-01-02T10:00:00Z",
        "options": [{"name": "Size", "position": 1}],
        **fields,
    }


def variant(n: int, product_n: int, **fields: Any) -> dict:
    return {
        "id": f"gid://shopify/ProductVariant/{n}",
        "title": f"Size {n}",
        "sku": f"SHIRT-{n}",
        "barcode": f"400000{n}",
        "price": "25.00",
        "compareAtPrice": None,
        "inventoryPolicy": "DENY",
        "selectedOptions": [{"name": "Size", "value": f"S{n}"}],
        "product": {"id": f"gid://shopify/Product/{product_n}"},
        "inventoryItem": {"id": f"gid://shopify/InventoryItem/{n}"},
        **fields,
    }


# When the fake store's nodes were last updated, unless a node says otherwise.
STORE_UPDATED_AT = "2025-01-02T10:00:00Z"


def now_iso() -> str:
    """An updatedAt for a node changed now (after any earlier sync)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def discount(
    n: int,
    code: str,
    *,
    percentage: float | None = 0.2,
    amount: str | None = None,
    items: dict | None = None,
    status: str = "ACTIVE",
    starts: str = "2025-06-01T00:00:00Z",
    ends: str | None = None,
    limit: int | None = None,
    used: int = 0,
    typename: str = "DiscountCodeBasic",
) -> dict:
    """A codeDiscountNodes node (DiscountCodeBasic unless told)."""
    body: dict = {
        "__typename": typename,
        "title": f"Discount {code}",
        "status": status,
        "startsAt": starts,
        "endsAt": ends,
        "usageLimit": limit,
        "asyncUsageCount": used,
        "updatedAt": STORE_UPDATED_AT,
        "codes": {"nodes": [{"code": code}]},
    }
    if typename == "DiscountCodeBasic":
        value = (
            {
                "__typename": "DiscountAmount",
                "amount": {"amount": amount, "currencyCode": "EUR"},
                "appliesOnEachItem": False,
            }
            if amount is not None
            else {"__typename": "DiscountPercentage", "percentage": percentage}
        )
        body["customerGets"] = {
            "value": value,
            "items": items or {"__typename": "AllDiscountItems", "allItems": True},
        }
    elif typename == "DiscountCodeFreeShipping":
        body["destinationSelection"] = {
            "__typename": "DiscountCountries",
            "countries": ["FR"],
            "includeRestOfWorld": False,
        }
    return {"id": f"gid://shopify/DiscountCodeNode/{n}", "codeDiscount": body}


def discount_products(products: list[int] = (), variants: list[int] = ()) -> dict:
    return {
        "__typename": "DiscountProducts",
        "products": {
            "pageInfo": {"hasNextPage": False},
            "nodes": [{"id": f"gid://shopify/Product/{n}"} for n in products],
        },
        "productVariants": {
            "pageInfo": {"hasNextPage": False},
            "nodes": [{"id": f"gid://shopify/ProductVariant/{n}"} for n in variants],
        },
    }


def rate(n: int, name: str, price: str, minimum: str | None = None, active: bool = True) -> dict:
    """A method definition with a flat rate, and a minimum order total when given."""
    conditions = []
    if minimum is not None:
        conditions.append(
            {
                "field": "TOTAL_PRICE",
                "operator": "GREATER_THAN_OR_EQUAL_TO",
                "conditionCriteria": {
                    "__typename": "MoneyV2",
                    "amount": minimum,
                    "currencyCode": "EUR",
                },
            }
        )
    return {
        "id": f"gid://shopify/DeliveryMethodDefinition/{n}",
        "name": name,
        "active": active,
        "description": None,
        "rateProvider": {
            "__typename": "DeliveryRateDefinition",
            "id": f"gid://shopify/DeliveryRateDefinition/{n}",
            "price": {"amount": price, "currencyCode": "EUR"},
        },
        "methodConditions": conditions,
    }


def zone(n: int, name: str, countries: list[str], rates: list[dict]) -> dict:
    return {
        "zone": {
            "id": f"gid://shopify/DeliveryZone/{n}",
            "name": name,
            "countries": [{"code": {"countryCode": c, "restOfWorld": False}} for c in countries],
        },
        "methodDefinitions": {"pageInfo": {"hasNextPage": False}, "nodes": rates},
    }


def delivery_profile(n: int, zones: list[dict]) -> dict:
    return {
        "id": f"gid://shopify/DeliveryProfile/{n}",
        "name": "General profile",
        "default": n == 1,
        "profileLocationGroups": [
            {"locationGroupZones": {"pageInfo": {"hasNextPage": False}, "nodes": zones}}
        ],
    }


def level(item_n: int, available: int, on_hand: int | None = None) -> dict:
    on_hand = available if on_hand is None else on_hand
    return {
        "item": {"id": f"gid://shopify/InventoryItem/{item_n}"},
        "quantities": [
            {"name": "available", "quantity": available},
            {"name": "committed", "quantity": on_hand - available},
            {"name": "incoming", "quantity": 0},
            {"name": "on_hand", "quantity": on_hand},
        ],
    }


@dataclass
class FakeShopify:
    """A store: its nodes, served a page at a time, plus queued answers to send first."""

    products: list[dict] = field(default_factory=list)
    variants: list[dict] = field(default_factory=list)
    locations: list[dict] = field(default_factory=list)
    levels: dict[str, list[dict]] = field(default_factory=dict)
    discounts: list[dict] = field(default_factory=list)
    profiles: list[dict] = field(default_factory=list)
    page_size: int = 2
    queued: deque = field(default_factory=deque)
    tokens_seen: list[str] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    # Bulk operations: the files made so far, polls answered RUNNING before COMPLETED.
    base_url: str = ""
    bulk_files: dict[str, bytes] = field(default_factory=dict)
    bulk_queries: list[str] = field(default_factory=list)
    bulk_polls_running: int = 1
    _bulk: dict = field(default_factory=dict)

    @staticmethod
    def since(search: str | None) -> str | None:
        match = re.search(r"updated_at:>'([^']+)'", search or "")
        return match.group(1) if match else None

    def updated(self, nodes: list[dict], since: str | None) -> list[dict]:
        """The nodes an `updated_at:>'...'` search finds (ISO UTC strings compare as dates)."""
        if since is None:
            return nodes
        return [n for n in nodes if (n.get("updatedAt") or STORE_UPDATED_AT) > since]

    def catalog_lines(self, since: str | None) -> list[dict]:
        """The JSONL lines of the bulk catalog query: each product, then its variants."""
        changed_products = {n["id"] for n in self.updated(self.products, since)}
        changed_products |= {v["product"]["id"] for v in self.updated(self.variants, since)}
        lines = []
        for node in self.products:
            if node["id"] not in changed_products:
                continue
            lines.append({k: v for k, v in node.items() if k != "updatedAt"})
            for v in self.variants:
                if v["product"]["id"] == node["id"]:
                    child = {k: w for k, w in v.items() if k not in ("product", "updatedAt")}
                    lines.append({**child, "__parentId": node["id"]})
        return lines

    def stock_lines(self) -> list[dict]:
        lines = []
        for location in self.locations:
            lines.append({"id": location["id"]})
            for n, lvl in enumerate(self.levels.get(location["id"], [])):
                item = lvl["item"]["id"].rsplit("/", 1)[1]
                lines.append(
                    {
                        "id": f"gid://shopify/InventoryLevel/{item}?inventory_item_id={n}",
                        **lvl,
                        "__parentId": location["id"],
                    }
                )
        return lines

    def run_bulk(self, bulk_query: str) -> dict:
        self.bulk_queries.append(bulk_query)
        number = len(self.bulk_queries)
        if "products" in bulk_query:
            lines = self.catalog_lines(self.since(bulk_query))
        else:
            lines = self.stock_lines()
        path = f"/bulk/{number}.jsonl"
        self.bulk_files[path] = "".join(json.dumps(line) + "\n" for line in lines).encode()
        self._bulk = {
            "id": f"gid://shopify/BulkOperation/{number}",
            "polls": 0,
            "url": f"{self.base_url}{path}" if lines else None,
            "count": len(lines),
        }
        return {
            "bulkOperationRunQuery": {
                "bulkOperation": {"id": self._bulk["id"], "status": "CREATED"},
                "userErrors": [],
            }
        }

    def current_bulk(self) -> dict:
        bulk = self._bulk
        bulk["polls"] += 1
        running = bulk["polls"] <= self.bulk_polls_running
        return {
            "currentBulkOperation": {
                "id": bulk["id"],
                "status": "RUNNING" if running else "COMPLETED",
                "errorCode": None,
                "objectCount": str(bulk["count"]),
                "rootObjectCount": "0",
                "fileSize": None if running else str(len(self.bulk_files)),
                "url": None if running else bulk["url"],
                "partialDataUrl": None,
            }
        }

    def download(self, request: Request) -> Response:
        """The JSONL file at its (pre-signed, token-free) url."""
        body = self.bulk_files.get(request.path)
        if body is None:
            return Response("NoSuchKey", status=404)
        return Response(body, content_type="application/jsonl")

    def page(self, nodes: list[dict], after: str | None) -> dict:
        start = int(after) if after else 0
        chunk = nodes[start : start + self.page_size]
        more = start + self.page_size < len(nodes)
        return {
            "nodes": chunk,
            "pageInfo": {
                "hasNextPage": more,
                "endCursor": str(start + self.page_size) if chunk else None,
            },
        }

    def __call__(self, request: Request) -> Response:
        self.tokens_seen.append(request.headers.get("X-Shopify-Access-Token", ""))
        if self.queued:
            status, body, headers = self.queued.popleft()
            return Response(
                json.dumps(body), status=status, headers=headers, content_type="application/json"
            )
        payload = json.loads(request.get_data())
        query, variables = payload["query"], payload.get("variables") or {}
        self.queries.append(query)
        after = variables.get("after")
        since = self.since(variables.get("query"))
        if "bulkOperationRunQuery" in query:
            data = self.run_bulk(variables["query"])
        elif "currentBulkOperation" in query:
            data = self.current_bulk()
        elif "productVariantsCount" in query:
            data = {"productVariantsCount": {"count": len(self.variants), "precision": "EXACT"}}
        elif "codeDiscountNode(id:" in query:
            found = [d for d in self.discounts if d["id"] == variables["id"]]
            data = {"codeDiscountNode": found[0] if found else None}
        elif "codeDiscountNodes(" in query:
            data = {"codeDiscountNodes": self.page(self.discounts, after)}
        elif "deliveryProfiles(" in query:
            data = {"deliveryProfiles": self.page(self.profiles, after)}
        elif "productVariants(" in query:
            data = {"productVariants": self.page(self.updated(self.variants, since), after)}
        elif "products(" in query:
            data = {"products": self.page(self.updated(self.products, since), after)}
        elif "locations(" in query:
            data = {"locations": self.page(self.locations, after)}
        elif "location(id:" in query:
            levels = self.levels.get(variables["location"], [])
            data = {"location": {"inventoryLevels": self.page(levels, after)}}
        elif "shop {" in query:
            data = {
                "shop": {
                    "name": "Acme Store",
                    "myshopifyDomain": "acme.myshopify.com",
                    "currencyCode": "EUR",
                }
            }
        else:
            raise AssertionError(f"unexpected query {query}")
        return Response(
            json.dumps({"data": data, "extensions": cost()}), content_type="application/json"
        )


THROTTLED = {
    "errors": [
        {
            "message": "Throttled",
            "extensions": {
                "code": "THROTTLED",
                "documentation": "https://shopify.dev/api/usage/rate-limits",
            },
        }
    ],
    "extensions": cost(requested=752, available=452.0, restore=100.0),
}


def meta_error(
    code: int, message: str, subcode: int | None = None, kind: str = "OAuthException"
) -> dict:
    error = {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEfGhIjK"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


def meta_ad(n: int, adset: int = 1, status: str = "ACTIVE", **fields: Any) -> dict:
    return {
        "id": f"2385{n:04d}",
        "name": f"Summer ad {n}",
        "campaign_id": "23850001",
        "adset_id": f"2384{adset:04d}",
        "status": status,
        "effective_status": status,
        "updated_time": "2025-06-01T09:00:00+0000",
        "creative": {
            "id": f"2386{n:04d}",
            "body": "Our summer shirts, free delivery in 2 days",
            "title": "Summer shirts",
            "link_url": "https://acme.example/products/product-1",
        },
        **fields,
    }


def meta_adset(n: int, start: str, end: str | None, countries: list[str]) -> dict:
    return {
        "id": f"2384{n:04d}",
        "name": f"Adset {n}",
        "campaign_id": "23850001",
        "status": "ACTIVE",
        "effective_status": "ACTIVE",
        "start_time": start,
        "end_time": end,
        "targeting": {"geo_locations": {"countries": countries}, "age_min": 18},
    }


@dataclass
class FakeMeta:
    """An ad account's campaigns, ad sets and ads, paged as the Graph API pages them."""

    account: str = "act_1234567890"
    campaigns: list[dict] = field(default_factory=list)
    adsets: list[dict] = field(default_factory=list)
    ads: list[dict] = field(default_factory=list)
    page_size: int = 2
    base_url: str = ""
    queued: deque = field(default_factory=deque)
    tokens_seen: list[str] = field(default_factory=list)

    def __call__(self, request: Request) -> Response:
        self.tokens_seen.append(request.headers.get("Authorization", ""))
        if self.queued:
            status, body, headers = self.queued.popleft()
            return Response(
                json.dumps(body), status=status, headers=headers, content_type="application/json"
            )
        edge = request.path.rsplit("/", 1)[1]
        if edge == self.account:
            body = {"id": self.account, "name": "Acme Ads", "currency": "EUR", "account_status": 1}
            return Response(json.dumps(body), content_type="application/json")
        nodes = {"campaigns": self.campaigns, "adsets": self.adsets, "ads": self.ads}[edge]
        start = int(request.args.get("after") or 0)
        chunk = nodes[start : start + self.page_size]
        body: dict = {"data": chunk}
        if chunk:
            end = start + len(chunk)
            body["paging"] = {"cursors": {"before": str(start), "after": str(end)}}
            if end < len(nodes):
                body["paging"]["next"] = (
                    f"{self.base_url}{request.path}?after={end}&limit={self.page_size}"
                )
        usage = {"call_count": 12, "total_cputime": 5, "total_time": 8}
        return Response(
            json.dumps(body),
            content_type="application/json",
            headers={"X-App-Usage": json.dumps(usage)},
        )

"""Local stand-ins for the platforms, answering with bodies shaped as their references show.

Shopify: Admin GraphQL API 2025-10 (`products`, `productVariants`, `locations`,
`location.inventoryLevels` with `quantities(names:)`, `pageInfo { hasNextPage endCursor }`,
`extensions.cost.throttleStatus`, the THROTTLED error). Meta: Graph API v21.0 Marketing API
(`data` + `paging { cursors { before after } next }`, the `error` body, usage headers).
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field
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
    page_size: int = 2
    queued: deque = field(default_factory=deque)
    tokens_seen: list[str] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)

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
        if "productVariants(" in query:
            data = {"productVariants": self.page(self.variants, after)}
        elif "products(" in query:
            data = {"products": self.page(self.products, after)}
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

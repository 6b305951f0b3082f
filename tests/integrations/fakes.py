"""Local stand-ins for the platforms, answering with bodies shaped as their references show.

Shopify: Admin GraphQL API 2025-10 (`products`, `productVariants`, `locations`,
`location.inventoryLevels` with `quantities(names:)`, `pageInfo { hasNextPage endCursor }`,
`extensions.cost.throttleStatus`, the THROTTLED error, `codeDiscountNodes`, `deliveryProfiles`,
`productVariantsCount`, `bulkOperationRunQuery` / `currentBulkOperation` and the JSONL file
with `__parentId`; `query: "updated_at:>'...'"` searches). Meta: Graph API v21.0 Marketing API
(`data` + `paging { cursors { before after } next }`, the `error` body, usage headers, the
insights edge's `actions` / `action_values`, a product set's `products`). TikTok: Marketing
API v1.3 (`{"code", "message", "request_id", "data": {"list", "page_info"}}`, errors by
`code` with HTTP 200). Pinterest: API v5 (`{"items", "bookmark"}`, `{"code", "message"}`
errors, ads/analytics rows keyed by column name). Enforcement's writes: Meta POST /{ad_id}
status=PAUSED|ACTIVE -> {"success": true}; TikTok POST /ad/status/update/ with
operation_status DISABLE|ENABLE; Pinterest PATCH /ad_accounts/{id}/ads [{"id", "status"}] ->
{"items": [{"data", "exceptions"}]}.
"""

from __future__ import annotations

import json
import re
import time
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
    insights: list[dict] = field(default_factory=list)
    product_sets: dict[str, list[dict]] = field(default_factory=dict)
    # The most rows the server gives a page, whatever `limit` asks.
    page_size: int = 2
    base_url: str = ""
    queued: deque = field(default_factory=deque)
    tokens_seen: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    # Status changes received (POST /{ad_id}), in order: {"ad", "status", "at"}.
    writes: list[dict] = field(default_factory=list)

    def ad_object(self, request: Request) -> Response:
        """One ad as a Graph API node: GET /{ad_id}?fields=..., POST /{ad_id} status=...
        (answering {"success": true}), error 100 for an id the account does not have."""
        self.tokens_seen.append(request.headers.get("Authorization", ""))
        self.paths.append(request.path)
        if self.queued:
            status, body, headers = self.queued.popleft()
            return Response(
                json.dumps(body), status=status, headers=headers, content_type="application/json"
            )
        ad_id = request.path.rsplit("/", 1)[1]
        ad = next((a for a in self.ads if a["id"] == ad_id), None)
        if ad is None:
            body = meta_error(
                100,
                f"Unsupported request. Object with ID '{ad_id}' does not exist.",
                subcode=33,
                kind="GraphMethodException",
            )
            return Response(json.dumps(body), status=400, content_type="application/json")
        if request.method == "POST":
            status = request.form.get("status", "")
            self.writes.append({"ad": ad_id, "status": status, "at": time.monotonic()})
            if status not in ("ACTIVE", "PAUSED", "ARCHIVED", "DELETED"):
                body = meta_error(100, "Invalid parameter", kind="OAuthException")
                return Response(json.dumps(body), status=400, content_type="application/json")
            ad["status"] = ad["effective_status"] = status
            return Response(json.dumps({"success": True}), content_type="application/json")
        fields = (request.args.get("fields") or "id").split(",")
        body = {"id": ad_id, **{f: ad.get(f) for f in fields if f in ad}}
        return Response(json.dumps(body), content_type="application/json")

    def __call__(self, request: Request) -> Response:
        self.tokens_seen.append(request.headers.get("Authorization", ""))
        self.paths.append(request.path)
        if self.queued:
            status, body, headers = self.queued.popleft()
            return Response(
                json.dumps(body), status=status, headers=headers, content_type="application/json"
            )
        parent, edge = request.path.rsplit("/", 2)[1:]
        if edge == self.account:
            body = {"id": self.account, "name": "Acme Ads", "currency": "EUR", "account_status": 1}
            return Response(json.dumps(body), content_type="application/json")
        if edge == "products":
            nodes = self.product_sets[parent]
        else:
            nodes = {
                "campaigns": self.campaigns,
                "adsets": self.adsets,
                "ads": self.ads,
                "insights": self.insights,
            }[edge]
        size = min(int(request.args.get("limit") or 25), self.page_size)
        start = int(request.args.get("after") or 0)
        chunk = nodes[start : start + size]
        body: dict = {"data": chunk}
        if chunk:
            end = start + len(chunk)
            body["paging"] = {"cursors": {"before": str(start), "after": str(end)}}
            if end < len(nodes):
                body["paging"]["next"] = f"{self.base_url}{request.path}?after={end}&limit={size}"
        usage = {"call_count": 12, "total_cputime": 5, "total_time": 8}
        return Response(
            json.dumps(body),
            content_type="application/json",
            headers={"X-App-Usage": json.dumps(usage)},
        )


def meta_insight(
    n: int, day: str, spend: str = "12.50", purchases: str = "2", value: str = "90.00"
) -> dict:
    """One ad's day on the insights edge (level=ad, time_increment=1), with the pixel's
    purchases split by the attribution windows asked for."""
    return {
        "ad_id": f"2385{n:04d}",
        "date_start": day,
        "date_stop": day,
        "account_currency": "EUR",
        "spend": spend,
        "impressions": "1520",
        "clicks": "41",
        "actions": [
            {"action_type": "link_click", "value": "41"},
            {"action_type": "offsite_conversion.fb_pixel_purchase", "value": purchases},
            {"action_type": "purchase", "value": purchases, "7d_click": purchases, "1d_view": "0"},
        ],
        "action_values": [
            {"action_type": "offsite_conversion.fb_pixel_purchase", "value": value},
            {"action_type": "purchase", "value": value, "7d_click": value, "1d_view": "0"},
        ],
    }


TIKTOK_TOKEN = "act.tiktokTestToken0123456789"
TIKTOK_ADVERTISER = "7012345678901234567"
PINTEREST_TOKEN = "pina_testPinterestToken0123"
PINTEREST_ACCOUNT = "549755885175"


def tiktok_body(data: dict, code: int = 0, message: str = "OK") -> dict:
    return {"code": code, "message": message, "request_id": "202506010900001234", "data": data}


def tiktok_ad(n: int, adgroup: int = 1, **fields: Any) -> dict:
    return {
        "ad_id": f"17{n:05d}",
        "ad_name": f"Linen ad {n}",
        "adgroup_id": f"16{adgroup:05d}",
        "campaign_id": "1500001",
        "ad_text": "Linen shirts, free delivery in 2 days",
        "landing_page_url": "https://acme.example/products/product-1?utm_source=tiktok",
        "identity_id": "6f1a2b3c",
        "identity_type": "CUSTOMIZED_USER",
        "operation_status": "ENABLE",
        "secondary_status": "AD_STATUS_DELIVERY_OK",
        "modify_time": "2025-06-01 09:00:00",
        **fields,
    }


def tiktok_adgroup(n: int, start: str, end: str | None, locations: list[str]) -> dict:
    return {
        "adgroup_id": f"16{n:05d}",
        "adgroup_name": f"Ad group {n}",
        "campaign_id": "1500001",
        "schedule_start_time": start,
        "schedule_end_time": end,
        "location_ids": locations,
        "operation_status": "ENABLE",
    }


def tiktok_report_row(n: int, day: str, spend: str = "20.00", conversions: str = "3") -> dict:
    return {
        "dimensions": {"ad_id": f"17{n:05d}", "stat_time_day": f"{day} 00:00:00"},
        "metrics": {
            "spend": spend,
            "impressions": "3000",
            "clicks": "75",
            "conversion": conversions,
            "total_complete_payment_rate": "135.00",
        },
    }


@dataclass
class FakeTikTok:
    """An advertiser's campaigns, ad groups, ads and report, paged by page / page_size."""

    campaigns: list[dict] = field(default_factory=list)
    adgroups: list[dict] = field(default_factory=list)
    ads: list[dict] = field(default_factory=list)
    report: list[dict] = field(default_factory=list)
    page_size: int = 2
    queued: deque = field(default_factory=deque)
    tokens_seen: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    # Bodies of POST /ad/status/update/ received, in order.
    writes: list[dict] = field(default_factory=list)

    def status_update(self, request: Request) -> Response:
        """POST /ad/status/update/ {"advertiser_id", "ad_ids", "operation_status"}: the ads'
        operation_status changes; an unknown ad or status is code 40002 with HTTP 200."""
        payload = json.loads(request.get_data() or b"{}")
        self.writes.append(payload)
        ids = payload.get("ad_ids") or []
        status = payload.get("operation_status")
        ads = [a for a in self.ads if a["ad_id"] in ids]
        if (
            request.method != "POST"
            or payload.get("advertiser_id") != TIKTOK_ADVERTISER
            or status not in ("ENABLE", "DISABLE", "DELETE")
            or len(ads) != len(ids)
        ):
            body = tiktok_body({}, code=40002, message="Invalid ad_ids or operation_status.")
            return Response(json.dumps(body), content_type="application/json")
        for ad in ads:
            ad["operation_status"] = status
        body = tiktok_body({"ad_ids": ids, "status": status})
        return Response(json.dumps(body), content_type="application/json")

    def __call__(self, request: Request) -> Response:
        self.tokens_seen.append(request.headers.get("Access-Token", ""))
        self.paths.append(request.path)
        if self.queued:
            status, body, headers = self.queued.popleft()
            return Response(
                json.dumps(body), status=status, headers=headers, content_type="application/json"
            )
        endpoint = request.path.split("/open_api/v1.3/", 1)[1]
        if endpoint == "ad/status/update/":
            return self.status_update(request)
        if endpoint == "advertiser/info/":
            data = {
                "list": [{"advertiser_id": TIKTOK_ADVERTISER, "name": "Acme", "currency": "EUR"}]
            }
            return Response(json.dumps(tiktok_body(data)), content_type="application/json")
        rows = {
            "campaign/get/": self.campaigns,
            "adgroup/get/": self.adgroups,
            "ad/get/": self.ads,
            "report/integrated/get/": self.report,
        }[endpoint]
        wanted = json.loads(request.args.get("filtering") or "{}").get("ad_ids")
        if endpoint == "ad/get/" and wanted:
            rows = [r for r in rows if r["ad_id"] in wanted]
        size = min(int(request.args.get("page_size") or 10), self.page_size)
        page = int(request.args.get("page") or 1)
        chunk = rows[(page - 1) * size : page * size]
        info = {
            "page": page,
            "page_size": size,
            "total_number": len(rows),
            "total_page": max(-(-len(rows) // size), 1),
        }
        body = tiktok_body({"list": chunk, "page_info": info})
        return Response(json.dumps(body), content_type="application/json")


def pinterest_ad(n: int, ad_group: int = 1, **fields: Any) -> dict:
    return {
        "id": f"68{n:04d}",
        "ad_account_id": PINTEREST_ACCOUNT,
        "ad_group_id": f"26{ad_group:04d}",
        "campaign_id": "6260001",
        "pin_id": f"99{n:04d}",
        "name": f"Linen pin {n}",
        "status": "ACTIVE",
        "summary_status": "RUNNING",
        "review_status": "APPROVED",
        "creative_type": "REGULAR",
        "destination_url": None,
        "updated_time": 1748768400,
        **fields,
    }


def pinterest_pin(n: int, **fields: Any) -> dict:
    return {
        "id": f"99{n:04d}",
        "title": "Linen shirts",
        "description": "Free returns within 30 days",
        "link": f"https://acme.example/products/product-{n}",
        "alt_text": None,
        **fields,
    }


def pinterest_ad_group(n: int, start: int, end: int | None, geo: list[str]) -> dict:
    return {
        "id": f"26{n:04d}",
        "ad_account_id": PINTEREST_ACCOUNT,
        "campaign_id": "6260001",
        "name": f"Ad group {n}",
        "status": "ACTIVE",
        "start_time": start,
        "end_time": end,
        "targeting_spec": {"GEO": geo, "AGE_BUCKET": ["25-34"]},
    }


def pinterest_row(n: int, day: str, spend_micro: int = 15_000_000) -> dict:
    return {
        "AD_ID": f"68{n:04d}",
        "DATE": day,
        "SPEND_IN_MICRO_DOLLAR": spend_micro,
        "TOTAL_IMPRESSION": 900,
        "TOTAL_CLICKTHROUGH": 30,
        "TOTAL_CHECKOUT": 1,
        "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR": 45_000_000,
    }


def pinterest_error(code: int, message: str) -> dict:
    return {"code": code, "message": message}


@dataclass
class FakePinterest:
    """An ad account's campaigns, ad groups, ads, pins and analytics, paged by bookmark."""

    campaigns: list[dict] = field(default_factory=list)
    ad_groups: list[dict] = field(default_factory=list)
    ads: list[dict] = field(default_factory=list)
    pins: dict[str, dict] = field(default_factory=dict)
    analytics: list[dict] = field(default_factory=list)
    page_size: int = 2
    queued: deque = field(default_factory=deque)
    tokens_seen: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    # Bodies of PATCH /ad_accounts/{id}/ads received, in order.
    writes: list[list] = field(default_factory=list)

    def update_ads(self, request: Request) -> Response:
        """PATCH /ad_accounts/{id}/ads [{"id", "status"}]: `items` with each ad as `data`,
        or `exceptions` for an ad the account does not have."""
        payload = json.loads(request.get_data() or b"[]")
        self.writes.append(payload)
        items = []
        for change in payload:
            ad = next((a for a in self.ads if a["id"] == change.get("id")), None)
            if ad is None:
                items.append({"data": None, "exceptions": {"code": 2, "message": "Ad not found."}})
                continue
            ad.update({k: v for k, v in change.items() if k != "id"})
            items.append({"data": ad, "exceptions": None})
        return Response(json.dumps({"items": items}), content_type="application/json")

    def __call__(self, request: Request) -> Response:
        self.tokens_seen.append(request.headers.get("Authorization", ""))
        self.paths.append(request.path)
        if self.queued:
            status, body, headers = self.queued.popleft()
            return Response(
                json.dumps(body), status=status, headers=headers, content_type="application/json"
            )
        path = request.path.removeprefix("/v5/")
        if path.startswith("pins/"):
            pin = self.pins.get(path.removeprefix("pins/"))
            if pin is None:
                body, status = pinterest_error(50, "Pin not found."), 404
            else:
                body, status = pin, 200
            return Response(json.dumps(body), status=status, content_type="application/json")
        edge = path.removeprefix(f"ad_accounts/{PINTEREST_ACCOUNT}").strip("/")
        if edge == "":
            body = {"id": PINTEREST_ACCOUNT, "name": "Acme Pins", "currency": "EUR"}
            return Response(json.dumps(body), content_type="application/json")
        if edge == "ads" and request.method == "PATCH":
            return self.update_ads(request)
        if edge.startswith("ads/") and edge != "ads/analytics":
            ad = next((a for a in self.ads if a["id"] == edge.removeprefix("ads/")), None)
            body, status = (ad, 200) if ad else (pinterest_error(2, "Ad not found."), 404)
            return Response(json.dumps(body), status=status, content_type="application/json")
        if edge == "ads/analytics":
            wanted = set(request.args["ad_ids"].split(","))
            rows = [r for r in self.analytics if r["AD_ID"] in wanted]
            return Response(json.dumps(rows), content_type="application/json")
        items = {"campaigns": self.campaigns, "ad_groups": self.ad_groups, "ads": self.ads}[edge]
        size = min(int(request.args.get("page_size") or 25), self.page_size)
        start = int(request.args.get("bookmark") or 0)
        end = start + size
        body = {"items": items[start:end], "bookmark": str(end) if end < len(items) else None}
        return Response(
            json.dumps(body),
            content_type="application/json",
            headers={"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "998"},
        )

"""A generated Shopify store served from loopback, for benchmark_shopify_sync.

The server answers the Admin GraphQL queries a sync sends (as the 2025-10 reference shapes
them) and serves the bulk operations' JSONL files, streamed from disk like Shopify's storage.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from catalog.models import SKU, Location, Product, StockLevel
from integrations.clients.shopify import API_VERSION

HANDLE_PREFIX = "bench-shopify-"
LOCATION_ID = 990001
LOCATION_NAME = "Benchmark warehouse (Shopify)"
VARIANTS_PER_PRODUCT = 4


def write_store(folder: Path, variants: int) -> tuple[Path, Path]:
    """The catalog and stock JSONL files of a store with `variants` variants."""
    catalog, stock = folder / "catalog.jsonl", folder / "stock.jsonl"
    location = f"gid://shopify/Location/{LOCATION_ID}"
    products = -(-variants // VARIANTS_PER_PRODUCT)
    with catalog.open("w") as out:
        n = 0
        for p in range(1, products + 1):
            gid = f"gid://shopify/Product/{9_000_000 + p}"
            out.write(
                json.dumps(
                    {
                        "id": gid,
                        "handle": f"{HANDLE_PREFIX}{p}",
                        "title": f"Benchmark product {p}",
                        "status": "ACTIVE",
                        "vendor": "Bench",
                        "productType": "Shirts",
                        "tags": ["bench"],
                        "descriptionHtml": "<p>Generated.</p>",
                        "publishedAt": "2025-01-02T10:00:00Z",
                        "options": [{"name": "Size", "position": 1}],
                    }
                )
                + "\n"
            )
            for v in range(VARIANTS_PER_PRODUCT):
                n += 1
                if n > variants:
                    break
                number = 9_000_000 + n
                out.write(
                    json.dumps(
                        {
                            "id": f"gid://shopify/ProductVariant/{number}",
                            "title": f"S{v}",
                            "sku": f"BENCH-{n}",
                            "barcode": None,
                            "price": f"{10 + n % 90}.00",
                            "compareAtPrice": None,
                            "inventoryPolicy": "DENY",
                            "selectedOptions": [{"name": "Size", "value": f"S{v}"}],
                            "inventoryItem": {"id": f"gid://shopify/InventoryItem/{number}"},
                            "__parentId": gid,
                        }
                    )
                    + "\n"
                )
    with stock.open("w") as out:
        out.write(json.dumps({"id": location}) + "\n")
        for n in range(1, variants + 1):
            number = 9_000_000 + n
            available = n % 50
            out.write(
                json.dumps(
                    {
                        "id": f"gid://shopify/InventoryLevel/{number}?inventory_item_id={number}",
                        "item": {"id": f"gid://shopify/InventoryItem/{number}"},
                        "quantities": [
                            {"name": "available", "quantity": available},
                            {"name": "committed", "quantity": 1},
                            {"name": "incoming", "quantity": 0},
                            {"name": "on_hand", "quantity": available + 3},
                            {"name": "reserved", "quantity": 1},
                            {"name": "safety_stock", "quantity": 1},
                        ],
                        "__parentId": location,
                    }
                )
                + "\n"
            )
    return catalog, stock


class FakeStore(ThreadingHTTPServer):
    """Loopback only: the benchmark never leaves the machine."""

    def __init__(self, catalog: Path, stock: Path, variants: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.catalog, self.stock, self.variants = catalog, stock, variants
        self.operation: dict = {}
        self.count = 0
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> FakeStore:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()

    def answer(self, query: str, variables: dict) -> dict:
        if "bulkOperationRunQuery" in query:
            self.count += 1
            bulk = variables["query"]
            if "locations" in bulk:
                url = f"{self.url}/files/stock.jsonl"
            elif "updated_at:>" in bulk:
                url = None  # nothing changed since the last run: Shopify sends no file
            else:
                url = f"{self.url}/files/catalog.jsonl"
            self.operation = {"id": f"gid://shopify/BulkOperation/{self.count}", "url": url}
            return {
                "bulkOperationRunQuery": {
                    "bulkOperation": {"id": self.operation["id"], "status": "CREATED"},
                    "userErrors": [],
                }
            }
        if "currentBulkOperation" in query:
            return {"currentBulkOperation": {**self.operation, "status": "COMPLETED"}}
        if "productVariantsCount" in query:
            return {"productVariantsCount": {"count": self.variants, "precision": "EXACT"}}
        empty = {"nodes": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}
        if "locations(" in query:
            location = {
                "id": f"gid://shopify/Location/{LOCATION_ID}",
                "name": LOCATION_NAME,
                "isActive": True,
                "address": {"countryCode": "FR"},
            }
            return {"locations": {**empty, "nodes": [location]}}
        if "codeDiscountNodes(" in query:
            return {"codeDiscountNodes": empty}
        if "deliveryProfiles(" in query:
            return {"deliveryProfiles": empty}
        return {"shop": {"name": "Benchmark", "currencyCode": "EUR"}}


class _Handler(BaseHTTPRequestHandler):
    server: FakeStore

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_POST(self) -> None:
        if self.path != f"/admin/api/{API_VERSION}/graphql.json":
            self.send_error(404)
            return
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        data = self.server.answer(payload["query"], payload.get("variables") or {})
        cost = {
            "requestedQueryCost": 10,
            "actualQueryCost": 10,
            "throttleStatus": {
                "maximumAvailable": 2000.0,
                "currentlyAvailable": 1990.0,
                "restoreRate": 100.0,
            },
        }
        body = json.dumps({"data": data, "extensions": {"cost": cost}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        files = {
            "/files/catalog.jsonl": self.server.catalog,
            "/files/stock.jsonl": self.server.stock,
        }
        path = files.get(self.path)
        if path is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/jsonl")
        self.send_header("Content-Length", str(path.stat().st_size))
        self.end_headers()
        with path.open("rb") as source:
            while block := source.read(1 << 16):
                self.wfile.write(block)


def delete_benchmark_store() -> int:
    """Remove what a benchmark synced, without a signal (and a query) per row."""
    products = Product.objects.filter(handle__startswith=HANDLE_PREFIX)
    skus = SKU.objects.filter(product__in=products)
    levels = StockLevel.objects.filter(sku__in=skus)
    count = products.count()
    levels._raw_delete(levels.db)
    skus._raw_delete(skus.db)
    products._raw_delete(products.db)
    Location.objects.filter(shopify_location_id=LOCATION_ID).delete()
    return count

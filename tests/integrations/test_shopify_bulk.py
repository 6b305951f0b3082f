from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext

from catalog.models import SKU, Product, StockLevel
from integrations import services
from integrations.choices import IssueKind, SyncRunStatus
from integrations.clients.shopify import BULK_POLL_SECONDS
from tests.integrations.fakes import level, now_iso, product, variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def bulk(settings, shopify):
    settings.SHOPIFY_SYNC_MODE = "bulk"
    return shopify


def test_a_bulk_sync_reads_the_store_from_jsonl_files(store, bulk, slept):
    run = services.sync_connection(store.pk)

    assert run.status == SyncRunStatus.SUCCEEDED, run.error
    assert (run.created, run.updated, run.unchanged, run.errors) == (9, 0, 0, 0)
    assert SKU.objects.get(shopify_variant_id=21).product == Product.objects.get(
        shopify_product_id=2
    )
    held = StockLevel.objects.get(sku__shopify_variant_id=12)
    assert (held.available, held.on_hand, held.committed) == (0, 3, 3)
    # locations; per bulk operation: run, RUNNING, COMPLETED, the file; codes; profiles.
    assert run.requests == 1 + 4 + 4 + 1 + 1
    assert slept.count(BULK_POLL_SECONDS) == 2
    assert "updated_at" not in bulk.bulk_queries[0]


def test_the_second_bulk_sync_asks_for_what_changed_and_changes_nothing(store, bulk):
    services.sync_connection(store.pk)
    stamps = dict(SKU.objects.values_list("pk", "updated_at"))

    run = services.sync_connection(store.pk)

    assert "updated_at:>" in bulk.bulk_queries[2]
    assert (run.created, run.updated, run.unchanged) == (0, 0, 4)
    assert dict(SKU.objects.values_list("pk", "updated_at")) == stamps
    # Nothing matched: Shopify gives no file, so none is downloaded.
    assert run.requests == 1 + 3 + 4 + 1 + 1


def test_a_changed_variant_comes_back_with_its_product(store, bulk):
    services.sync_connection(store.pk)
    bulk.variants[2] = variant(21, 2, price="55.00", updatedAt=now_iso())

    run = services.sync_connection(store.pk)

    assert SKU.objects.get(shopify_variant_id=21).price == Decimal("55.00")
    # The product and its one variant are read again; only the price differs.
    assert (run.created, run.updated) == (0, 1)


def test_auto_mode_uses_bulk_from_the_configured_store_size(store, shopify, settings):
    settings.SHOPIFY_SYNC_MODE = "auto"
    settings.SHOPIFY_BULK_MIN_VARIANTS = 3

    services.sync_connection(store.pk)

    assert len(shopify.bulk_queries) == 2
    settings.SHOPIFY_BULK_MIN_VARIANTS = 4
    services.sync_connection(store.pk)
    assert len(shopify.bulk_queries) == 2  # 3 variants < 4: pages


def test_chunks_are_written_set_based_not_row_by_row(store, bulk, monkeypatch):
    monkeypatch.setattr("integrations.sync.shopify_bulk.CHUNK_LINES", 25)
    bulk.products = [product(n) for n in range(1, 11)]
    bulk.variants = [variant(n * 100 + v, n) for n in range(1, 11) for v in range(4)]
    bulk.levels = {
        "gid://shopify/Location/7": [
            level(int(v["id"].rsplit("/", 1)[1]), 3) for v in bulk.variants
        ]
    }

    with CaptureQueriesContext(db) as queries:
        run = services.sync_connection(store.pk)

    assert run.created == 10 + 40 + 1 + 40 and run.errors == 0
    inserts = [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "catalog_sku"')]
    # 50 lines in chunks of 25: two inserts of SKUs, not 40.
    assert len(inserts) == 2
    assert StockLevel.objects.count() == 40


def test_a_refused_chunk_is_written_row_by_row_and_names_the_bad_row(store, bulk):
    bulk.variants[1] = variant(12, 1, sku="SHIRT-11")  # the SKU code of variant 11

    run = services.sync_connection(store.pk)

    assert run.status == SyncRunStatus.PARTIAL
    assert SKU.objects.filter(shopify_variant_id__in=[11, 21]).count() == 2
    issues = {(i.kind, i.external_id): i.message for i in run.issues.all()}
    assert (
        "Refused by the database"
        in issues[(IssueKind.MALFORMED, "gid://shopify/ProductVariant/12")]
    )


def test_a_failed_bulk_operation_fails_the_run_in_plain_words(store, bulk):
    bulk.queued.extend(
        [
            (200, {"data": {"locations": {"nodes": [], "pageInfo": {"hasNextPage": False}}}}, {}),
            (
                200,
                {
                    "data": {
                        "bulkOperationRunQuery": {
                            "bulkOperation": {"id": "gid://shopify/BulkOperation/9"},
                            "userErrors": [],
                        }
                    }
                },
                {},
            ),
            (
                200,
                {
                    "data": {
                        "currentBulkOperation": {
                            "id": "gid://shopify/BulkOperation/9",
                            "status": "FAILED",
                            "errorCode": "TIMEOUT",
                            "url": None,
                        }
                    }
                },
                {},
            ),
        ]
    )

    run = services.sync_connection(store.pk)

    assert run.status == SyncRunStatus.FAILED
    assert "bulk operation ended failed (TIMEOUT)" in run.error


def test_a_malformed_line_is_listed_and_the_rest_applied(store, bulk, monkeypatch):
    original = bulk.catalog_lines

    def with_a_bad_line(since):
        lines = original(since)
        return [*lines[:1], {"id": "gid://shopify/ProductVariant/99", "price": "x"}, *lines[1:]]

    monkeypatch.setattr(bulk, "catalog_lines", with_a_bad_line)

    run = services.sync_connection(store.pk)

    assert SKU.objects.count() == 3
    assert run.errors == 1 and run.status == SyncRunStatus.PARTIAL

from __future__ import annotations

import re

import pytest

from campaigns.choices import Network
from integrations import services
from integrations.choices import ConnectionKind
from tests.factories import ChannelFactory
from tests.integrations.fakes import (
    META_TOKEN,
    SHOPIFY_PATH,
    SHOPIFY_TOKEN,
    FakeMeta,
    FakeShopify,
    level,
    meta_ad,
    meta_adset,
    product,
    variant,
)


@pytest.fixture(autouse=True)
def slept(monkeypatch) -> list[float]:
    """The waits the clients asked for, without waiting."""
    waits: list[float] = []
    monkeypatch.setattr("integrations.clients.http.sleep", waits.append)
    return waits


@pytest.fixture
def shopify(httpserver, settings) -> FakeShopify:
    """A two-product store with three variants, one location and its stock."""
    fake = FakeShopify(
        products=[product(1), product(2, title="Trousers", handle="trousers")],
        variants=[variant(11, 1), variant(12, 1), variant(21, 2, price="60.00")],
        locations=[
            {
                "id": "gid://shopify/Location/7",
                "name": "Paris warehouse",
                "isActive": True,
                "address": {"countryCode": "FR"},
            }
        ],
        levels={"gid://shopify/Location/7": [level(11, 5), level(12, 0, on_hand=3), level(21, 40)]},
    )
    httpserver.expect_request(SHOPIFY_PATH, method="POST").respond_with_handler(fake)
    # The bulk operations' JSONL files, at the pre-signed urls currentBulkOperation gives.
    httpserver.expect_request(re.compile(r"^/bulk/"), method="GET").respond_with_handler(
        fake.download
    )
    fake.base_url = httpserver.url_for("").rstrip("/")
    settings.SHOPIFY_ADMIN_URL = httpserver.url_for("").rstrip("/")
    return fake


@pytest.fixture
def meta(httpserver, settings) -> FakeMeta:
    fake = FakeMeta(
        campaigns=[
            {
                "id": "23850001",
                "name": "Summer",
                "status": "ACTIVE",
                "effective_status": "ACTIVE",
                "objective": "OUTCOME_SALES",
                "start_time": "2030-06-01T00:00:00+0200",
            }
        ],
        adsets=[
            meta_adset(1, "2020-06-01T00:00:00+0200", "2099-06-30T23:59:00+0200", ["FR", "BE"]),
            meta_adset(2, "2099-07-01T00:00:00+0200", None, ["DE"]),
        ],
        ads=[meta_ad(1), meta_ad(2), meta_ad(3, adset=2)],
        base_url=httpserver.url_for("").rstrip("/"),
    )
    httpserver.expect_request(
        re.compile(r"^/v21\.0/act_1234567890(/(campaigns|adsets|ads))?$")
    ).respond_with_handler(fake)
    settings.META_GRAPH_URL = httpserver.url_for("").rstrip("/")
    return fake


@pytest.fixture
def store(db, shopify):
    return services.add_connection(
        kind=ConnectionKind.SHOPIFY,
        name="Acme",
        account_id="acme.myshopify.com",
        token=SHOPIFY_TOKEN,
    )


@pytest.fixture
def ad_account(db, meta):
    channel = ChannelFactory(name="Instagram ads", network=Network.INSTAGRAM)
    return services.add_connection(
        kind=ConnectionKind.META,
        name="Acme ads",
        account_id="act_1234567890",
        token=META_TOKEN,
        channel=channel,
    )


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit():` runs the block, then what would run when it commits (the test's
    setup never commits, so the re-checks it queued are dropped first)."""
    from contextlib import contextmanager

    from django.db import transaction

    from promises import triggers

    @contextmanager
    def block():
        connection = transaction.get_connection()
        connection.run_on_commit = [
            entry
            for entry in connection.run_on_commit
            if not isinstance(entry[1], triggers._Recheck)
        ]
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks

    return block

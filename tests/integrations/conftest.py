from __future__ import annotations

import re

import pytest

from campaigns.choices import Network
from integrations import services
from integrations.choices import ConnectionKind
from tests.factories import ChannelFactory
from tests.integrations.fakes import (
    META_TOKEN,
    PINTEREST_ACCOUNT,
    PINTEREST_TOKEN,
    SHOPIFY_PATH,
    SHOPIFY_TOKEN,
    TIKTOK_ADVERTISER,
    TIKTOK_TOKEN,
    FakeMeta,
    FakePinterest,
    FakeShopify,
    FakeTikTok,
    level,
    meta_ad,
    meta_adset,
    pinterest_ad,
    pinterest_ad_group,
    pinterest_pin,
    product,
    tiktok_ad,
    tiktok_adgroup,
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
                "name": "Entrepôt Paris",
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
        re.compile(r"^/v21\.0/(act_1234567890(/(campaigns|adsets|ads|insights))?|\d+/products)$")
    ).respond_with_handler(fake)
    # One ad as a node: its status read and changed by enforcement.
    httpserver.expect_request(re.compile(r"^/v21\.0/\d+$")).respond_with_handler(fake.ad_object)
    settings.META_GRAPH_URL = httpserver.url_for("").rstrip("/")
    return fake


@pytest.fixture
def tiktok(httpserver, settings) -> FakeTikTok:
    """An advertiser with one campaign, two ad groups and three ads."""
    fake = FakeTikTok(
        campaigns=[
            {
                "campaign_id": "1500001",
                "campaign_name": "Linen",
                "objective_type": "PRODUCT_SALES",
                "operation_status": "ENABLE",
            }
        ],
        adgroups=[
            tiktok_adgroup(1, "2020-06-01 00:00:00", "2099-06-30 23:59:59", ["3017382"]),
            tiktok_adgroup(2, "2099-07-01 00:00:00", None, ["2921044", "2802361"]),
        ],
        ads=[tiktok_ad(1), tiktok_ad(2), tiktok_ad(3, adgroup=2)],
    )
    httpserver.expect_request(re.compile(r"^/open_api/v1\.3/.+/$")).respond_with_handler(fake)
    settings.TIKTOK_API_URL = httpserver.url_for("").rstrip("/")
    return fake


@pytest.fixture
def pinterest(httpserver, settings) -> FakePinterest:
    """An ad account with one campaign, two ad groups, three ads and their pins."""
    fake = FakePinterest(
        campaigns=[{"id": "6260001", "name": "Linen", "status": "ACTIVE"}],
        ad_groups=[
            pinterest_ad_group(1, 1590969600, 4086460800, ["FR", "BE"]),
            pinterest_ad_group(2, 4086460800, None, ["US-CA"]),
        ],
        ads=[pinterest_ad(1), pinterest_ad(2), pinterest_ad(3, ad_group=2)],
        pins={f"99{n:04d}": pinterest_pin(n) for n in (1, 2, 3)},
    )
    httpserver.expect_request(re.compile(r"^/v5/.+$")).respond_with_handler(fake)
    settings.PINTEREST_API_URL = httpserver.url_for("").rstrip("/")
    return fake


@pytest.fixture
def advertiser(db, tiktok):
    channel = ChannelFactory(name="TikTok ads", network=Network.TIKTOK)
    return services.add_connection(
        kind=ConnectionKind.TIKTOK,
        name="Acme TikTok",
        account_id=TIKTOK_ADVERTISER,
        token=TIKTOK_TOKEN,
        channel=channel,
    )


@pytest.fixture
def pin_account(db, pinterest):
    channel = ChannelFactory(name="Pinterest ads", network=Network.PINTEREST)
    return services.add_connection(
        kind=ConnectionKind.PINTEREST,
        name="Acme Pinterest",
        account_id=PINTEREST_ACCOUNT,
        token=PINTEREST_TOKEN,
        channel=channel,
    )


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

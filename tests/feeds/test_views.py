"""The public feed URLs and the channel's feed page."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.feeds.formats import FORMATS
from campaigns.feeds.validate import read_rows
from campaigns.models import Channel
from catalog.webhooks.inbox import INVENTORY_LEVELS_UPDATE
from catalog.webhooks.verify import signature
from promises.models import Conflict
from tests.factories import ProductFactory, SKUFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _url(channel: Channel, filename: str) -> str:
    return f"/feeds/{channel.feed_token}/{filename}"


def _fetch(channel: Channel, filename: str, **headers):
    return Client().get(_url(channel, filename), headers=headers)


def _body(response) -> str:
    return b"".join(response.streaming_content).decode()


@pytest.mark.parametrize("key", sorted(FORMATS))
def test_each_format_is_served_at_the_channel_secret_url(catalog, key):
    fmt = FORMATS[key]
    response = _fetch(catalog.channel, fmt.filename)
    assert response.status_code == 200
    assert response["Content-Type"] == fmt.content_type
    rows = read_rows(fmt, _body(response))
    assert {row[fmt.spec.id_field] for row in rows} == {s.code for s in catalog.sellable}


def test_wrong_token_or_format_is_404(catalog):
    client = Client()
    assert client.get("/feeds/not-the-token/meta.csv").status_code == 404
    assert client.get(f"/feeds/{'x' * 200}/meta.csv").status_code == 404
    assert client.get(_url(catalog.channel, "meta.json")).status_code == 404
    assert client.post(_url(catalog.channel, "meta.csv")).status_code == 405
    catalog.channel.refresh_from_db()
    assert catalog.channel.last_catalog_sync_at is None  # failed fetches are not syncs


def test_a_fetch_updates_the_channels_last_catalog_sync(catalog):
    before = timezone.now()
    assert _fetch(catalog.channel, "meta.csv").status_code == 200
    catalog.channel.refresh_from_db()
    assert catalog.channel.last_catalog_sync_at >= before


def test_a_fetch_resolves_a_stale_catalog_sync_conflict(
    catalog, django_capture_on_commit_callbacks
):
    from promises.checks.engine import run_checks

    run_checks([catalog.campaign.pk])
    assert Conflict.objects.get(rule_code="CATALOG_SYNC_STALE").state == "open"
    with django_capture_on_commit_callbacks(execute=True):
        _fetch(catalog.channel, "meta.csv")
    assert Conflict.objects.get(rule_code="CATALOG_SYNC_STALE").state == "resolved"


def test_a_fresh_sync_does_not_recheck_the_channels_campaigns(
    catalog, django_capture_on_commit_callbacks
):
    Channel.objects.filter(pk=catalog.channel.pk).update(
        last_catalog_sync_at=timezone.now() - timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _fetch(catalog.channel, "meta.csv")
    # Only the engine's cache refresh: no campaign re-check for an hourly fetch.
    assert [c.__name__ for c in callbacks] == ["_bump_operations_version"]


def test_unchanged_catalog_answers_304_to_the_etag(catalog):
    first = _fetch(catalog.channel, "google.xml")
    etag = first["ETag"]
    _body(first)
    assert _fetch(catalog.channel, "google.xml", if_none_match=etag).status_code == 304
    catalog.in_stock.price = catalog.in_stock.price + 1
    catalog.in_stock.save()
    assert _fetch(catalog.channel, "google.xml", if_none_match=etag).status_code == 200


def test_a_sold_out_sku_is_out_of_stock_at_the_next_fetch(
    catalog, settings, django_capture_on_commit_callbacks
):
    """Shopify says 0 left (webhook) -> the next fetch of the feed says out of stock."""
    settings.SHOPIFY_WEBHOOK_SECRET = "hush"

    def availability_of_glow() -> str:
        rows = read_rows(FORMATS["meta"], _body(_fetch(catalog.channel, "meta.csv")))
        return next(r for r in rows if r["id"] == "GLOW-30")["availability"]

    assert availability_of_glow() == "in stock"
    body = json.dumps(
        {"inventory_item_id": 9001, "location_id": 1001, "available": 0, "updated_at": None}
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            "/webhooks/shopify/",
            data=body,
            content_type="application/json",
            headers={
                "X-Shopify-Topic": INVENTORY_LEVELS_UPDATE,
                "X-Shopify-Webhook-Id": "sold-out-1",
                "X-Shopify-Hmac-Sha256": signature("hush", body),
            },
        )
    assert response.status_code == 200
    assert availability_of_glow() == "out of stock"


# --- The channel's feed page ----------------------------------------------------------------


@pytest.mark.parametrize("role", ["marketing_user", "ops_user", "exec_user", "admin_user"])
def test_every_role_reads_the_channels_feed_page(catalog, role, request, login):
    catalog.in_stock.product.attributes = {}
    catalog.in_stock.product.save()
    response = login(request.getfixturevalue(role)).get(f"/feeds/channels/{catalog.channel.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    # The feed URLs carry the channel's secret token: ops and admins only see them.
    assert (catalog.channel.feed_token in page) == (role in ("ops_user", "admin_user"))
    assert "Meta requires <code>image_link</code>." in page
    assert "GLOW-30" in page


def test_a_user_without_a_role_is_refused_and_a_visitor_sent_to_login(catalog, outsider, login):
    url = f"/feeds/channels/{catalog.channel.pk}/"
    assert login(outsider).get(url).status_code == 403
    response = Client().get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_page_shows_another_format_on_request(catalog, exec_user, login):
    catalog.in_stock.product.vendor = ""
    catalog.in_stock.product.save()
    client = login(exec_user)
    url = f"/feeds/channels/{catalog.channel.pk}/"
    assert "Meta requires <code>brand</code>." in client.get(url).content.decode()
    # Google takes a GTIN or an MPN instead of a brand.
    assert "requires" not in client.get(url, {"format": "google-xml"}).content.decode()


def test_the_page_paginates_problems(catalog, exec_user, login):
    product = ProductFactory(handle="bare", vendor="", description="")
    for n in range(30):
        SKUFactory(product=product, code=f"BARE-{n:02d}", option1=str(n))
    response = login(exec_user).get(f"/feeds/channels/{catalog.channel.pk}/")
    page = response.content.decode()
    assert "Page 1 of 2" in page  # 30 items x 3 problems (description, image, brand)
    assert response.context["page"].paginator.count == 90


@pytest.mark.parametrize("extra", [0, 19])
def test_the_page_query_count_does_not_grow_with_items(
    catalog, extra, exec_user, login, django_assert_num_queries
):
    product = ProductFactory(handle="more", vendor="V", description="d")
    for n in range(extra):
        SKUFactory(product=product, code=f"MORE-{n:02d}", option1=str(n))
    client = login(exec_user)
    url = f"/feeds/channels/{catalog.channel.pk}/"
    # session, user, the user's language (common.UserPreference), permissions and roles of
    # the shell, channel, fingerprint (5), items (1)
    with django_assert_num_queries(12):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("extra", [0, 19])
def test_the_feeds_index_lists_channels_in_fixed_queries(
    catalog, extra, ops_user, login, django_assert_num_queries
):
    from tests.factories import ChannelFactory

    for _ in range(extra):
        ChannelFactory()
    client = login(ops_user)
    # Session, user, the user's language (common.UserPreference), perms x2, nav roles, the
    # channels.
    with django_assert_num_queries(6):
        response = client.get("/feeds/")
    assert response.status_code == 200
    assert f'href="/feeds/channels/{catalog.channel.pk}/"' in response.content.decode()
    assert 'href="/feeds/"' in response.content.decode()  # the nav entry


def test_the_feeds_index_is_refused_without_a_role(outsider, login):
    assert login(outsider).get("/feeds/").status_code == 403


def test_the_channel_kpi_page_shows_the_last_feed_check(catalog, exec_user, login):
    client = login(exec_user)
    kpi_page = f"/channels/{catalog.channel.pk}/"
    assert "has not been checked lately" in client.get(kpi_page).content.decode()
    client.get(f"/feeds/channels/{catalog.channel.pk}/")
    page = client.get(kpi_page).content.decode()
    assert "items with problems" in page and "Checked" in page


def test_the_feed_page_says_when_the_store_address_is_missing(catalog, exec_user, login, settings):
    page = f"/feeds/channels/{catalog.channel.pk}/"
    settings.STORE_URL = ""
    assert "<code>STORE_URL</code>" in login(exec_user).get(page).content.decode()
    settings.STORE_URL = "https://shop.example.com"
    assert "<code>STORE_URL</code>" not in login(exec_user).get(page).content.decode()


# --- What a channel's feed publishes ----------------------------------------------------------


def test_a_channel_publishes_only_the_product_types_and_tags_it_sells(catalog, login, ops_user):
    from catalog.models import Product

    Product.objects.filter(pk=catalog.in_stock.product_id).update(
        product_type="Skincare", tags="bestseller, Spring"
    )
    Product.objects.filter(pk=catalog.reserved_away.product_id).update(
        product_type="Apparel", tags="springtime"
    )
    fmt = FORMATS["meta"]
    everything = {
        r[fmt.spec.id_field] for r in read_rows(fmt, _body(_fetch(catalog.channel, fmt.filename)))
    }
    assert everything == {s.code for s in catalog.sellable}

    catalog.channel.feed_tags = ["spring"]  # a whole tag, any case: not "springtime"
    catalog.channel.save()
    rows = read_rows(fmt, _body(_fetch(catalog.channel, fmt.filename)))
    assert {r[fmt.spec.id_field] for r in rows} == {
        s.code for s in catalog.sellable if s.product_id == catalog.in_stock.product_id
    }

    catalog.channel.feed_tags = []
    catalog.channel.feed_product_types = ["apparel"]
    catalog.channel.save()
    response = _fetch(catalog.channel, fmt.filename)
    assert {r[fmt.spec.id_field] for r in read_rows(fmt, _body(response))} == {"LINEN-S"}
    page = login(ops_user).get(f"/feeds/channels/{catalog.channel.pk}/").content.decode()
    assert "Publishes product types apparel" in page
    assert "<strong>1</strong> item in the feed" in page


def test_changing_what_a_channel_publishes_changes_its_etag(catalog):
    fmt = FORMATS["meta"]
    before = _fetch(catalog.channel, fmt.filename)["ETag"]
    catalog.channel.feed_product_types = ["Apparel"]
    catalog.channel.save()
    assert _fetch(catalog.channel, fmt.filename, **{"If-None-Match": before}).status_code == 200


def test_the_feed_pages_say_what_a_missing_store_url_causes(settings, login, exec_user):
    settings.STORE_URL = ""
    body = login(exec_user).get(reverse("feeds:index")).content.decode()
    assert "every feed item lacks its product link" in body
    settings.STORE_URL = "https://shop.example.com"
    assert "store-url-missing" not in login(exec_user).get(reverse("feeds:index")).content.decode()

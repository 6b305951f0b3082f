from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Campaign
from catalog.models import SKU, StockLevel
from integrations import services
from integrations.models import Connection, SyncRun
from promises.models import PromoCode, ShippingMethod
from tests.factories import ChannelFactory
from tests.integrations.fakes import (
    META_TOKEN,
    SHOPIFY_TOKEN,
    delivery_profile,
    discount,
    rate,
    zone,
)

pytestmark = pytest.mark.django_db


def _add(client, **data):
    return client.post(reverse("integrations:add"), data)


def test_an_admin_connects_a_store_and_an_ad_account_and_syncs_them(
    login, admin_user, shopify, meta, caplog, commit
):
    caplog.set_level(logging.DEBUG)
    shopify.discounts = [discount(1, "SUMMER20")]
    shopify.profiles = [
        delivery_profile(1, [zone(1, "Europe", ["FR", "BE"], [rate(1, "Standard", "4.90")])])
    ]
    channel = ChannelFactory(name="Instagram ads")
    client = login(admin_user)

    response = _add(
        client,
        kind="shopify",
        name="Acme",
        account_id="acme.myshopify.com",
        token=SHOPIFY_TOKEN,
        scopes="read_products,read_inventory,read_locations",
    )
    store = Connection.objects.get(kind="shopify")
    assert response.status_code == 302
    _add(
        client,
        kind="meta",
        name="Acme ads",
        account_id="1234567890",
        token=META_TOKEN,
        channel=channel.pk,
    )
    ads = Connection.objects.get(kind="meta")
    assert ads.account_id == "act_1234567890"

    with commit():
        for connection in (store, ads):
            client.post(reverse("integrations:action", args=[connection.pk, "sync"]))

    assert SKU.objects.count() == 3 and StockLevel.objects.count() == 3
    assert list(PromoCode.objects.values_list("code", flat=True)) == ["SUMMER20"]
    assert list(ShippingMethod.objects.values_list("name", flat=True)) == ["Standard"]
    assert Campaign.objects.filter(channel=channel).count() == 3
    with commit():
        for connection in (store, ads):
            client.post(reverse("integrations:action", args=[connection.pk, "sync"]))
    second = SyncRun.objects.filter(connection=store).first()
    # Incremental: products unchanged since the first run are not read again; the location,
    # stock, code and shipping method are, and are unchanged.
    assert (second.created, second.updated, second.unchanged) == (0, 0, 6)

    pages = [
        client.get(reverse("integrations:list")),
        client.get(reverse("integrations:detail", args=[store.pk])),
        client.get(reverse("integrations:detail", args=[ads.pk])),
        client.get("/api/connections/"),
        client.get(f"/api/connections/{store.pk}/"),
        client.get("/api/sync-runs/"),
    ]
    assert all(page.status_code == 200 for page in pages)
    assert "Acme ads" in pages[0].content.decode()
    assert "Not synced yet" not in pages[1].content.decode()
    for page in pages:
        body = page.content.decode()
        assert SHOPIFY_TOKEN not in body and META_TOKEN not in body
    assert SHOPIFY_TOKEN not in caplog.text and META_TOKEN not in caplog.text
    # Encrypted at rest: the stored bytes are not the token.
    raw = bytes(Connection.objects.values_list("credentials_encrypted", flat=True).get(pk=store.pk))
    assert SHOPIFY_TOKEN.encode() not in raw
    assert store.credentials() == SHOPIFY_TOKEN


def test_a_refused_form_does_not_show_the_token_back(login, admin_user):
    response = _add(
        login(admin_user), kind="meta", name="Ads", account_id="not an id", token=META_TOKEN
    )

    assert response.status_code == 400
    assert META_TOKEN not in response.content.decode()
    assert not Connection.objects.exists()


def test_test_pause_resume_and_remove(login, admin_user, store, shopify):
    client = login(admin_user)
    action = lambda name: client.post(  # noqa: E731
        reverse("integrations:action", args=[store.pk, name]), follow=True
    )

    assert "Connected to Acme Store (EUR)." in action("test").content.decode()
    action("pause")
    store.refresh_from_db()
    assert store.status == "paused"
    action("resume")
    store.refresh_from_db()
    assert store.status == "active"
    action("remove")
    assert not Connection.objects.exists()


def test_a_new_token_clears_reconnect_needed(login, admin_user, store):
    store.status = "reconnect_needed"
    store.save()

    login(admin_user).post(
        reverse("integrations:action", args=[store.pk, "reconnect"]), {"token": "shpat_new"}
    )

    store.refresh_from_db()
    assert store.status == "active" and store.credentials() == "shpat_new"


@pytest.mark.parametrize("role", ["marketing_user", "ops_user", "exec_user", "outsider"])
def test_only_admins_see_connections(request, login, role, store):
    client = login(request.getfixturevalue(role))

    assert client.get(reverse("integrations:list")).status_code == 403
    assert client.get(reverse("integrations:detail", args=[store.pk])).status_code == 403
    assert client.post(reverse("integrations:action", args=[store.pk, "sync"])).status_code == 403
    assert client.get("/api/connections/").status_code == 403


def test_the_list_costs_the_same_queries_for_1_and_20_connections(login, admin_user):
    client = login(admin_user)
    services.add_connection(kind="shopify", name="S0", account_id="s0.myshopify.com", token="x")
    client.get(reverse("integrations:list"))  # warm the session and permission caches
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("integrations:list"))
    for n in range(1, 20):
        services.add_connection(
            kind="shopify", name=f"S{n}", account_id=f"s{n}.myshopify.com", token="x"
        )
    with CaptureQueriesContext(connection) as twenty:
        client.get(reverse("integrations:list"))
    assert len(one) == len(twenty)

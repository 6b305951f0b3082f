"""Concurrent writes through the API: a PATCH writes only what it sends, and a write sent
with If-Match is refused (412) if the object changed since that version was read."""

from __future__ import annotations

import threading
from contextlib import contextmanager, nullcontext
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection

from campaigns.api.serializers import CampaignSerializer
from campaigns.models import Campaign
from common.api.serializers import DomainSerializer
from promises.models import ShippingMethod

pytestmark = pytest.mark.django_db

# Pairs of concurrent PATCHes in the threaded test: the issue lost one change in 39 of 40.
PAIRS = 10


@contextmanager
def meanwhile(serializer_class, other_write):
    """Run `other_write()` once, inside the next write, after it has read the object and
    before it saves: the interleaving of two users saving at the same moment."""
    original = serializer_class.validate
    done = []

    def validate(self, attrs):
        if not done:
            done.append(True)
            other_write()
        return original(self, attrs)

    with mock.patch.object(serializer_class, "validate", validate):
        yield


def test_two_patches_of_different_fields_both_keep_their_change(api, world, marketing_user):
    url = f"/api/campaigns/{world.campaign.pk}/"
    other = api(marketing_user)

    def rename():
        assert other.patch(url, {"name": "Renamed"}, format="json").status_code == 200

    with meanwhile(CampaignSerializer, rename):
        response = api(marketing_user).patch(url, {"budget": "1234.00"}, format="json")
    assert response.status_code == 200
    stored = Campaign.objects.get(pk=world.campaign.pk)
    assert (stored.name, stored.budget) == ("Renamed", Decimal("1234.00"))
    assert response.json()["name"] == "Renamed"  # the answer is the stored campaign


def test_a_patch_of_a_promise_writes_only_its_fields(api, world, ops_user):
    url = f"/api/shipping-methods/{world.method.pk}/"
    other = api(ops_user)

    def slower():
        assert other.patch(url, {"max_days": 6}, format="json").status_code == 200

    with meanwhile(DomainSerializer, slower):
        response = api(ops_user).patch(url, {"price": "7.50"}, format="json")
    assert response.status_code == 200
    stored = ShippingMethod.objects.get(pk=world.method.pk)
    assert (stored.max_days, stored.price) == (6, Decimal("7.50"))


def test_the_copy_claims_follow_the_stored_copy_after_a_partial_update(api, world, marketing_user):
    url = f"/api/campaigns/{world.campaign.pk}/"
    other = api(marketing_user)

    def new_caption():
        body = {"caption": "Delivered in 2 days"}
        assert other.patch(url, body, format="json").status_code == 200

    with meanwhile(CampaignSerializer, new_caption):
        api(marketing_user).patch(url, {"script": "Free returns"}, format="json")
    stored = Campaign.objects.get(pk=world.campaign.pk)
    assert (stored.caption, stored.script) == ("Delivered in 2 days", "Free returns")
    kinds = set(stored.claims.filter(source="extracted").values_list("kind", flat=True))
    assert {"delivery", "returns"} <= kinds


def test_a_write_with_an_old_etag_is_refused_with_412(api, world, marketing_user):
    url = f"/api/campaigns/{world.campaign.pk}/"
    read = api(marketing_user).get(url)
    etag = read["ETag"]
    assert etag.startswith('"')
    first = api(marketing_user).patch(url, {"name": "First"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200
    assert first["ETag"] != etag
    second = api(marketing_user).put(
        url, {**read.json(), "name": "Second"}, format="json", HTTP_IF_MATCH=etag
    )
    assert second.status_code == 412
    body = second.json()
    assert body["code"] == "changed"
    assert "marketing-user" in body["detail"]  # who changed it
    assert body["etag"] == first["ETag"]
    assert Campaign.objects.get(pk=world.campaign.pk).name == "First"
    again = api(marketing_user).patch(
        url, {"name": "Second"}, format="json", HTTP_IF_MATCH=body["etag"]
    )
    assert again.status_code == 200


def test_if_match_guards_promises_and_deletes(api, world, ops_user):
    url = f"/api/shipping-methods/{world.method.pk}/"
    etag = api(ops_user).get(url)["ETag"]
    assert api(ops_user).patch(url, {"max_days": 4}, format="json").status_code == 200
    stale = api(ops_user).delete(url, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert ShippingMethod.objects.filter(pk=world.method.pk).exists()
    anything = api(ops_user).patch(url, {"max_days": 5}, format="json", HTTP_IF_MATCH="*")
    assert anything.status_code == 200


def test_the_schema_documents_if_match_and_412(api, exec_user):
    document = api(exec_user).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    put = document["paths"]["/api/campaigns/{id}/"]["put"]
    assert "412" in put["responses"]
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in put["parameters"])
    assert "412" not in document["paths"]["/api/campaigns/"]["post"]["responses"]


# serialized_rollback: the flush after a transactional test would take the role groups.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_patches_of_different_fields_lose_nothing(api, marketing_user):
    """Two clients at the same moment, PAIRS times; on PostgreSQL a real race."""
    from tests.promises.conftest import World

    world = World(marketing_user)
    url = f"/api/campaigns/{world.campaign.pk}/"
    clients = [api(marketing_user), api(marketing_user)]
    failures = []
    # SQLite locks its whole database file for a write: there the two take turns (the
    # interleaved tests above race them deterministically); PostgreSQL races them for real.
    turns = threading.Lock() if connection.vendor == "sqlite" else nullcontext()

    def patch(client, body, barrier):
        try:
            barrier.wait()
            with turns:
                response = client.patch(url, body, format="json")
            if response.status_code != 200:
                failures.append(response.status_code)
        finally:
            connection.close()

    for n in range(PAIRS):
        barrier = threading.Barrier(2)
        bodies = [{"name": f"Name {n}"}, {"budget": f"{100 + n}.00"}]
        threads = [
            threading.Thread(target=patch, args=(c, b, barrier))
            for c, b in zip(clients, bodies, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stored = Campaign.objects.get(pk=world.campaign.pk)
        assert (stored.name, stored.budget) == (f"Name {n}", Decimal(f"{100 + n}.00"))
    assert failures == []


def extracted(campaign: Campaign) -> list[str]:
    return sorted(campaign.claims.filter(source="extracted").values_list("text", flat=True))


def test_a_patch_of_other_fields_keeps_the_claims_of_the_copy_saved_meanwhile(
    api, world, marketing_user
):
    url = f"/api/campaigns/{world.campaign.pk}/"
    assert api(marketing_user).patch(url, {"caption": "30-day returns"}).status_code == 200
    assert extracted(world.campaign) == ["30-day returns"]
    other = api(marketing_user)

    def new_copy():
        caption = "Free returns for 90 days, delivery in 24h"
        assert other.patch(url, {"caption": caption}, format="json").status_code == 200

    # This PATCH read the campaign (with the old caption) before the other saved its copy.
    with meanwhile(CampaignSerializer, new_copy):
        response = api(marketing_user).patch(url, {"budget": "900.00"}, format="json")
    assert response.status_code == 200
    stored = Campaign.objects.get(pk=world.campaign.pk)
    assert stored.caption == "Free returns for 90 days, delivery in 24h"
    assert extracted(stored) == ["24h", "Free returns for 90 days"]

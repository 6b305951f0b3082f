"""Writes answer success during a Redis outage: what they send after committing is best effort.

The app is pointed at a real Redis URL on a port nothing listens on (broker, results and
cache), tasks sent for real, and each request commits for real (transactional database), so
the on-commit re-check and cache bump run inside the request as in production.
"""

from __future__ import annotations

import logging

import pytest
from rest_framework.test import APIClient

from catalog.models import StockLevel
from promises.models import Conflict, ShippingMethod
from tests.outage import app_redis, closed_port_url
from tests.promises.conftest import world  # noqa: F401 - the engine's small store

# serialized_rollback: the flush after a transactional test would take the role groups.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def redis_down(settings):
    with app_redis(closed_port_url(), settings):
        yield


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_committed_writes_answer_success_while_redis_is_down(
    world,  # noqa: F811
    ops_user,
    marketing_user,
    redis_down,
    caplog,
):
    ops = _client(ops_user)
    caplog.set_level(logging.WARNING)

    response = ops.patch(
        f"/api/stock-levels/{world.stock.pk}/", {"available": 0, "on_hand": 0}, format="json"
    )
    assert response.status_code == 200
    assert StockLevel.objects.get(pk=world.stock.pk).available == 0
    assert "the next sweep re-checks them" in caplog.text  # the lost re-check is logged

    response = ops.patch(
        f"/api/shipping-methods/{world.method.pk}/", {"max_days": 9}, format="json"
    )
    assert response.status_code == 200
    assert ShippingMethod.objects.get(pk=world.method.pk).max_days == 9
    assert "Operations cache bump failed" in caplog.text

    # The check runs in the request: it reads the operations without the cache.
    response = ops.post(f"/api/campaigns/{world.campaign.pk}/check/")
    assert response.status_code == 200
    conflict = Conflict.objects.get(campaign=world.campaign, rule_code="STOCK_OUT")

    response = ops.post(f"/api/conflicts/{conflict.pk}/resolve/", {"note": "Restocked"})
    assert response.status_code == 200, response.json()

    response = _client(marketing_user).post(
        f"/api/campaigns/{world.campaign.pk}/status/", {"status": "paused"}, format="json"
    )
    assert response.status_code == 200, response.json()
    world.campaign.refresh_from_db()
    assert world.campaign.status == "paused"

"""The API: my subscriptions (read and write), the delivery log (read)."""

import pytest
from rest_framework.test import APIClient

from notifications.models import Delivery, Subscription

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_subscriptions_are_my_own(ops_user, marketing_user):
    answer = api(ops_user).get("/api/notification-subscriptions/").json()
    assert [s["role_default"] for s in answer["results"]] == ["ops"]
    theirs = marketing_user.subscriptions.get()
    assert api(ops_user).get(f"/api/notification-subscriptions/{theirs.pk}/").status_code == 404


def test_create_a_webhook_subscription_and_read_its_secret(ops_user):
    answer = api(ops_user).post(
        "/api/notification-subscriptions/",
        {"destination": "webhook", "target": "https://hooks.example.com/x", "kinds": ["overdue"]},
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["secret"] and "target" not in body
    assert Subscription.objects.get(pk=body["id"]).user == ops_user
    refused = api(ops_user).post(
        "/api/notification-subscriptions/",
        {"destination": "webhook", "target": "ftp://x", "kinds": ["overdue"]},
    )
    assert refused.status_code == 400 and "target" in refused.json()["errors"]


def test_deliveries_read_only_mine_unless_admin(ops_user, marketing_user, admin_user):
    theirs = marketing_user.subscriptions.get()
    Delivery.objects.create(subscription=theirs, kind="digest", subject="Theirs", body=".")
    assert api(ops_user).get("/api/notification-deliveries/").json()["count"] == 0
    assert api(admin_user).get("/api/notification-deliveries/").json()["count"] == 1
    assert api(ops_user).post("/api/notification-deliveries/", {}).status_code == 405


@pytest.mark.parametrize("rows", [1, 20])
def test_the_delivery_log_reads_in_fixed_queries(ops_user, django_assert_num_queries, rows):
    subscription = ops_user.subscriptions.get()
    for n in range(rows):
        Delivery.objects.create(subscription=subscription, kind="digest", subject=f"{n}", body=".")
    client = api(ops_user)
    with django_assert_num_queries(4):  # perms (x2), count, page
        assert client.get("/api/notification-deliveries/").status_code == 200

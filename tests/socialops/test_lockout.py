"""Login throttling (django-axes): the login form and POST /api/auth/token/."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 3


def _login(user, password: str, ip: str = "203.0.113.7"):
    return Client(REMOTE_ADDR=ip).post(
        reverse("login"), {"username": user.username, "password": password}
    )


def test_after_the_limit_the_login_form_refuses_even_the_right_password(marketing_user):
    for _ in range(2):
        assert _login(marketing_user, "wrong").status_code == 200  # the form's error
    assert _login(marketing_user, "wrong").status_code == 429  # the third: locked
    response = _login(marketing_user, "secret-pass")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    # The same person from another address still gets in.
    assert _login(marketing_user, "secret-pass", ip="198.51.100.9").status_code == 302


def test_after_the_limit_the_token_endpoint_refuses_with_a_clear_message(ops_user):
    from rest_framework.test import APIClient

    client = APIClient(REMOTE_ADDR="203.0.113.8")
    for expected in (400, 400, 429):
        response = client.post(
            "/api/auth/token/", {"username": "ops-user", "password": "wrong"}, format="json"
        )
        assert response.status_code == expected
    response = client.post(
        "/api/auth/token/", {"username": "ops-user", "password": "secret-pass"}, format="json"
    )
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert "Too many failed logins" in response.json()["detail"]

"""Who gets in: tokens, sessions with CSRF, the schema and the docs page."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_no_credentials_get_401_with_a_token_challenge(api):
    response = api().get("/api/campaigns/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "detail": "Authentication credentials were not provided.",
        "code": "not_authenticated",
        "errors": {},
    }


def test_a_wrong_token_gets_401(api):
    client = api()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/campaigns/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_a_user_exchanges_username_and_password_for_a_token(api, ops_user):
    response = api().post(
        "/api/auth/token/", {"username": "ops-user", "password": "secret-pass"}, format="json"
    )
    assert response.status_code == 200
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/products/").status_code == 200


def test_a_wrong_password_gets_a_field_error_not_a_token(api, ops_user):
    response = api().post(
        "/api/auth/token/", {"username": "ops-user", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"]["non_field_errors"]


def test_a_session_reads_and_must_send_csrf_to_write(ops_user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(ops_user)
    assert client.get("/api/products/").status_code == 200
    response = client.post("/api/products/", {"handle": "h", "title": "T"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_the_schema_is_openapi_3_for_signed_in_users_only(api, exec_user):
    assert api().get("/api/schema/").status_code == 401
    response = api(exec_user).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert "/api/campaigns/{id}/status/" in document["paths"]
    assert "/api/conflicts/{id}/waive/" in document["paths"]
    assert "/api/orders/bulk/" in document["paths"]


def test_the_docs_page_needs_a_login_and_loads_nothing_from_a_cdn(client, login, exec_user):
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    page = login(exec_user).get("/api/docs/").content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


def test_an_unknown_api_path_answers_the_json_error_body(api, exec_user):
    response = api(exec_user).get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api(exec_user).get("/api/products/not-an-id/").json()["code"] == "not_found"


@pytest.mark.parametrize("path", ["/api/campaigns/", "/api/conflicts/", "/api/skus/"])
def test_a_browser_session_gets_the_browsable_api(login, world, ops_user, path):
    response = login(ops_user).get(path, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert "text/html" in response["Content-Type"]

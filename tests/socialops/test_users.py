"""People and roles: /api/users/ for admins, /api/me/ for anyone, and the Users page."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

from socialops.users import roles_of

pytestmark = pytest.mark.django_db
User = get_user_model()


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_admins_list_create_update_and_deactivate_users(admin_user, marketing_user):
    client = api(admin_user)
    listed = client.get("/api/users/").json()
    by_name = {row["username"]: row for row in listed["results"]}
    assert by_name[marketing_user.username]["roles"] == ["marketing"]
    assert "password" not in by_name[marketing_user.username]

    created = client.post(
        "/api/users/",
        {"username": "nora", "email": "nora@example.com", "roles": ["ops", "exec"]},
    )
    assert created.status_code == 201, created.json()
    nora = User.objects.get(username="nora")
    assert roles_of(nora) == ["exec", "ops"]
    assert not nora.has_usable_password()

    changed = client.patch(f"/api/users/{nora.pk}/", {"roles": ["admin"]})
    assert changed.status_code == 200 and changed.json()["roles"] == ["admin"]
    nora.refresh_from_db()
    assert nora.is_staff

    assert client.delete(f"/api/users/{nora.pk}/").status_code == 204
    nora.refresh_from_db()
    assert not nora.is_active  # deactivated, not deleted


def test_unknown_roles_are_refused(admin_user):
    response = api(admin_user).post("/api/users/", {"username": "x", "roles": ["boss"]})
    assert response.status_code == 400
    assert not User.objects.filter(username="x").exists()


@pytest.mark.parametrize("role", ["marketing_user", "ops_user", "exec_user", "outsider"])
def test_other_roles_cannot_manage_users(role, request):
    client = api(request.getfixturevalue(role))
    assert client.get("/api/users/").status_code == 403
    assert client.post("/api/users/", {"username": "x", "roles": []}).status_code == 403


def test_me_says_who_i_am_with_roles_and_permissions(marketing_user, outsider, client):
    body = api(marketing_user).get("/api/me/").json()
    assert body["username"] == marketing_user.username
    assert body["roles"] == ["marketing"]
    assert "campaigns.add_campaign" in body["permissions"]
    assert "catalog.add_sku" not in body["permissions"]
    assert api(outsider).get("/api/me/").json()["roles"] == []
    assert client.get("/api/me/").status_code in (401, 403)


def test_the_users_page_invites_changes_roles_and_deactivates(admin_user, login):
    client = login(admin_user)
    page = client.get(reverse("users:list"))
    assert page.status_code == 200
    assert f'href="{reverse("users:list")}"' in page.content.decode()  # in the menu

    response = client.post(
        reverse("users:list"), {"username": "lea", "roles": ["marketing"], "password": ""}
    )
    assert response.status_code == 302
    lea = User.objects.get(username="lea")
    assert roles_of(lea) == ["marketing"]

    client.post(reverse("users:edit", args=[lea.pk]), {"roles": ["ops"]})
    assert roles_of(lea) == ["ops"]

    client.post(reverse("users:deactivate", args=[lea.pk]))
    lea.refresh_from_db()
    assert not lea.is_active
    # Nobody locks themselves out.
    client.post(reverse("users:deactivate", args=[admin_user.pk]))
    admin_user.refresh_from_db()
    assert admin_user.is_active


@pytest.mark.parametrize("role", ["marketing_user", "ops_user", "exec_user"])
def test_the_users_page_is_for_admins(role, request, login):
    client = login(request.getfixturevalue(role))
    assert client.get(reverse("users:list")).status_code == 403
    assert "Users</a>" not in client.get(reverse("home")).content.decode()


def test_every_page_links_the_api_docs_and_a_favicon(marketing_user, login, client):
    body = login(marketing_user).get(reverse("home")).content.decode()
    assert f'href="{reverse("api-docs")}"' in body
    assert 'rel="icon"' in body
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 301 and favicon.url.endswith("favicon.svg")

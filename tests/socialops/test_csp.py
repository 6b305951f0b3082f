"""The Content-Security-Policy: only our own static scripts and stylesheets run."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def _directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_pages_send_a_strict_policy(client):
    policy = _directives(client.get("/login/"))
    assert policy["script-src"] == ["'self'"]  # no inline scripts, no eval, no CDN
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("url", ["/", "/api/docs/", "/admin/"])
def test_pages_have_no_inline_script(login, admin_user, url):
    admin_user.is_staff = True
    admin_user.save()
    body = login(admin_user).get(url, follow=True).content.decode()
    inline = [
        tag
        for tag in re.findall(r"<script\\b[^>]*>", body)
        if "src=" not in tag and 'type="application/json"' not in tag
    ]
    assert inline == []

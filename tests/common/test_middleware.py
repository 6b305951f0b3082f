"""Pages vary on htmx's headers, so a cached partial is never shown as the whole page."""

from __future__ import annotations

from django.urls import reverse


def test_a_list_page_varies_on_the_htmx_headers(login, ops_user):
    client = login(ops_user)
    url = reverse("promises:conflict-list")
    whole = client.get(url)
    partial = client.get(url, headers={"HX-Request": "true", "HX-Target": "results"})
    assert b"<html" in whole.content and b"<html" not in partial.content
    for response in (whole, partial):
        vary = {v.strip().lower() for v in response["Vary"].split(",")}
        assert {"hx-request", "hx-target"} <= vary

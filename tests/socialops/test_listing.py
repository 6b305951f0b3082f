"""The list page machinery, through the check runs page: filters, sort, pages, CSV, htmx."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from promises.choices import CheckRunStatus, CheckTrigger
from tests.factories import CheckRunFactory

URL = reverse("promises:checkrun-list")


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
def test_a_user_without_a_role_is_refused(login, outsider):
    assert login(outsider).get(URL).status_code == 403
    assert login(outsider).get(URL, {"format": "csv"}).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["marketing_user", "ops_user", "exec_user", "admin_user"])
def test_every_role_reads_the_runs(request, login, role):
    CheckRunFactory(trigger=CheckTrigger.CHANGE)
    response = login(request.getfixturevalue(role)).get(URL)
    assert response.status_code == 200
    assert b"After a change" in response.content


@pytest.mark.django_db
def test_filters_narrow_the_list_and_the_export(login, ops_user):
    CheckRunFactory(status=CheckRunStatus.FAILED, errors=2)
    CheckRunFactory(status=CheckRunStatus.SUCCEEDED)
    client = login(ops_user)
    page = client.get(URL, {"status": "failed"})
    assert page.context["paginator"].count == 1
    rows = _csv(client.get(URL, {"status": "failed", "export": "csv"}))
    assert rows[0][:3] == ["id", "trigger", "status"]
    assert [r[2] for r in rows[1:]] == ["failed"]


@pytest.mark.django_db
def test_an_invalid_filter_shows_its_message_and_no_rows(login, ops_user):
    CheckRunFactory()
    response = login(ops_user).get(URL, {"status": "exploded", "started_after": "yesterday"})
    assert response.status_code == 200
    assert response.context["paginator"].count == 0
    form = response.context["filter_form"]
    assert "status" in form.errors and "started_after" in form.errors
    assert b"field-error" in response.content


@pytest.mark.django_db
def test_sorting_both_ways_and_unknown_keys_fall_back(login, ops_user):
    now = timezone.now()
    slow = CheckRunFactory(duration_ms=900, started_at=now - timedelta(hours=2))
    fast = CheckRunFactory(duration_ms=10, started_at=now - timedelta(hours=1))
    client = login(ops_user)
    assert list(client.get(URL, {"sort": "duration"}).context["object_list"]) == [fast, slow]
    assert list(client.get(URL, {"sort": "-duration"}).context["object_list"]) == [slow, fast]
    # The default: newest first; an unknown key is ignored rather than an error.
    assert list(client.get(URL, {"sort": "password"}).context["object_list"]) == [fast, slow]


@pytest.mark.django_db
def test_pages_keep_the_filters_and_the_export_has_every_page(login, ops_user):
    CheckRunFactory.create_batch(55, trigger=CheckTrigger.SWEEP)
    CheckRunFactory(trigger=CheckTrigger.MANUAL)
    client = login(ops_user)
    first = client.get(URL, {"trigger": "sweep"})
    assert first.context["paginator"].num_pages == 2
    assert b"trigger=sweep&amp;page=2" in first.content
    second = client.get(URL, {"trigger": "sweep", "page": 2})
    assert len(second.context["object_list"]) == 5
    assert len(_csv(client.get(URL, {"trigger": "sweep", "export": "csv"}))) == 56
    # The older spelling still works where `format` is not a filter of the list.
    assert len(_csv(client.get(URL, {"trigger": "sweep", "format": "csv"}))) == 56


@pytest.mark.django_db
def test_htmx_asks_for_the_results_only(login, ops_user):
    CheckRunFactory()
    client = login(ops_user)
    partial = client.get(URL, headers={"HX-Request": "true", "HX-Target": "results"})
    assert b"<html" not in partial.content and b"<table" in partial.content
    whole = client.get(URL, headers={"HX-Request": "true", "HX-Target": "main"})
    assert b"<html" in whole.content


@pytest.mark.django_db
def test_a_cell_that_looks_like_a_formula_is_exported_as_text():
    from common.listing import Column, stream_csv

    rows = list(stream_csv(iter([{"v": "=HYPERLINK(1)"}]), [Column("v", lambda r: r["v"])]))
    assert rows[1].strip() == "'=HYPERLINK(1)"


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 40])
def test_query_count_does_not_grow_with_rows(login, ops_user, django_assert_num_queries, rows):
    CheckRunFactory.create_batch(rows)
    client = login(ops_user)
    # Session, user, user and group permissions, the roles for the navigation, count, page.
    with django_assert_num_queries(7):
        assert client.get(URL).status_code == 200

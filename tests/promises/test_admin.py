"""The admin goes through the services: it cannot schedule a blocked campaign or rewrite a
conflict's state behind the engine's back."""

import pytest
from django.contrib.messages import get_messages

from catalog.models import StockLevel
from promises.checks.engine import run_checks
from promises.models import Conflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("root", password="x")


def act(client, url, action, *pks):
    return client.post(url, {"action": action, "_selected_action": list(pks)}, follow=True)


def test_scheduling_a_blocked_campaign_from_the_admin_is_refused_with_the_reason(
    world, login, root
):
    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=0, available=0)
    world.campaign.status = "in_review"
    world.campaign.save()
    response = act(
        login(root), "/admin/campaigns/campaign/", "move_to_scheduled", world.campaign.pk
    )
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("is blocked (STOCK_OUT" in note for note in notes), notes
    world.campaign.refresh_from_db()
    assert world.campaign.status == "in_review"


def test_a_fine_campaign_is_scheduled_from_the_admin(world, login, root):
    world.campaign.status = "in_review"
    world.campaign.save()
    act(login(root), "/admin/campaigns/campaign/", "move_to_scheduled", world.campaign.pk)
    world.campaign.refresh_from_db()
    assert world.campaign.status == "scheduled"


def test_the_campaign_form_cannot_set_the_status(world, login, root):
    page = login(root).get(f"/admin/campaigns/campaign/{world.campaign.pk}/change/")
    assert b'name="status"' not in page.content


def test_acknowledging_from_the_admin_writes_history(world, login, ops_user):
    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=0, available=0)
    run_checks(None)
    conflict = Conflict.objects.get()
    ops_user.is_staff = True
    ops_user.save()
    act(login(ops_user), "/admin/promises/conflict/", "acknowledge", conflict.pk)
    conflict.refresh_from_db()
    assert conflict.state == "acknowledged"
    assert conflict.events.filter(kind="acknowledged", actor=ops_user).exists()


def test_the_conflict_form_is_read_only(world, login, root):
    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=0, available=0)
    run_checks(None)
    conflict = Conflict.objects.get()
    page = login(root).get(f"/admin/promises/conflict/{conflict.pk}/change/")
    assert page.status_code == 200
    assert b'name="state"' not in page.content


def test_ops_waives_from_the_admin_and_the_campaign_is_ready(world, login, ops_user):
    from datetime import timedelta

    from django.utils import timezone

    from promises.querysets import annotate_readiness

    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=0, available=0)
    run_checks(None)
    blocker = Conflict.objects.get(rule_code="STOCK_OUT")
    ops_user.is_staff = True
    ops_user.save()
    client = login(ops_user)
    url = "/admin/promises/conflict/"
    page = act(client, url, "waive", blocker.pk)
    assert b"Waive 1 conflict" in page.content  # the form asks for a reason and an expiry

    until = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(
        url,
        {
            "action": "waive",
            "apply": "1",
            "_selected_action": [blocker.pk],
            "reason": "",
            "until": until,
        },
    )
    assert b"This field is required" in refused.content
    too_long = (timezone.localtime() + timedelta(days=45)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(
        url,
        {
            "action": "waive",
            "apply": "1",
            "_selected_action": [blocker.pk],
            "reason": "Restock Tuesday",
            "until": too_long,
        },
    )
    assert b"30 days at most" in refused.content
    blocker.refresh_from_db()
    assert blocker.state == "open"

    client.post(
        url,
        {
            "action": "waive",
            "apply": "1",
            "_selected_action": [blocker.pk],
            "reason": "Restock Tuesday",
            "until": until,
        },
    )
    blocker.refresh_from_db()
    assert (blocker.state, blocker.waiver_reason) == ("waived", "Restock Tuesday")
    assert blocker.events.filter(kind="waived", actor=ops_user).exists()
    readiness = annotate_readiness(type(world.campaign).objects.filter(pk=world.campaign.pk))
    assert readiness.get().open_blockers == 0

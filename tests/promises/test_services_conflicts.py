"""The conflict services every door calls: one waiver rule with one set of messages, and a
fix note that re-checks and says what it came to."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from catalog.models import StockLevel
from promises.checks.engine import run_checks
from promises.forms import ConflictActionForm
from promises.models import CheckRun, Conflict
from promises.services import resolve_conflicts, validate_waiver, waive_conflicts
from tests.factories import ConflictFactory

pytestmark = pytest.mark.django_db


def _sell_out(world) -> Conflict:
    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=0, available=0)
    run_checks([world.campaign.pk])
    return Conflict.objects.get(rule_code="STOCK_OUT")


def test_resolving_reports_what_the_re_check_resolved_and_what_it_still_finds(world, ops_user):
    stock_out = _sell_out(world)
    world.campaign.claims.create(kind="delivery", days=1, text="Delivered tomorrow")
    run_checks([world.campaign.pk])
    delivery = Conflict.objects.get(rule_code="DELIVERY_CLAIM_UNSUPPORTED")
    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=50, available=50)

    resolution = resolve_conflicts([delivery.pk, stock_out.pk], ops_user, "  Restocked ")

    assert resolution.resolved == [stock_out]
    assert resolution.still_found == [delivery]
    assert resolution.run.campaigns_checked == 1
    assert [c.fix_note for c in resolution.resolved + resolution.still_found] == ["Restocked"] * 2
    assert resolution.still_found[0].state == "open"


def test_resolving_without_a_note_changes_nothing_and_checks_nothing(world, ops_user):
    conflict = _sell_out(world)
    runs = CheckRun.objects.count()
    with pytest.raises(ValidationError) as error:
        resolve_conflicts([conflict.pk], ops_user, "   ")
    assert error.value.message_dict == {"note": ["Say what was fixed."]}
    assert CheckRun.objects.count() == runs
    conflict.refresh_from_db()
    assert conflict.fix_note == ""


NOW = timezone.now()


@pytest.mark.parametrize(
    ("reason", "until", "expected"),
    [
        ("Restock Friday", NOW + timedelta(days=3), {}),
        ("Restock Friday", NOW + timedelta(days=30), {}),
        ("", NOW + timedelta(days=3), {"reason": "A waiver needs a reason."}),
        ("  ", NOW + timedelta(days=3), {"reason": "A waiver needs a reason."}),
        ("ok", None, {"until": "A waiver needs an expiry."}),
        ("ok", NOW, {"until": "A waiver needs an expiry in the future."}),
        (
            "ok",
            NOW + timedelta(days=30, seconds=1),
            {"until": "A waiver may last 30 days at most."},
        ),
        (
            "",
            None,
            {"reason": "A waiver needs a reason.", "until": "A waiver needs an expiry."},
        ),
    ],
)
def test_the_waiver_rule(reason, until, expected):
    assert validate_waiver(reason, until, NOW) == expected


@pytest.mark.parametrize(
    ("reason", "until"),
    [
        ("", timedelta(days=3)),
        ("ok", None),
        ("ok", timedelta(days=-1)),
        ("ok", timedelta(days=31)),
    ],
)
def test_the_form_and_the_service_refuse_a_waiver_in_the_same_words(ops_user, reason, until):
    conflict = ConflictFactory()
    when = None if until is None else timezone.now() + until
    form = ConflictActionForm(
        {
            "action": "waive",
            "ids": [conflict.pk],
            "reason": reason,
            "until": "" if when is None else timezone.localtime(when).strftime("%Y-%m-%dT%H:%M"),
        },
        user=ops_user,
    )
    assert not form.is_valid()
    with pytest.raises(ValidationError) as error:
        waive_conflicts([conflict.pk], ops_user, reason=reason, until=when)
    assert error.value.message_dict == {k: v for k, v in form.errors.items() if k != "__all__"}
    conflict.refresh_from_db()
    assert conflict.state == "open"

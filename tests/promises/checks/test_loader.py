"""The loader hands the rules what the database holds, copy and handling times included."""

from __future__ import annotations

import pytest

from promises.checks import engine, loader
from promises.models import Conflict


@pytest.mark.parametrize(
    ("caption", "script", "flagged"),
    [
        ("Linen season with @maisonlumen #ad", "", False),
        ("", "Say it out loud: paid partnership with Maison Lumen", False),
        ("Linen season with @maisonlumen", "", True),
    ],
)
def test_a_disclosure_written_in_the_copy_satisfies_the_engine(world, caption, script, flagged):
    world.campaign.is_paid_partnership, world.campaign.disclosure = True, ""
    world.campaign.caption, world.campaign.script = caption, script
    world.campaign.save()
    engine.run_checks(None)
    found = Conflict.objects.filter(campaign=world.campaign, rule_code="DISCLOSURE_MISSING")
    assert found.exists() is flagged


def test_the_loader_reads_copy_and_handling_days(world):
    world.method.handling_days = 2
    world.method.save()
    world.campaign.caption, world.campaign.script = "Ships today #ad", "Script"
    world.campaign.save()
    operations = loader.load_operations()
    [facts] = loader.load_campaigns([world.campaign.pk], operations.channels)
    assert (facts.caption, facts.script) == ("Ships today #ad", "Script")
    assert [m.handling_days for m in operations.shipping_methods] == [2]
    assert [(c.kind, c.days, c.source) for c in facts.claims_of("dispatch")] == [
        ("dispatch", 0, "extracted")
    ]


def test_a_dispatch_promise_beyond_the_handling_time_is_a_blocker(world):
    world.method.handling_days = 1
    world.method.save()
    world.campaign.caption = "Ships the same day 📦"
    world.campaign.save()
    engine.run_checks(None)
    conflict = Conflict.objects.get(campaign=world.campaign, rule_code="DISPATCH_CLAIM_UNSUPPORTED")
    assert conflict.severity == "blocker"
    assert conflict.evidence["method_handling_days"] == 1

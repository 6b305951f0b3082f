"""A conflict's message as stored: English in `message`, template and params in
`message_parts`, written by the engine (COPY on PostgreSQL, bulk_create elsewhere) and read
back in each reader's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from catalog.models import StockLevel
from promises.checks import engine
from promises.models import Conflict
from tests.factories import ConflictFactory

pytestmark = pytest.mark.django_db


def stock(world, units: int) -> None:
    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=units, available=units)


def found(world, rule: str) -> Conflict:
    return Conflict.objects.get(campaign=world.campaign, rule_code=rule)


def test_the_engine_stores_the_parts_and_either_language_reads_them(world):
    stock(world, 0)
    engine.run_checks(None)
    conflict = found(world, "STOCK_OUT")
    english = "SERUM-30 has nothing available to promise (0 units) and is not marked preorder."
    assert conflict.message == english
    assert conflict.message_parts["p"] == {"sku": "SERUM-30", "count": 0}
    with translation.override("en-us"):
        assert conflict.localized_message() == english
    with translation.override("fr"):
        assert conflict.localized_message() == (
            "SERUM-30 n\u2019a rien de disponible à promettre (0 unité) et n\u2019est pas "
            "marqué en précommande."
        )
        assert conflict.message == english  # the stored English is for API clients


def test_new_figures_rewrite_the_message_and_its_parts_and_say_so_once(world):
    stock(world, 15)  # 20 expected and reserved: 15 exist
    engine.run_checks(None)
    conflict = found(world, "STOCK_SHORT")
    assert "15 are available to it (20 reserved for it" in conflict.message
    stock(world, 12)
    engine.run_checks(None)
    conflict.refresh_from_db()
    assert "12 are available to it (20 reserved for it" in conflict.message
    assert conflict.message_parts["p"]["available"]["p"]["count"] == 12
    with translation.override("fr"):
        assert "12 lui sont disponibles (20 réservées pour elle" in conflict.localized_message()
    changed = conflict.events.get(kind="evidence_changed")
    assert "Was: " in changed.note and "15 are available" in changed.note

    engine.run_checks(None)  # the same figures again: nothing to write
    assert conflict.events.filter(kind="evidence_changed").count() == 1


def test_a_row_stored_before_messages_had_parts_reads_its_message_until_re_checked(world):
    legacy = ConflictFactory(message="SKU-9 is gone.", message_parts=None)
    with translation.override("fr"):
        assert legacy.localized_message() == "SKU-9 is gone."

    stock(world, 0)
    engine.run_checks(None)
    conflict = found(world, "STOCK_OUT")
    parts = conflict.message_parts
    Conflict.objects.filter(pk=conflict.pk).update(message_parts=None)  # as stored before
    conflict.refresh_from_db()
    with translation.override("fr"):
        assert conflict.localized_message() == conflict.message  # English, not an error
    # The next check of the campaign fills the parts in, without a line in the history.
    engine.run_checks([world.campaign.pk])
    conflict.refresh_from_db()
    assert conflict.message_parts == parts
    assert list(conflict.events.values_list("kind", flat=True)) == ["opened"]

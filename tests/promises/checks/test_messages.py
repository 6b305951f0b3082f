"""What the rules say, in each reader's language: every rule's message is a marked template
with named params, says the same English whoever runs the checks, and reads in French with
its figures in French style. Plain-value facts: no database (test_messages_stored.py stores
them)."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.extract import extract
from django.utils import translation

from promises.checks import messages
from promises.checks.messages import (
    AND,
    SEMICOLON,
    Day,
    Figure,
    Listing,
    Moment,
    Money,
    Say,
    from_json,
    localized,
    say,
)
from promises.checks.registry import RULES
from promises.checks.statements import STATEMENTS
from tests import i18n
from tests.promises.checks.builders import campaign, context, fired, item, sku
from tests.promises.checks.test_rules import CASES, _measured

E = Decimal
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
RULES_DIR = Path(messages.__file__).parent / "rules"


def every_finding() -> list:
    """A finding of every firing case of the rule tests (their scenarios, reused)."""
    found = []
    for code, cases in CASES.items():
        for _label, campaign_, ctx, fires in cases:
            if fires:
                found += fired(code, campaign_, ctx)
    stop_rule = [
        campaign(status="live", performance=_measured("150", 10, "100")),  # ROAS
        campaign(
            status="live",
            stop_min_roas=None,
            stop_max_cpa=E("20"),
            performance=_measured("1000", 4, "100"),
        ),  # CPA
        campaign(
            status="live",
            stop_min_roas=None,
            stop_max_cpa=E("100"),
            performance=_measured("0", 0, "100.01"),
        ),  # no order yet
    ]
    for campaign_ in stop_rule:
        found += fired("STOP_RULE_TRIPPED", campaign_, context())
    return found


FINDINGS = every_finding()


def said(finding) -> Say:
    return from_json(finding.parts)


def data_in(message: Say) -> list[str]:
    """The data a message quotes (codes, names, the copy's words): not the interface's."""
    found = []
    for part in message.templates():
        for value in part.params.values():
            values = value.items if isinstance(value, Listing) else (value,)
            found += [v for v in values if isinstance(v, str)]
    return found


def test_every_rule_is_said_by_some_scenario():
    assert {f.rule_code for f in FINDINGS} == set(RULES)


@pytest.mark.parametrize("finding", FINDINGS, ids=lambda f: f"{f.rule_code}:{f.scope}")
def test_every_message_reads_in_french_with_its_params(finding):
    message = said(finding)
    with translation.override("fr"):
        french = localized(finding.message, finding.parts)
    assert french != finding.message
    for text in data_in(message):
        assert text in french, (text, french)
    # What is left once the data is taken out is French.
    interface = french
    for text in sorted(data_in(message), key=len, reverse=True):
        interface = interface.replace(text, " ")
    assert not i18n.english_leftovers(f"<p>{interface}</p>"), french


@pytest.mark.parametrize("finding", FINDINGS, ids=lambda f: f"{f.rule_code}:{f.scope}")
def test_every_template_of_a_message_is_marked_and_translated(finding):
    """A template built at run time (an f-string) would be in no catalog: each piece of each
    message is a marked msgid with a French translation that keeps its placeholders."""
    french = {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in i18n.catalog()}
    for part in said(finding).templates():
        entry = french.get((None, part.template))
        assert entry is not None, f"not in the catalog: {part.template!r}"
        if part.plural:
            assert entry.id == (part.template, part.plural)
        forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        assert all(forms), part.template
        for form in forms:
            assert set(PLACEHOLDER.findall(form)) == set(PLACEHOLDER.findall(part.template))
        assert set(PLACEHOLDER.findall(part.template)) <= set(part.params), part.template


def test_every_template_the_rules_mark_has_french_with_the_same_placeholders():
    """Walking the rules' sources: each marked sentence (the ones no scenario above reaches
    too) has its French, with the same named placeholders in every form."""
    catalog = {(m.context, m.id): m for m in i18n.catalog()}
    sources = [*sorted(RULES_DIR.glob("*.py")), RULES_DIR.parent / "statements.py"]
    marked = 0
    for path in sources:
        for _line, message, _comments, context_ in extract(
            "python", io.BytesIO(path.read_bytes()), keywords=i18n.KEYWORDS
        ):
            marked += 1
            entry = catalog.get((context_ or None, message))
            assert entry is not None, f"{path.name}: {message!r} is not in the catalog"
            ids = message if isinstance(message, tuple) else (message,)
            forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            assert all(forms), f"{path.name}: {message!r} has no French"
            wanted = set(PLACEHOLDER.findall(ids[0]))
            for text in (*ids, *forms):
                assert set(PLACEHOLDER.findall(text)) == wanted, (message, text)
    assert marked > 80


@pytest.mark.parametrize("finding", FINDINGS, ids=lambda f: f"{f.rule_code}:{f.scope}")
def test_the_stored_parts_say_the_stored_english_and_are_json_native(finding):
    assert json.loads(json.dumps(finding.parts)) == finding.parts
    assert said(finding).english() == finding.message
    with translation.override("en-us"):
        assert localized(finding.message, finding.parts)  # renders; dates in words


def test_the_english_message_and_evidence_are_the_same_whoever_runs_the_checks():
    """A re-check triggered by a French user's edit must store what a sweep stores, or every
    conflict would flip between two wordings (and record an event each time)."""
    with translation.override("en-us"):
        english = [(f.message, f.evidence, f.parts) for f in every_finding()]
    with translation.override("fr"):
        french = [(f.message, f.evidence, f.parts) for f in every_finding()]
    assert french == english


def test_counts_take_the_plural_of_each_language():
    stock_out = fired(
        "STOCK_OUT",
        campaign(items=[item(reserved_units=0)]),
        context([sku(available=0, reserved_total=0)]),
    )[0]
    assert "(0 units)" in stock_out.message  # English: 0 is plural
    with translation.override("fr"):
        assert "(0 unité)" in localized(stock_out.message, stock_out.parts)  # French: singular

    def dispatch(days: int, handling: int):
        from tests.promises.checks.builders import claim, method

        [finding] = fired(
            "DISPATCH_CLAIM_UNSUPPORTED",
            campaign(claims=[claim("dispatch", days=days, text="vite")]),
            context(methods=[method(handling_days=handling)]),
        )
        return finding

    one = dispatch(1, 2)
    assert "dispatch in 1 day to FR" in one.message and "takes 2 days" in one.message
    with translation.override("fr"):
        assert "expédition en 1 jour vers FR" in localized(one.message, one.parts)
        assert "il faut 2 jours" in localized(one.message, one.parts)


def test_figures_money_and_dates_are_written_the_readers_way(settings):
    settings.TIME_ZONE = "Europe/Paris"
    message = say(
        "%(price)s, %(roas)s, %(units)s, %(day)s, %(at)s",
        price=Money(E("1234.50"), "EUR"),
        roas=Figure("1.50"),
        units=12000,
        day=Day(date(2026, 11, 23)),
        at=Moment(datetime(2026, 11, 23, 12, 0, tzinfo=UTC)),
    )
    assert message.english() == "€1,234.50, 1.50, 12000, 2026-11-23, 2026-11-23 12:00"
    with translation.override("fr"):
        # Babel's French: narrow no-break spaces between thousands, 13:00 in Paris.
        assert message.render() == (
            "1\u202f234,50\u00a0€, 1,50, 12\u202f000, 23 nov. 2026, 23 nov. 2026, 13:00"
        )
    assert from_json(json.loads(json.dumps(message.as_json()))) == message


def test_lists_are_joined_the_readers_way():
    clauses = Listing((say("it is inactive"), say("checkout does not know it")), SEMICOLON)
    both = Listing(("DE", "IT", "ES"), AND)
    assert clauses.text(False) == "it is inactive; checkout does not know it"
    assert both.text(False) == "DE and IT and ES"
    with translation.override("fr"):
        assert clauses.text(True) == "il est inactif\u00a0; le paiement ne le reconnaît pas"
        assert both.text(True) == "DE, IT et ES"


def test_a_counted_message_needs_its_count():
    from django.utils.translation import ngettext_lazy

    from promises.checks.rules.stock import UNITS

    with pytest.raises(TypeError):
        messages.counted(ngettext_lazy("%(count)s unit", "%(count)s units"))  # no count named
    with pytest.raises(TypeError):
        say(UNITS)
    with pytest.raises(TypeError):
        say(UNITS, count=True)


@pytest.mark.parametrize(
    "parts",
    [
        None,
        {},
        {"t": 3},
        {"p": {"sku": "SKU-1"}},
        {"t": "%(sku)s is gone", "p": {"sku": {"unknown": 1}}},
        {"t": "%(sku)s is gone", "p": {}},  # a param missing
        {"t": "%(n)s left", "p": {"n": {"money": "not a number", "currency": "EUR"}}},
    ],
)
def test_parts_that_cannot_be_read_fall_back_to_the_stored_message(parts):
    with translation.override("fr"):
        assert localized("SKU-1 is gone.", parts) == "SKU-1 is gone."


def test_a_template_the_catalog_does_not_know_reads_in_english_with_french_figures():
    """A message stored by a newer release (a template this catalog lacks) still reads."""
    message = say("%(sku)s sells %(units)s today", sku="SKU-1", units=1500)
    with translation.override("fr"):
        assert message.render() == "SKU-1 sells 1\u202f500 today"


def test_the_rules_statements_are_their_docstrings_in_the_readers_language():
    docstrings = {" ".join((rule.body.__doc__ or "").split()) for rule in RULES.values()}
    assert set(STATEMENTS) == docstrings
    stock_out = RULES["STOCK_OUT"]
    with translation.override("en-us"):
        assert stock_out.statement.startswith("A promoted SKU has nothing available to promise")
    with translation.override("fr"):
        assert stock_out.statement.startswith(
            "Un SKU promu n\u2019a rien de disponible à promettre"
        )
        for rule in RULES.values():
            assert not i18n.english_leftovers(f"<p>{rule.statement}</p>"), rule.code


def test_a_message_changes_when_only_a_param_does():
    """Re-found with new figures, a conflict's message and parts change (so the row does)."""
    base = campaign(items=[item(expected_units=120, reserved_units=0)])
    before = fired("STOCK_SHORT", base, context([sku(available=80, reserved_total=0)]))[0]
    after = fired("STOCK_SHORT", base, context([sku(available=90, reserved_total=0)]))[0]
    assert before.parts["t"] == after.parts["t"]
    assert before.parts != after.parts and before.message != after.message
    assert "80 are available" in before.message and "90 are available" in after.message


def test_a_moment_in_a_message_is_read_in_the_readers_time_zone(settings):
    from tests.promises.checks.builders import NOW, code

    ending = code(ends_at=NOW + timedelta(days=3))
    [finding] = fired(
        "PROMO_CODE_INVALID", campaign(promo_code="SUMMER20"), context(codes=[ending])
    )
    assert "it expires 2026-11-26 12:00, before the campaign ends" in finding.message
    settings.TIME_ZONE = "Europe/Paris"
    with translation.override("fr"):
        assert "il expire le 26 nov. 2026, 13:00" in localized(finding.message, finding.parts)

"""Sentences stored in a task and read later in each reader's language (common.texts)."""

from __future__ import annotations

import json

from django.utils import translation
from django.utils.translation import gettext_noop

from common.texts import Said, localize, localized, parts_of, said_by, say
from integrations.clients.http import ANSWERED, IntegrationError

NOT_PAUSED = gettext_noop("Not paused: %(why)s")
CAP = gettext_noop(
    "hourly cap: %(count)s pauses on %(connection)s in the last hour (at most %(cap)s)."
)


def test_a_sentence_is_english_as_text_and_the_readers_language_when_shown():
    said = say(ANSWERED, platform="Shopify", status=503)
    assert str(said) == "Shopify answered 503."
    stored = json.loads(json.dumps(said.parts))  # what a JSONField keeps
    with translation.override("fr"):
        assert said.localized() == "Shopify a répondu 503."
        assert localized(stored, str(said)) == "Shopify a répondu 503."
    with translation.override("en-us"):
        assert localized(stored, "") == "Shopify answered 503."


def test_a_sentence_quoting_another_renders_both_in_one_language():
    why = say(CAP, count=20, connection="Publicités Meta", cap=20)
    said = say(NOT_PAUSED, why=why)
    assert str(said) == (
        "Not paused: hourly cap: 20 pauses on Publicités Meta in the last hour (at most 20)."
    )
    with translation.override("fr"):
        assert localized(json.loads(json.dumps(said.parts)), "") == (
            "Pas mise en pause : plafond horaire : 20 pauses sur Publicités Meta dans la "
            "dernière heure (au plus 20)."
        )


def test_old_rows_and_broken_parts_show_what_was_stored():
    assert localized({}, "Stored before parts existed.") == "Stored before parts existed."
    assert localized(None, "Stored.") == "Stored."
    broken = {"template": ANSWERED, "params": {"platform": "Shopify"}}  # a value lost
    assert localized(broken, "Shopify answered 503.") == "Shopify answered 503."


def test_an_exception_carries_its_sentence():
    error = IntegrationError(say(ANSWERED, platform="Meta", status=500))
    assert str(error) == "Meta answered 500."
    assert isinstance(said_by(error), Said)
    assert parts_of(error) == {"template": ANSWERED, "params": {"platform": "Meta", "status": 500}}
    plain = IntegrationError("Refused by the platform: quota")
    assert said_by(plain) == "Refused by the platform: quota" and parts_of(plain) == {}
    with translation.override("fr"):
        assert localize(said_by(error)) == "Meta a répondu 500."
        assert localize(said_by(plain)) == "Refused by the platform: quota"

"""What the checks say, on the conflict page and in the queue, for a reader of French: real
conflicts the engine found on a small store, their messages, the rule's statement and the
evidence in French, numbers, money and dates in French style; English for an English reader.

The rest of these pages (headings, buttons, filters) is the promises pages' own translation
(tests/promises/test_french.py); here each page is checked where it prints what the engine
said: the message, the rule's statement and the evidence table.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import StockLevel
from common.i18n import set_preferred_language
from promises import triggers
from promises.checks.engine import run_checks
from promises.models import Conflict
from tests import i18n
from tests.factories import CampaignClaimFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("promises:conflict-list")
# Each rule the store breaks, and words its French message must say.
FRENCH = {
    "STOCK_OUT": "SERUM-30 n\u2019a rien de disponible à promettre (0 unité)",
    "PRICE_MISMATCH": "SERUM-30 est annoncé à 19,99\u00a0€\u00a0; la boutique le vend à "
    "24,99\u00a0€.",
    "DELIVERY_CLAIM_UNSUPPORTED": "promet une livraison en 1 jour vers FR\u00a0; Colissimo met "
    "jusqu\u2019à 3 jours.",
    "PROMO_CODE_INVALID": "Code PRINTEMPS\u00a0: le paiement ne le reconnaît pas.",
    "RETURN_CLAIM_EXCEEDS_POLICY": "60 jours annoncés, la politique en accorde 30",
    "CHANNEL_GOVERNANCE_INCOMPLETE": "Rien n\u2019est défini par écrit pour Instagram\u00a0: "
    "responsable du calendrier.",
}


@pytest.fixture
def broken(world):
    """The world's campaign, sold out and promising what operations cannot keep."""
    with triggers.suspended():
        StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=0, available=0)
        world.campaign.name = "Éclat de printemps"
        world.campaign.promo_code = "PRINTEMPS"
        world.campaign.save()
        world.item.announced_price = Decimal("19.99")
        world.item.save()
        world.channel.calendar_owner = None
        world.channel.save()
        CampaignClaimFactory(
            campaign=world.campaign, source="entered", kind="delivery", days=1, text="Sous 24h"
        )
        CampaignClaimFactory(
            campaign=world.campaign, source="entered", kind="returns", days=60, text="60 jours"
        )
    run_checks(None)
    found = {c.rule_code: c for c in Conflict.objects.filter(campaign=world.campaign)}
    assert set(FRENCH) <= set(found), sorted(found)
    return found


@pytest.fixture
def french_ops(login, ops_user):
    set_preferred_language(ops_user, "fr")
    return login(ops_user)


def what_the_checks_say(html: str) -> str:
    """The parts of a conflict page that print what the engine said."""
    heading = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
    heading = re.sub(r'<span class="badge[^"]*">.*?</span>', "", heading)  # the severity
    statement = re.search(r'<h2 id="what">.*?</h2>\s*<p>(.*?)</p>', html, re.S).group(1)
    evidence = re.search(r'<table class="evidence">.*?</table>', html, re.S).group(0)
    return f"<h1>{heading}</h1><p>{statement}</p>{evidence}"


@pytest.mark.parametrize("rule", sorted(FRENCH))
def test_the_conflict_page_says_it_in_french(broken, french_ops, rule):
    page = french_ops.get(reverse("promises:conflict-detail", args=[broken[rule].pk]))
    assert page.status_code == 200 and page.headers["Content-Language"] == "fr"
    said = what_the_checks_say(page.content.decode())
    i18n.assert_french(said)
    assert FRENCH[rule] in said.replace("&nbsp;", "\u00a0")


def test_the_evidence_reads_in_french_words_and_figures(broken, french_ops):
    page = french_ops.get(reverse("promises:conflict-detail", args=[broken["STOCK_OUT"].pk]))
    evidence = what_the_checks_say(page.content.decode())
    rows = dict(re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', evidence))
    assert rows["Disponible à promettre"] == "0"
    assert rows["Unités prévues"] == "20"
    assert rows["SKU"] == "SERUM-30"

    price = french_ops.get(
        reverse("promises:conflict-detail", args=[broken["PRICE_MISMATCH"].pk])
    ).content.decode()
    rows = dict(re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', price))
    assert rows["Prix annoncé"] == "19,99\u00a0€"  # with its currency: no currency row
    assert "Devise annoncée" not in rows

    code = french_ops.get(
        reverse("promises:conflict-detail", args=[broken["PROMO_CODE_INVALID"].pk])
    ).content.decode()
    rows = dict(re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', code))
    assert rows["Problèmes"] == "le paiement ne le reconnaît pas"  # said in the message too
    assert rows["Code promo"] == "PRINTEMPS"


def test_the_queue_says_each_conflict_in_french(broken, french_ops):
    page = french_ops.get(QUEUE).content.decode()
    cells = re.findall(r'<td class="message" data-label="[^"]*">(.*?)</td>', page, re.S)
    assert len(cells) == len(broken)
    i18n.assert_french("".join(f"<p>{cell}</p>" for cell in cells))
    shown = " ".join(cells).replace("&nbsp;", "\u00a0")
    for words in FRENCH.values():
        assert words[:40] in shown, words


def test_an_english_reader_reads_the_same_conflicts_in_english(broken, login, ops_user):
    client = login(ops_user)
    page = client.get(QUEUE, HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert "SERUM-30 has nothing available to promise (0 units)" in page
    detail = client.get(
        reverse("promises:conflict-detail", args=[broken["PRICE_MISMATCH"].pk]),
        HTTP_ACCEPT_LANGUAGE="en-US",
    ).content.decode()
    assert "SERUM-30 is announced at €19.99; the store sells it at €24.99." in detail
    assert '<th scope="row">Announced</th><td>€19.99</td>' in detail

"""The live verdict while typing, for a marketer who reads French: the findings the preview
shows are said in French, from the same rules and parts the stored conflicts use.

(The rest of the preview, its headings and hints, is the campaign pages' translation.)"""

from __future__ import annotations

import re

import pytest

from common.i18n import set_preferred_language
from tests import i18n
from tests.campaigns.test_views import PREVIEW, form_data
from tests.factories import CheckoutCountryFactory, ShippingMethodFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def slow_country(world):
    """Belgium, reachable only by a 5-day method."""
    ShippingMethodFactory(name="Bpost", countries=["BE"], min_days=5, max_days=5)
    CheckoutCountryFactory(country="BE")
    return "BE"


def findings(html: str) -> list[str]:
    """The verdict's findings, without their severity badge and rule code."""
    listed = re.search(r'<ul class="findings">(.*?)</ul>', html, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", listed, re.S)
    return [
        re.sub(r"<span class=\"badge[^\"]*\">.*?</span>|<code>.*?</code>", "", i) for i in items
    ]


def test_the_live_verdict_speaks_french(login, marketing_user, world, slow_country):
    set_preferred_language(marketing_user, "fr")
    data = form_data(
        world,
        name="Éclat d\u2019été",
        caption="Livraison en 48h partout en Belgique !",
        target_countries=[slow_country],
        **{"items-0-announced_price": "19.99"},
    )
    response = login(marketing_user).post(PREVIEW, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    said = findings(response.content.decode())
    assert len(said) == len(response.context["verdict"].conflicts) >= 2
    i18n.assert_french("".join(f"<p>{s}</p>" for s in said))
    text = " ".join(said)
    assert (
        "«\u00a048h\u00a0» promet une livraison en 2 jours vers BE\u00a0; Bpost met "
        "jusqu\u2019à 5 jours." in text
    )
    assert "SERUM-30 est annoncé à 19,99\u00a0€\u00a0; la boutique le vend à 24,99\u00a0€." in text


def test_the_same_verdict_in_english_for_an_english_reader(
    login, marketing_user, world, slow_country
):
    data = form_data(
        world, caption="Livraison en 48h partout en Belgique !", target_countries=[slow_country]
    )
    response = login(marketing_user).post(
        PREVIEW, data, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en-US"
    )
    [said] = findings(response.content.decode())
    assert '"48h" promises 2 days to BE; Bpost takes up to 5 days.' in said.replace("&quot;", '"')

"""A conflict's message through the API: `message` in English for every caller (scripts
compare it), `message_localized` in the caller's language, as the pages say it."""

from __future__ import annotations

import pytest

from catalog.models import StockLevel
from promises.checks.engine import run_checks
from promises.models import Conflict

pytestmark = pytest.mark.django_db

ENGLISH = "SERUM-30 has nothing available to promise (0 units) and is not marked preorder."
FRENCH = (
    "SERUM-30 n\u2019a rien de disponible à promettre (0 unité) et n\u2019est pas marqué en "
    "précommande."
)


@pytest.fixture
def stock_out(world) -> Conflict:
    StockLevel.objects.filter(pk=world.stock.pk).update(on_hand=0, available=0)
    run_checks([world.campaign.pk])
    return Conflict.objects.get(rule_code="STOCK_OUT")


def test_the_message_stays_english_and_is_also_said_in_the_callers_language(
    api, stock_out, ops_user
):
    url = f"/api/conflicts/{stock_out.pk}/"
    english = api(ops_user).get(url, HTTP_ACCEPT_LANGUAGE="en-US").json()
    assert english["message"] == english["message_localized"] == ENGLISH

    french = api(ops_user).get(url, HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").json()
    assert (french["message"], french["message_localized"]) == (ENGLISH, FRENCH)

    listed = api(ops_user).get("/api/conflicts/", HTTP_ACCEPT_LANGUAGE="fr").json()["results"]
    assert [(c["message"], c["message_localized"]) for c in listed] == [(ENGLISH, FRENCH)]


def test_a_refused_schedule_names_its_blockers_in_both(api, stock_out, marketing_user):
    response = api(marketing_user).post(
        f"/api/campaigns/{stock_out.campaign_id}/status/",
        {"status": "live"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 409
    [blocker] = response.json()["blockers"]
    assert (blocker["rule_code"], blocker["message"]) == ("STOCK_OUT", ENGLISH)
    assert blocker["message_localized"] == FRENCH

"""The exec pages in French: the scorecard (tiles, changes, the unattributed row, the table,
its htmx refresh and its extra columns), a channel's KPI page, the period picker with its
errors, for each role that reads them; and the same figures in English for an English reader.

The data is the brand's, so it is French or neutral: channel names ("Boutique TikTok"), the
platform's attribution window ("7 j clic"). The pages are checked without the shared shell
(`tests.i18n.page_content`): the navigation is the shell's, and its tests check it.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from babel.dates import format_skeleton
from django.urls import reverse
from django.utils import timezone

from campaigns.choices import Network
from common.i18n import set_preferred_language
from tests import i18n
from tests.factories import (
    CampaignFactory,
    ChannelFactory,
    ChannelMetricFactory,
    ConflictFactory,
    OrderFactory,
    SurveyResponseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("insights:channel-list")
# Babel's French: a narrow no-break space groups thousands, a no-break space before the sign.
NNBSP, NBSP = "\u202f", "\u00a0"


def detail(channel) -> str:
    return reverse("insights:channel-detail", args=[channel.pk])


@pytest.fixture
def store(db):
    """Two channels over two periods of 30 days (so every tile has a change), an order no
    channel is credited with, open conflicts, survey answers, a governance gap."""
    now = timezone.now()
    before = now - timedelta(days=35)
    owner = UserFactory(username="camille", first_name="Camille", last_name="Martin")
    tiktok = ChannelFactory(
        name="Boutique TikTok",
        network=Network.TIKTOK,
        calendar_owner=owner,
        creative_budget_monthly=D("1500"),
        response_time_commitment_hours=4,
        attribution_window_days=7,
        conversion_definition="Achat confirmé",
        pixel_configured=True,
    )
    instagram = ChannelFactory(name="Reels Instagram", network=Network.INSTAGRAM)
    # This period: 1,200 net on TikTok (against 1,000 before: +20 %), 300 on Instagram.
    OrderFactory(channel=tiktok, gross=D("1250"), discounts=D("50"))
    OrderFactory(channel=tiktok, gross=D("1000"), placed_at=before, is_new_customer=False)
    OrderFactory(channel=instagram, gross=D("300"), refunded=D("0"))
    OrderFactory(channel=instagram, gross=D("400"), placed_at=before)
    OrderFactory(channel=None, gross=D("500"))  # unattributed
    for channel, spend, previous in ((tiktok, "400", "250"), (instagram, "150", "200")):
        ChannelMetricFactory(
            channel=channel,
            spend=D(spend),
            platform_revenue=D("1600"),
            sessions=12000,
            add_to_carts=600,
            qualified_add_to_carts=240,
            attribution_window="7 j clic",
        )
        ChannelMetricFactory(
            channel=channel, spend=D(previous), date=timezone.localdate(before), sessions=9000
        )
    live = CampaignFactory(channel=tiktok, status="live", name="Soldes d’été")
    ConflictFactory(campaign=live, message="Plus rien à promettre.")
    ConflictFactory(campaign=live, severity="warning", message="Stock juste.")
    SurveyResponseFactory(channel=tiktok, answer="Sur TikTok")
    SurveyResponseFactory(channel=instagram, answer="Une amie sur Instagram")
    return {"tiktok": tiktok, "instagram": instagram}


def french(login, user):
    set_preferred_language(user, "fr")
    return login(user)


@pytest.mark.parametrize("role", ["exec_user", "ops_user", "admin_user", "marketing_user"])
def test_the_scorecard_reads_in_french_for_every_role(request, login, role, store):
    page = french(login, request.getfixturevalue(role)).get(LIST)
    assert page.status_code == 200 and page.headers["Content-Language"] == "fr"
    i18n.assert_french(i18n.page_content(page))
    content = page.content.decode()
    for text in (
        "Tableau de bord des canaux",
        "Chiffre d’affaires net",
        "Marge après retours",
        "Bloquants ouverts",
        "Commandes non attribuées",
        "Toutes les commandes",
        "Plus de colonnes",
        # The tile's change, against the 30 days before, in French figures.
        "+20,0 %",
        f"contre 1{NNBSP}400{NBSP}€ sur les 30 jours précédents",
        # The badge of a channel with a blocker, and one with a governance gap.
        "2 ouverts · 1 bloquant",
        "4 manquants",
        f"1{NNBSP}200{NBSP}€",
    ):
        assert text in content, text
    # The gap names are the page's words, not the codes the CSV keeps.
    assert "Manquant : responsable du calendrier, budget créatif" in content
    assert "Manquant : synchronisation du catalogue" in content


def test_the_scorecard_extra_columns_and_its_htmx_refresh_are_french(login, exec_user, store):
    client = french(login, exec_user)
    page = client.get(LIST, {"columns": "all"})
    i18n.assert_french(i18n.page_content(page))
    content = page.content.decode()
    assert "ROAS plateforme" in content and "Ajouts qualifiés" in content
    assert "Moins de colonnes" in content and "7 j clic" in content
    # Sorting through htmx swaps the results only: the partial is French too.
    partial = client.get(LIST, {"sort": "-spend"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    html = partial.content.decode()
    assert "<main" not in html
    i18n.assert_french(html)
    assert "triés par Dépenses" in html


def test_a_channel_page_reads_in_french(login, exec_user, store):
    page = french(login, exec_user).get(detail(store["tiktok"]))
    assert page.status_code == 200
    i18n.assert_french(i18n.page_content(page))
    content = page.content.decode()
    for text in (
        "La période en chiffres",
        f"contre 1{NNBSP}000{NBSP}€ sur les 30 jours précédents",
        "Tendances, par jour",
        "ROAS, attribué par la boutique",
        "Panier moyen",
        "Taux de retour",
        "Part du chiffre d’affaires et concentration",
        "Enquête après achat",
        "Liste de contrôle de la gouvernance",
        "Responsable du calendrier",
        "Camille Martin",
        f"1{NNBSP}500{NBSP}€ par mois",
        "4 h pour les commentaires urgents",
        "7 jours",
        "attribution de la plateforme : 7 j clic",
        "Tableau des données",
        "<strong>2</strong> conflits ouverts",
        "<strong>1</strong> bloquant parmi eux",
        "Flux catalogue",
    ):
        assert text in content, text
    # The charts' axes and tables: French dates and figures.
    chart = page.context["charts"][0]
    assert chart.x_labels[-1] == format_skeleton("MMMd", timezone.localdate(), locale="fr")
    assert chart.title == "Boutique TikTok : chiffre d’affaires net et dépenses par jour"
    assert chart.series[0].label == "Chiffre d’affaires net"


def test_a_channel_with_gaps_and_a_long_period_reads_in_french(login, ops_user, store):
    page = french(login, ops_user).get(detail(store["instagram"]), {"period": "90"})
    i18n.assert_french(i18n.page_content(page))
    content = page.content.decode()
    assert "✗ manquant" in content and "personne de désigné" in content
    assert "non consigné" in content and "non renseigné" in content


def test_the_period_picker_says_its_errors_in_french(login, exec_user, store):
    today = timezone.localdate()
    page = french(login, exec_user).get(
        LIST, {"period": "custom", "start": str(today), "end": str(today - timedelta(days=3))}
    )
    assert page.status_code == 200
    i18n.assert_french(i18n.page_content(page))
    content = page.content.decode()
    assert "Le dernier jour doit être le premier jour ou après." in content
    assert "les 30 derniers jours, jusqu’à ce que les dates soient corrigées" in content
    assert "7 derniers jours" in content and "Personnalisée" in content
    # A period too long, and the preset's own sentence.
    long = french(login, exec_user).get(
        LIST, {"start": str(today - timedelta(days=400)), "end": str(today)}
    )
    assert "Choisissez au plus 366 jours." in long.content.decode()


def test_an_english_reader_gets_the_same_page_in_english(login, exec_user, store):
    page = login(exec_user).get(LIST, HTTP_ACCEPT_LANGUAGE="en-US")
    content = page.content.decode()
    assert page.headers["Content-Language"] == "en-us"
    assert "Channel scorecard" in content and "Unattributed orders" in content
    assert "vs €1,400 in the previous 30 days" in content and "+20.0 %" in content
    assert "Tableau de bord" not in content
    # The check the French pages pass would catch these English words.
    assert "Unattributed orders" in " ".join(i18n.english_leftovers(i18n.page_content(page)))

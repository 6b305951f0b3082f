"""The campaign pages in French: the list and its filters, a campaign in each status, the form
(new, edit, refused, with its hint), the live preview, the calendar, the status messages.

Each page goes through `tests.i18n.assert_french` (what this branch translates: see
`tests.campaigns.french.NOT_YET_TRANSLATED_HERE`) and a few exact French strings. The engine's
own words (rule statements, conflict messages, evidence) are English until the "messages"
branch: the pages here print stored conflicts written in French, and the live preview is
asserted on data it judges clean (no finding to print).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from promises.models import Conflict
from tests import i18n
from tests.campaigns.french import FrenchStore, french, mine, without
from tests.factories import (
    CampaignFactory,
    CampaignItemFactory,
    ChannelFactory,
    ConflictFactory,
    ProductFactory,
    SKUFactory,
    StockLevelFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("campaigns:list")
TIMELINE = reverse("campaigns:timeline")
CREATE = reverse("campaigns:create")


@pytest.fixture
def store(marketing_user):
    return FrenchStore(marketing_user)


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "fr"
    i18n.assert_french(mine(response))
    return response.content.decode()


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


# --- The checker's help, which must not hide what it should check ---------------------------


def test_mine_leaves_out_only_the_parts_other_branches_translate():
    html = (
        '<header class="topbar"><a>Campaigns</a></header><main><h1>Campagnes</h1>'
        '<table class="checklist"><tr><td><code>STOCK_OUT</code><p class="muted small">'
        'A promoted SKU has nothing</p></td><td><p class="small">Left alone</p></td></tr></table>'
        '<span class="badge ready">Ready</span><input name="q" placeholder="Search…"></main>'
    )
    kept = without(html, ["header.topbar", "table.checklist .small", "input[name=q]"])
    assert "Campaigns" not in kept and "A promoted SKU" not in kept and "Search" not in kept
    # A descendant selector picks inside its ancestor only; the rest stays to be judged.
    assert "<h1>Campagnes</h1>" in kept and "STOCK_OUT" in kept
    assert i18n.english_leftovers(kept) == ["Ready"]


def test_the_checks_read_past_codes_and_attributes_but_not_words():
    # A rule code reads the same in every language; an English sentence beside it does not.
    assert i18n.english_leftovers("<p><code>STOCK_OUT</code> Rupture</p>") == []
    assert i18n.english_leftovers("<p><code>STOCK_OUT</code> Out of stock</p>") == ["Out of stock"]
    # An attribute a block writes into its parent's tag is not a word anyone reads.
    source = '{% block main_class %} class="wide"{% endblock %}<p>Left</p>'
    assert i18n.template_literals(source) == ["Left"]


# --- The list ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["marketing_user", "ops_user", "exec_user"])
def test_the_campaign_list_in_french(request, login, store, role):
    client = login(french(request.getfixturevalue(role)))
    content = page(client, LIST)
    assert "<h1>Campagnes</h1>" in content
    assert ">Calendrier</a>" in content
    assert ("Nouvelle campagne" in content) == (role == "marketing_user")
    assert '<th scope="col">Préparation</th>' in content and '<th scope="col">Canal</th>' in content
    assert ">Brouillon, non vérifié<" in content and ">Terminée<" in content
    assert "Campagnes, triées par Début, ordre décroissant" in content
    # The filter bar's own fields.
    assert ">Débute à partir du</label>" in content and ">Réseau du canal</label>" in content
    assert ">En relecture</option>" in content and ">Vidéo courte</option>" in content


def test_the_campaign_list_filtered_and_empty_in_french(login, marketing_user, store):
    client = login(french(marketing_user))
    content = page(client, LIST, status=["scheduled", "live"], sort="name")
    assert "Printemps 3" in content and "Printemps 4" in content and "Printemps 1" not in content
    assert ">Programmée</td>" in content and ">En ligne</td>" in content
    assert "Campagnes, triées par Nom" in content and "ordre décroissant" not in content
    # The results the filter bar asks for (htmx), and a filter nobody matches.
    partial = client.get(
        LIST, {"q": "introuvable"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    i18n.assert_french(mine(partial))
    assert "Aucune campagne ne correspond à ces filtres." in partial.content.decode()
    # A bad filter value is said in French, next to its field (Django's own catalog).
    refused = page(client, LIST, starts_after="pas une date")
    assert "Saisissez une date valide." in refused


def test_the_filter_labels_follow_each_readers_language(login, marketing_user, ops_user, store):
    """django-filter keeps a label it built from a model field's verbose name on the filter:
    the API schema, built from the same FilterSet, would fix it in the first reader's language
    for every page after. Every label is given, lazily."""
    english = login(ops_user)
    in_french = login(french(marketing_user))
    assert english.get(reverse("api-schema")).status_code == 200
    for client, labels in (
        (english, (">Status</label>", ">Channel</label>", ">Owner</label>", ">Format</label>")),
        (in_french, (">Statut</label>", ">Canal</label>", ">Responsable</label>")),
        (english, (">Status</label>", ">Channel</label>")),
    ):
        content = client.get(LIST).content.decode()
        for label in labels:
            assert label in content, label


# --- A campaign's page, in each status -----------------------------------------------------

STATUS_TEXTS = {
    "draft": [
        "Les brouillons ne sont pas vérifiés. S’il était soumis maintenant, les vérifications",
        "Un brouillon ne peut pas être programmé directement : soumettez-le d’abord à la"
        " relecture, puis programmez-le.",
        ">Soumettre à la relecture</button>",
        ">Terminer</button>",
    ],
    "in_review": [">Repasser en brouillon</button>", ">Programmer</button>"],
    "scheduled": [
        "Elle ne peut être ni programmée ni mise en ligne tant qu’ils ne sont pas corrigés",
        ">Mettre en ligne</button>",
        '<span class="overdue">En retard · ',
        "Ouvrez un conflit pour voir son historique ou demander une levée aux opérations.",
    ],
    "live": ["Levé jusqu’au ", ": Colissimo Pro en renfort", ">Mettre en pause</button>"],
    "paused": [">Mettre en ligne</button>", "Aucun conflit ouvert, pris en compte ou levé."],
    "ended": ["Cette campagne est terminée : les vérifications ne la regardent plus."],
}


@pytest.mark.parametrize("status", list(STATUS_TEXTS))
def test_a_campaign_page_in_each_status(login, marketing_user, store, status):
    campaign = store.campaigns[status]
    content = page(login(french(marketing_user)), reverse("campaigns:detail", args=[campaign.pk]))
    for text in STATUS_TEXTS[status]:
        assert text in content, text
    assert ">Texte et promesses</h2>" in content and ">Liste de contrôle" in content
    assert "<dt>Pays</dt><dd>Belgique, France</dd>" in content
    assert "1\u202f500,00\xa0€" in content  # the budget, as French writes money
    assert "retours 30 jours — 30 jours" in content and "(saisie)" in content
    assert '<th scope="col" class="num">Disponible à promettre</th>' in content
    assert "règles n’ont rien trouvé d’anormal" in content


@pytest.mark.parametrize("role", ["ops_user", "exec_user"])
def test_other_roles_read_a_campaign_page_in_french(request, login, store, role):
    client = login(french(request.getfixturevalue(role)))
    content = page(client, reverse("campaigns:detail", args=[store.blocked.pk]))
    assert ">Modifier</a>" not in content and "Changer de statut" not in content
    assert ("Revérifier maintenant" in content) == (role == "ops_user")
    assert "<strong>1</strong> blocage," in content
    assert "<strong>1</strong> alerte en cours." in content


def test_a_synced_campaign_says_where_to_edit_it_in_french(login, marketing_user, store):
    campaign = store.campaigns["live"]
    Campaign.objects.filter(pk=campaign.pk).update(synced_from="Meta")
    content = page(login(french(marketing_user)), reverse("campaigns:edit", args=[campaign.pk]))
    assert "Synchronisée depuis Meta : son nom, ses dates, ses pays" in content
    assert "Synchronisé depuis Meta ; modifiez-le là-bas." in content  # a locked field's help


# --- The form, new and edited --------------------------------------------------------------


def form_data(store, **overrides) -> dict:
    starts = timezone.now() + timedelta(days=3)
    data = {
        "name": "Été éclatant",
        "channel": store.instagram.pk,
        "format": "short_video",
        "objective": "performance",
        "starts_at": _local(starts),
        "ends_at": _local(starts + timedelta(days=14)),
        "target_countries": ["FR"],
        "checkout_path": "site",
        "currency": "EUR",
        "caption": "Livré en 3 jours.",
        "script": "",
        "cites_stock": "on",
        "stop_min_roas": "2",
        "qualified_basket_threshold": "40",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-sku": store.serum.pk,
        "items-0-announced_price": "24.99",
        "items-0-currency": "EUR",
        "items-0-expected_units": "10",
        "items-0-reserved_units": "10",
        "claims-TOTAL_FORMS": "0",
        "claims-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_the_new_campaign_form_in_french_with_its_hint(login, marketing_user, store):
    content = page(login(french(marketing_user)), CREATE)
    assert "<title>Nouvelle campagne · SocialOps</title>" in content
    assert (
        "<strong>L’enregistrement la laisse en brouillon.</strong> Pour la programmer," in content
    )
    assert '>Canal <span class="muted">(obligatoire)</span></label>' in content
    assert ">Pays ciblés</label>" in content and ">Afrique du Sud</option>" in content
    assert "Saisissez le nom d’un pays pour l’ajouter" in content
    assert ">Prix annoncé</label>" in content and "+ Ajouter un SKU</button>" in content
    assert "SERUM-30 · Sérum éclat" in content
    assert ">Enregistrer la campagne</button>" in content and ">Annuler</a>" in content


def test_a_refused_form_says_what_to_fix_in_french(login, marketing_user, store):
    client = login(french(marketing_user))
    starts = timezone.now() + timedelta(days=3)
    data = form_data(
        store,
        name="",
        ends_at=_local(starts - timedelta(days=1)),
        is_paid_partnership="on",
        budget="-5",
    )
    response = client.post(CREATE, data)
    assert response.status_code == 400
    content = response.content.decode()
    i18n.assert_french(mine(response))
    assert "Certains champs demandent votre attention : voyez les messages à côté." in content
    assert "La campagne doit se terminer après son début." in content
    assert "Un partenariat rémunéré doit indiquer comment il est signalé." in content
    assert "Ce champ est obligatoire." in content  # Django's own French
    assert not Campaign.objects.filter(name="").exists()


def test_add_a_row_without_javascript_stays_in_french(login, marketing_user, store):
    client = login(french(marketing_user))
    response = client.post(CREATE, form_data(store, more_rows="claims"))
    assert response.status_code == 200
    i18n.assert_french(mine(response))
    assert "claims-0-kind" in response.content.decode()


def test_saving_and_editing_a_campaign_in_french(login, marketing_user, store):
    client = login(french(marketing_user))
    saved = client.post(CREATE, form_data(store), follow=True)
    campaign = Campaign.objects.get(name="Été éclatant")
    assert saved.redirect_chain[-1][0] == reverse("campaigns:detail", args=[campaign.pk])
    content = saved.content.decode()
    i18n.assert_french(mine(saved))
    assert "Été éclatant enregistrée." in content
    edit = page(client, reverse("campaigns:edit", args=[campaign.pk]))
    assert "<h1>Modifier Été éclatant</h1>" in edit
    assert "L’enregistrement la laisse en brouillon." in edit  # still a draft
    scheduled = page(client, reverse("campaigns:edit", args=[store.blocked.pk]))
    assert "L’enregistrement la laisse en brouillon." not in scheduled


# --- The live preview ----------------------------------------------------------------------


@pytest.fixture
def clean(store):
    """A product of its own, plenty of stock, no other campaign: the preview finds nothing."""
    sku = SKUFactory(
        code="BAUME-10",
        price=Decimal("12.00"),
        product=ProductFactory(handle="baume", title="Baume lèvres"),
    )
    StockLevelFactory(sku=sku, location=store.entrepot, on_hand=500, available=500)
    return sku


def test_the_live_preview_of_a_clean_campaign_in_french(login, marketing_user, store, clean):
    client = login(french(marketing_user))
    data = form_data(store, **{"items-0-sku": clean.pk, "items-0-announced_price": "12.00"})
    response = client.post(reverse("campaigns:preview"), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert '<ul class="findings">' not in content, content  # nothing English to print
    i18n.assert_french(content)
    assert "<h3>Promesses du texte</h3>" in content
    assert '<span class="badge neutral">Délai de livraison</span> “3 jours” — 3 jours' in content
    assert '<span class="badge ready">Prête</span>' in content
    assert "0 bloquant, 0 alerte" in content
    assert "Toutes les règles sont respectées." in content
    assert "Rien n’est enregistré tant que vous n’appuyez pas sur Enregistrer." in content


def test_the_live_preview_of_an_unfinished_form_in_french(login, marketing_user, store):
    client = login(french(marketing_user))
    response = client.post(
        reverse("campaigns:preview"), form_data(store, name="", caption="Code PRINTEMPS20")
    )
    content = response.content.decode()
    i18n.assert_french(content)
    assert "Corrigez les champs signalés dans le formulaire" in content
    assert (
        '<span class="badge neutral">Code promo</span> “Code PRINTEMPS20” — code PRINTEMPS20'
        in (content)
    )


# --- Status changes and re-checks ----------------------------------------------------------


def test_status_messages_in_french(login, marketing_user, store):
    client = login(french(marketing_user))
    draft = store.campaigns["draft"]
    moved = client.post(
        reverse("campaigns:status", args=[draft.pk]), {"status": "in_review"}, follow=True
    )
    i18n.assert_french(mine(moved))
    assert "Printemps 1 est maintenant « en relecture »." in moved.content.decode()

    ended = store.campaigns["ended"]
    refused = client.post(
        reverse("campaigns:status", args=[ended.pk]), {"status": "paused"}, follow=True
    )
    i18n.assert_french(mine(refused))
    assert (
        "Une campagne ne peut pas passer de « terminée » à « en pause »."
        in refused.content.decode()
    )

    unknown = client.post(
        reverse("campaigns:status", args=[draft.pk]), {"status": "nowhere"}, follow=True
    )
    assert "Choisissez le statut vers lequel faire passer la campagne." in (
        unknown.content.decode()
    )


def test_a_refused_schedule_is_one_french_banner(login, marketing_user, store):
    """The engine finds the store's real blockers (CREME-50 is overbooked) and refuses."""
    client = login(french(marketing_user))
    campaign = store.campaigns["in_review"]
    response = client.post(
        reverse("campaigns:status", args=[campaign.pk]), {"status": "scheduled"}, follow=True
    )
    content = response.content.decode()
    i18n.assert_french(mine(response))
    blockers = Conflict.objects.blockers().filter(campaign=campaign).count()
    assert blockers >= 1
    expected = (
        f"Impossible de programmer Printemps 2 : {blockers} blocage doit d’abord être corrigé"
        if blockers == 1
        else f"Impossible de programmer Printemps 2 : {blockers} blocages doivent d’abord être"
    )
    assert expected in content
    assert content.count('class="messages"') == 1


def test_a_recheck_says_what_it_found_in_french(login, ops_user, store):
    client = login(french(ops_user))
    checked = client.post(reverse("campaigns:recheck", args=[store.blocked.pk]), follow=True)
    i18n.assert_french(mine(checked))
    assert "Vérifiée : " in checked.content.decode() and " résolus." in checked.content.decode()
    draft = client.post(
        reverse("campaigns:recheck", args=[store.campaigns["draft"].pk]), follow=True
    )
    assert "Les brouillons et les campagnes terminées ne sont pas vérifiés." in (
        draft.content.decode()
    )


# --- The calendar --------------------------------------------------------------------------


def test_the_calendar_in_french_by_channel_and_by_sku(login, marketing_user, store):
    client = login(french(marketing_user))
    start = timezone.localdate().isoformat()
    by_channel = page(client, TIMELINE, start=start)
    assert "<h1>Calendrier des campagnes</h1>" in by_channel
    assert "(six semaines). Les campagnes qui poussent le même SKU" in by_channel
    assert "campagnes sur cette période, dont <strong>" in by_channel
    assert "en chevauchement sur un SKU." in by_channel
    assert "✕ Bloquée" in by_channel and "✓ Prête" in by_channel
    assert "Campagnes de la période, par canal" in by_channel
    assert '<span class="overlap-mark">chevauchement</span>' in by_channel
    assert "6 semaines suivantes →" in by_channel and ">Par SKU</option>" in by_channel
    by_sku = page(client, TIMELINE, start=start, by="sku")
    assert "Campagnes de la période, par SKU" in by_sku


def test_an_empty_calendar_in_french(login, exec_user, store):
    client = login(french(exec_user))
    later = (timezone.localdate() + timedelta(days=400)).isoformat()
    content = page(client, TIMELINE, start=later)
    assert "0 campagne sur cette période." in content
    assert "Aucune campagne sur cette période." in content


def test_a_crowded_calendar_says_it_draws_only_the_first_bars(login, marketing_user, monkeypatch):
    from campaigns import timeline

    monkeypatch.setattr(timeline, "MAX_BARS", 2)
    channel = ChannelFactory(name="Boutique")
    for n in range(3):
        campaign = CampaignFactory(channel=channel, name=f"Soldes {n}")
        CampaignItemFactory(campaign=campaign)
        ConflictFactory(campaign=campaign, message="Rupture.")
    content = page(login(french(marketing_user)), TIMELINE)
    assert "Seules les 2 premières sont dessinées : affinez les filtres" in content


def test_english_stays_the_default(login, marketing_user, store):
    content = login(marketing_user).get(CREATE).content.decode()
    assert "<strong>Saving keeps it a draft.</strong>" in content
    assert ">Save campaign</button>" in content

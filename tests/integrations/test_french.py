"""The integrations pages in French, with what real syncs and a real refused pause left:
connections in every state (active with items not applied, failing, reconnect needed,
paused), the sync history and its issues, the ad account's enforcement policy, the
enforcement log with a pause the platform refused, the add-a-connection form with its errors.

What a sync or an enforcement says is written in a task, in nobody's language, and read later:
the same stored rows read in French for a French admin and in English for an English one.
The pages are checked without the shared shell (`tests.i18n.page_content`).
"""

from __future__ import annotations

from html import unescape

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from common.i18n import set_preferred_language
from integrations import enforcement, services
from integrations.choices import (
    ConnectionKind,
    ConnectionStatus,
    EnforcementMode,
    EnforcementOutcome,
    SyncRunStatus,
)
from integrations.models import EnforcementAction, ExternalRef
from tests import i18n
from tests.integrations.fakes import META_TOKEN, SHOPIFY_TOKEN, meta_error, product, variant
from tests.notifications.conftest import LiveWorld

pytestmark = pytest.mark.django_db

META_AD = "23850001"


def _store(name: str, shop: str):
    return services.add_connection(
        kind=ConnectionKind.SHOPIFY, name=name, account_id=shop, token=SHOPIFY_TOKEN
    )


@pytest.fixture
def accounts(db, shopify, meta, marketing_user, commit):
    """Four stores synced against the local Shopify (one with items it could not apply, one
    the platform keeps failing, one whose token it refuses, one paused) and a Meta ad account
    whose pause of a sold-out live ad Meta refused."""
    lyon = _store("Boutique Lyon", "lyon.myshopify.com")
    # Its own handle: the live world's factory product may be "product-1".
    shopify.products[0] = product(1, handle="chemise-lin")
    # A field the platform names (compareAtPrice) holding what no number is.
    shopify.variants[1] = variant(12, 1, compareAtPrice="douze")
    shopify.variants.append(variant(99, 404))
    assert services.sync_connection(lyon.pk).status == SyncRunStatus.PARTIAL

    nantes = _store("Boutique Nantes", "nantes.myshopify.com")
    for _ in range(5):
        shopify.queued.append((503, {"errors": "indisponible"}, {}))
    assert services.sync_connection(nantes.pk).status == SyncRunStatus.FAILED

    lille = _store("Boutique Lille", "lille.myshopify.com")
    shopify.queued.append((401, {"errors": "[API] Invalid API key or access token"}, {}))
    services.sync_connection(lille.pk)

    brest = _store("Boutique Brest", "brest.myshopify.com")
    services.pause_connection(brest)

    world = LiveWorld(marketing_user)
    ads = services.add_connection(
        kind=ConnectionKind.META,
        name="Publicités Meta",
        account_id="act_1234567890",
        token=META_TOKEN,
        channel=world.channel,
    )
    Campaign.objects.filter(pk=world.campaign.pk).update(synced_from="Meta")
    ExternalRef.objects.create(
        connection=ads,
        kind="ad",
        external_id=META_AD,
        content_type=ContentType.objects.get_for_model(Campaign),
        object_id=world.campaign.pk,
        last_seen_at=timezone.now(),
    )
    enforcement.set_policy(
        world.channel,
        marketing_user,
        mode=EnforcementMode.PAUSE,
        dry_run=False,
        cooldown_minutes=30,
        max_pauses_per_hour=20,
    )
    meta.queued.append((403, meta_error(200, "Autorisation refusée"), {}))
    with commit():  # the stock runs out: a blocker opens, the pause is sent and refused
        world.stock.available = world.stock.on_hand = 0
        world.stock.save()
    refused = EnforcementAction.objects.get()
    assert refused.outcome == EnforcementOutcome.REFUSED
    for connection in (lyon, nantes, lille, brest, ads):
        connection.refresh_from_db()
    assert nantes.status == ConnectionStatus.FAILING
    assert lille.status == ConnectionStatus.RECONNECT_NEEDED
    return {"lyon": lyon, "nantes": nantes, "lille": lille, "brest": brest, "ads": ads}


@pytest.fixture
def admin(login, admin_user):
    set_preferred_language(admin_user, "fr")
    return login(admin_user)


def detail(connection) -> str:
    return reverse("integrations:detail", args=[connection.pk])


def test_the_connections_list_reads_in_french_in_every_state(admin, accounts):
    page = admin.get(reverse("integrations:list"))
    assert page.status_code == 200
    i18n.assert_french(i18n.page_content(page))
    content = page.content.decode()
    for text in (
        "Intégrations",
        "Ajouter une connexion",
        "Filtres",
        "Boutique Shopify",
        "Compte publicitaire Meta",
        "En échec",
        "À reconnecter",
        "En pause",
        "Dernière erreur",
        "Shopify répond toujours 503 après 5 tentatives ; la prochaine synchronisation réessaiera.",
        "Shopify a refusé le jeton d’accès (401) : il a été révoqué",
        "5 résultats",
        "le journal des interventions",
    ):
        assert text in content, text
    # Filtered through htmx: only the results, French too.
    partial = admin.get(
        reverse("integrations:list"),
        {"status": "failing"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="results",
    )
    html = partial.content.decode()
    assert "<main" not in html and "Boutique Nantes" in html and "Boutique Lyon" not in html
    i18n.assert_french(html)
    assert "1 résultat" in html


def test_a_store_page_says_what_its_sync_could_not_apply_in_french(admin, accounts):
    page = admin.get(detail(accounts["lyon"]))
    i18n.assert_french(i18n.page_content(page))
    content = unescape(page.content.decode())
    for text in (
        "Synchroniser maintenant",
        "Historique des synchronisations",
        "Réussie avec des erreurs",
        "Non appliqué lors de la dernière synchronisation",
        "Élément mal formé",
        "Produit sans correspondance",
        "compareAtPrice doit être un nombre, reçu 'douze'.",
        "que cette synchronisation n’a pas lu.",
        "Remplacer le jeton",
    ):
        assert text in content, text


def test_a_failing_store_and_a_refused_token_read_in_french(admin, accounts):
    failing = admin.get(detail(accounts["nantes"]))
    i18n.assert_french(i18n.page_content(failing))
    assert "Échec" in failing.content.decode()
    refused = admin.get(detail(accounts["lille"]))
    i18n.assert_french(i18n.page_content(refused))
    assert "Reconnectez la boutique avec un nouveau jeton." in refused.content.decode()


def test_the_ad_account_page_and_the_log_tell_the_refused_pause_in_french(admin, accounts):
    page = admin.get(detail(accounts["ads"]))
    i18n.assert_french(i18n.page_content(page))
    content = page.content.decode()
    reason = (
        "Meta a refusé le changement de statut (code 200) : Autorisation refusée Le jeton doit "
        "avoir ads_management."
    )
    for text in (
        "Intervention sur Instagram",
        "Mettre l’annonce en pause",
        "Délai de carence de 30 minutes par annonce, au plus 20 pauses par heure.",
        "Enregistrer la règle",
        "Quand un bloquant s’ouvre sur une annonce active",
        "Interventions récentes",
        "Refusé par la plateforme",
        reason,
    ):
        assert text in content, text
    log = admin.get(reverse("integrations:enforcement"))
    i18n.assert_french(i18n.page_content(log))
    html = log.content.decode()
    assert "Journal des interventions" in html and reason in html and "STOCK_OUT" in html


def test_the_add_form_and_its_errors_are_french(admin, accounts):
    blank = admin.get(reverse("integrations:add"))
    i18n.assert_french(i18n.page_content(blank))
    refused = admin.post(
        reverse("integrations:add"),
        {"kind": "shopify", "name": "Boutique", "account_id": "pas-un-domaine", "token": "x"},
    )
    assert refused.status_code == 400
    i18n.assert_french(i18n.page_content(refused))
    content = refused.content.decode()
    assert "Utilisez le domaine votre-boutique.myshopify.com de la boutique." in content
    assert "Domaine de la boutique ou identifiant du compte publicitaire" in content
    assert "Jeton d’accès" in content


def test_an_action_says_what_it_did_in_french(admin, accounts):
    answer = admin.post(
        reverse("integrations:action", args=[accounts["lyon"].pk, "pause"]), follow=True
    )
    i18n.assert_french(i18n.page_content(answer))
    assert (
        "La connexion Boutique Lyon est en pause : la planification l’ignore."
        in answer.content.decode()
    )


def test_the_same_stored_sync_reads_in_english_for_an_english_admin(login, admin_user, accounts):
    page = login(admin_user).get(detail(accounts["lyon"]), HTTP_ACCEPT_LANGUAGE="en")
    content = unescape(page.content.decode())
    assert "compareAtPrice must be a number, got 'douze'." in content
    assert "Not applied at the last sync" in content and "Malformed item" in content
    listing = login(admin_user).get(reverse("integrations:list"), HTTP_ACCEPT_LANGUAGE="en")
    text = listing.content.decode()
    assert "Shopify kept answering 503 after 5 attempts; the next sync will try again." in text
    # What the check on French pages would catch.
    assert i18n.english_leftovers(i18n.page_content(listing))
    # The column keeps the English the API and the logs read.
    accounts["nantes"].refresh_from_db()
    assert accounts["nantes"].last_error.startswith("Shopify kept answering 503")
    assert accounts["nantes"].last_error_parts["params"] == {
        "platform": "Shopify",
        "status": 503,
        "attempts": 5,
    }

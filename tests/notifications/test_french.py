"""Notifications in each recipient's language: one event told to a French and an English
recipient gives each their own message (subject, body, the email's footer); the pages
(subscriptions, the form and its errors, the delivery log with a failed delivery, the
unsubscribe pages) read in French.

A conflict's own message is the engine's (English until it is translated): a message quotes
it through `services.conflict_message`, and the checks here leave that line aside. The pages
are checked without the shared shell (`tests.i18n.page_content`).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from werkzeug import Response

from common.i18n import set_preferred_language
from integrations.choices import SyncRunStatus
from integrations.services import add_connection, sync_connection
from notifications import services
from notifications.choices import DeliveryStatus, DestinationKind, NotificationKind
from notifications.models import Delivery, Subscription
from tests import i18n
from tests.factories import CampaignFactory, ChannelFactory, ConflictFactory, UserFactory
from tests.integrations.fakes import SHOPIFY_PATH

pytestmark = pytest.mark.django_db
PAGE = reverse("notifications:list")
NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def call(function, *args):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args)

    return call


def member(role: str, username: str, language: str = ""):
    user = UserFactory(username=username, email=f"{username}@example.com")
    user.groups.add(Group.objects.get(name=role))
    if language:
        set_preferred_language(user, language)
    return user


def by_recipient() -> dict[str, mail.EmailMessage]:
    return {message.to[0].split("@")[0]: message for message in mail.outbox}


def test_a_new_blocker_is_told_to_each_recipient_in_their_language(run):
    member("ops", "olivia", "fr")
    member("ops", "oscar", "en-us")
    campaign = CampaignFactory(
        status="live", name="Soldes d’été", channel=ChannelFactory(name="Reels Instagram")
    )
    conflict = ConflictFactory(campaign=campaign, message="Plus rien à promettre.")
    assert run(services.notify_conflicts, 1, [conflict.pk]) == 2

    sent = by_recipient()
    french, english = sent["olivia"], sent["oscar"]
    assert french.subject == "SocialOps : 1 campagne bloquée, 1 nouveau conflit"
    assert english.subject == "SocialOps: 1 campaign blocked, 1 new conflict"
    for text in (
        "Campagnes devenues bloquées alors que planifiées ou actives :",
        "Nouveaux conflits :",
        "STOCK_OUT sur la campagne « Soldes d’été » (Reels Instagram) : Plus rien à promettre.",
        f"Dépenses à risque : 0,00{NBSP}€ jusqu’ici, 0,00{NBSP}€ par jour tant qu’il reste ouvert.",
        "La file des conflits : http",
        "Ne plus recevoir ces e-mails : http",
    ):
        assert text in french.body, text
    for text in (
        "Campaigns that became blocked while scheduled or live:",
        "STOCK_OUT on campaign “Soldes d’été” (Reels Instagram): Plus rien à promettre.",
        "Spend at risk: €0.00 so far, €0.00 a day while it stands.",
        "Stop these emails: http",
    ):
        assert text in english.body, text
    # The French message, but for the conflict's own words (the engine's) and the
    # severity's name (the checks' choices): nothing English in it.
    lines = [line for line in french.body.splitlines() if "STOCK_OUT" not in line]
    assert not i18n.english_leftovers("<p>" + "</p><p>".join(lines) + "</p>")
    assert i18n.english_leftovers("<p>" + english.body.replace("\n", "</p><p>") + "</p>")
    # The webhook's JSON stays the same for both: English values for machines.
    payloads = [d.payload for d in Delivery.objects.order_by("pk")]
    assert payloads[0] == payloads[1]


def test_a_failing_connection_is_told_in_each_admins_language(
    run, httpserver, settings, monkeypatch
):
    member("admin", "alice", "fr")
    member("admin", "arthur")
    monkeypatch.setattr("integrations.clients.http.sleep", lambda seconds: None)
    httpserver.expect_request(SHOPIFY_PATH).respond_with_response(Response("", status=503))
    settings.SHOPIFY_ADMIN_URL = httpserver.url_for("").rstrip("/")
    store = add_connection(
        kind="shopify", name="Boutique Lyon", account_id="lyon.myshopify.com", token="jeton"
    )
    # The sync fails in a task, in nobody's language; its announcement tells each admin.
    assert run(sync_connection, store.pk).status == SyncRunStatus.FAILED
    assert Delivery.objects.count() == 2

    sent = by_recipient()
    assert sent["alice"].subject == "SocialOps : la connexion Boutique Lyon est en échec"
    assert sent["arthur"].subject == "SocialOps: connection Boutique Lyon is failing"
    assert "La synchronisation de Boutique Lyon (Boutique Shopify) a échoué le" in (
        sent["alice"].body
    )
    assert (
        "Shopify répond toujours 503 après 5 tentatives ; la prochaine synchronisation "
        "réessaiera." in sent["alice"].body
    )
    assert "Shopify kept answering 503 after 5 attempts" in sent["arthur"].body
    assert not i18n.english_leftovers("<p>" + sent["alice"].body.replace("\n", "</p><p>") + "</p>")


def test_the_digest_reads_in_the_execs_language(run):
    member("exec", "eve", "fr")
    member("exec", "ethan")
    ConflictFactory(campaign=CampaignFactory(status="live"))
    assert run(services.send_digests) == 2
    sent = by_recipient()
    assert sent["eve"].subject == f"Résumé quotidien SocialOps : 1 bloquant, 0,00{NBSP}€ à risque"
    assert "Bloquants en cours : 1" in sent["eve"].body
    assert "Aucune campagne active ne dépense d’argent sur un conflit en cours." in (
        sent["eve"].body
    )
    assert sent["ethan"].subject == "SocialOps daily digest: 1 blocker, €0.00 at risk"
    assert not i18n.english_leftovers("<p>" + sent["eve"].body.replace("\n", "</p><p>") + "</p>")


@pytest.fixture
def olivia(db, httpserver, run):
    """A French ops lead with the role's email subscription, a webhook that fails, and its
    failed delivery in the log."""
    user = member("ops", "olivia", "fr")
    hook = Subscription.objects.create(
        user=user,
        name="Crochet de l’entrepôt",
        destination=DestinationKind.WEBHOOK,
        target=httpserver.url_for("/crochet"),
        kinds=[NotificationKind.NEW_CONFLICT, NotificationKind.DIGEST],
        severities=[],
        active=False,
    )
    hook.channels.add(ChannelFactory(name="Reels Instagram"))
    httpserver.expect_request("/crochet").respond_with_response(Response("non", status=500))
    from notifications.tasks import MAX_ATTEMPTS, send_delivery_task

    delivery = run(services.send_test, hook)
    send_delivery_task.apply(args=[delivery.pk], retries=MAX_ATTEMPTS - 1)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    return user


def test_the_subscriptions_page_and_its_delivery_log_read_in_french(login, olivia):
    page = login(olivia).get(PAGE)
    assert page.status_code == 200
    content = page.content.decode()
    for text in (
        "Mes abonnements",
        "Ops : abonnement par défaut (e-mail)",
        "Crochet de l’entrepôt",
        "Webhook signé",
        "Nouveau conflit (ou rouvert), Résumé quotidien",
        "désactivé",
        "Journal des envois",
        "SocialOps : notification de test",
        "Le webhook a répondu HTTP 500.",
        "Échec",
        "Envoyer un test",
    ):
        assert text in content, text
    # The role's default follows blockers: its severity is the checks' own choice label.
    i18n.assert_french(i18n.page_content(page).replace(">Blocker<", "><"))


def test_the_subscription_form_and_its_errors_read_in_french(login, olivia):
    client = login(olivia)
    blank = client.get(reverse("notifications:add"))
    i18n.assert_french(i18n.page_content(blank).replace("Blocker", "").replace("Warning", ""))
    refused = client.post(
        reverse("notifications:add"),
        {"destination": "webhook", "target": "pas-une-url", "kinds": ["digest"]},
    )
    assert refused.status_code == 400
    content = refused.content.decode()
    assert "Saisissez l’URL http(s) du webhook." in content
    assert "Adresse ou URL" in content and "Aucune cochée : toutes les gravités." in content
    assert "Résumé quotidien" in content and "Mes campagnes" in content
    edit = client.get(reverse("notifications:edit", args=[olivia.subscriptions.first().pk]))
    assert "Modifier Ops : abonnement par défaut (e-mail)" in edit.content.decode()


def test_the_unsubscribe_pages_read_in_the_visitors_language(client, olivia):
    token = services.unsubscribe_token(olivia.subscriptions.get(role_default="ops"))
    url = reverse("notifications:unsubscribe", args=[token])
    ask = client.get(url, HTTP_ACCEPT_LANGUAGE="fr-FR")
    i18n.assert_french(i18n.page_content(ask))
    assert "Se désabonner ?" in ask.content.decode()
    done = client.post(url, HTTP_ACCEPT_LANGUAGE="fr-FR")
    i18n.assert_french(i18n.page_content(done))
    assert "Ops : abonnement par défaut (e-mail) est désactivé" in done.content.decode()
    forged = client.post(
        reverse("notifications:unsubscribe", args=["faux"]), HTTP_ACCEPT_LANGUAGE="fr-FR"
    )
    assert forged.status_code == 404
    i18n.assert_french(i18n.page_content(forged))
    assert "Ce lien de désabonnement n’est pas valide" in forged.content.decode()


def test_messages_name_money_as_every_page_does():
    # One formatting layer: the recipient's locale, the currency's own sign.
    from django.utils import translation

    with translation.override("en-us"):
        assert services.money(Decimal("1234.5"), "EUR") == "€1,234.50"
    with translation.override("fr"):
        assert services.money(Decimal("1234.5"), "EUR") == f"1{NNBSP}234,50{NBSP}€"

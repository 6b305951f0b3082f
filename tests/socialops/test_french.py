"""The shell in French: the login page, each role's home, the users pages, the import pages
and the language choice itself (the picker, /api/me/), read by a person who picked French.

The data is the brand's (campaign names, conflict messages, file names): it is written in
French here, so what `assert_french` finds left in English is the interface's.
"""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.choices import CampaignStatus, CatalogSync
from common.csvimport.result import ImportResult, RowError
from common.i18n import preferred_language, set_preferred_language
from promises.choices import Readiness, Severity
from socialops.importing.services import finish_job, run_job, start_import
from socialops.models import ImportJob, ImportStatus
from socialops.roles import Role
from tests import i18n
from tests.factories import (
    CampaignFactory,
    ChannelFactory,
    ChannelMetricFactory,
    ConflictFactory,
    OrderFactory,
    UserFactory,
)
from tests.imports.conftest import csv_bytes

pytestmark = pytest.mark.django_db

# Labels of other apps' choices that their own branches translate (promises.choices): a
# French page of this branch may still show them. Only these, and only if they are such
# labels (checked below), are let through; anything else in English fails the test.
OTHER_BRANCHES = {"At risk", "Blocker", "Warning"}


def assert_french(response, allowed: set[str] = frozenset()) -> str:
    """The page answered 200 in French, with no English but the `allowed` texts."""
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Language"] == "fr"
    page = response.content.decode()
    assert '<html lang="fr">' in page
    labels = {str(label) for label in (*Readiness.labels, *Severity.labels)}
    assert allowed <= OTHER_BRANCHES and allowed <= labels | {"At risk"}
    leftovers = [text for text in i18n.english_leftovers(page) if text not in allowed]
    assert not leftovers, "English left on a French page:\n  " + "\n  ".join(leftovers)
    return page


def french(user) -> Client:
    """A client logged in as `user`, who picked French (their browser asks for English)."""
    set_preferred_language(user, "fr")
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    client.force_login(user)
    return client


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# --- Logging in ------------------------------------------------------------------------------


def test_the_login_page_and_its_error_in_french(client):
    UserFactory(username="camille", password="bon mot de passe")
    page = assert_french(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9"))
    assert "Connexion à SocialOps" in page and "Nom d’utilisateur" in page
    assert '<option value="" selected>Langue du navigateur</option>' in page
    refused = client.post(
        reverse("login"),
        {"username": "camille", "password": "faux"},
        HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9",
    )
    page = assert_french(refused)
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in page


# --- Home, per role --------------------------------------------------------------------------


def _governed_channel(name: str, owner) -> object:
    """A channel whose governance is all written down (no gap names to show)."""
    return ChannelFactory(
        name=name,
        calendar_owner=owner,
        creative_budget_monthly=Decimal("2000.00"),
        catalog_sync=CatalogSync.FEED,
        response_time_commitment_hours=4,
    )


def test_marketing_home_in_french(marketing_user):
    channel = _governed_channel("Boutique TikTok", marketing_user)
    blocked = CampaignFactory(owner=marketing_user, channel=channel, name="Sérum éclat")
    for n, message in enumerate(
        [
            "Le sérum 30 ml est en rupture : 0 disponible à promettre.",
            "La livraison en 48 h dépasse les 5 jours de la méthode standard.",
            "Le code ETE20 expire avant la fin de la campagne.",
            "Le retour gratuit sous 60 jours contredit la politique de 30 jours.",
        ]
    ):
        ConflictFactory(campaign=blocked, message=message, scope=f"sku:{n}")
    CampaignFactory(owner=marketing_user, channel=channel, name="Crème de nuit", ends_at=None)
    CampaignFactory(
        owner=marketing_user, channel=channel, name="Brume d’été", status=CampaignStatus.DRAFT
    )
    page = assert_french(french(marketing_user).get(reverse("home")))
    assert "Bonjour, marketing-user" in page
    assert "Mes campagnes" in page and "Nouvelle campagne" in page
    assert "Ce qui la bloque" in page
    assert "et 1 autre sur la page de la campagne" in page
    assert "Brouillons, pas encore vérifiés" in page
    assert "sans fin" in page
    # The menu and the account corner.
    assert ">Campagnes</a>" in page and ">Se déconnecter</button>" in page
    assert "marketing-user · Marketing" in page


def test_ops_home_in_french(ops_user):
    now = timezone.now()
    campaign = CampaignFactory(
        name="Lancement Belgique", status=CampaignStatus.LIVE, starts_at=now - timedelta(days=3)
    )
    ConflictFactory(
        campaign=campaign,
        message="Le sérum 30 ml est en rupture : 0 disponible à promettre.",
        due_at=now + timedelta(hours=5),
        first_seen_at=now - timedelta(days=2),
    )
    ConflictFactory(
        campaign=campaign,
        message="La réponse type annonce cinq jours ouvrés.",
        severity=Severity.WARNING,
        rule_code="SUPPORT_REPLY_DELAY",
        due_at=now - timedelta(days=2, hours=3),
        assignee=ops_user,
    )
    ChannelMetricFactory(channel=campaign.channel, campaign=campaign, spend=Decimal("300.00"))
    page = assert_french(french(ops_user).get(reverse("home")))
    assert "File des conflits" in page
    assert "<strong>1</strong> bloquant en cours" in page
    assert "<strong>1</strong> qui m’est attribué" in page
    assert "en retard de" not in page  # the overdue one is a warning: not in "Blockers first"
    assert "dans 4\u00a0h" in page  # due in 4 h 59 min: the compact form, in French
    assert "2\u00a0j\u00a03\u00a0h" in page  # late by
    assert "de dépenses à risque en ce moment" in page


def test_exec_home_in_french(exec_user):
    shop = _governed_channel("Boutique TikTok", exec_user)
    insta = _governed_channel("Instagram Maison", exec_user)
    for channel, gross in ((shop, "1234.00"), (insta, "800.00")):
        OrderFactory(channel=channel, gross=Decimal(gross))
        ChannelMetricFactory(channel=channel, spend=Decimal("250.00"))
    OrderFactory(channel=None, gross=Decimal("99.00"))
    page = assert_french(french(exec_user).get(reverse("home")))
    assert "Tableau de bord des canaux, 30 derniers jours" in page
    assert "de revenu net, toutes commandes" in page
    assert "Commandes non attribuées" in page
    assert "Lacunes de gouvernance" in page and ">aucune</td>" in page
    # Money in French: a narrow space between thousands, the euro after the figure.
    assert 'data-label="Chiffre d’affaires net">1\u202f234\u00a0€</td>' in page


def test_admin_home_in_french(admin_user):
    page = assert_french(french(admin_user).get(reverse("home")))
    assert ">Utilisateurs</a>" in page and ">Intégrations</a>" in page
    assert "admin-user · Administrateur" in page
    assert "Votre compte n’a pas encore de rôle" not in page


def test_a_superuser_home_has_every_panel_in_french(django_user_model):
    root = django_user_model.objects.create_superuser("racine", password="x")
    CampaignFactory(owner=root, name="Sérum éclat", channel=_governed_channel("Boutique", root))
    page = assert_french(french(root).get(reverse("home")))
    assert "Mes campagnes" in page and "File des conflits" in page
    assert "Rien en retard." in page and "Aucun bloquant en cours." in page
    assert "Administrateur, Direction, Marketing, Opérations" in page


def test_a_person_without_a_role_and_a_refused_page_in_french(outsider):
    client = french(outsider)
    page = assert_french(client.get(reverse("home")))
    assert "Votre compte n’a pas encore de rôle." in page
    refused = client.get(reverse("promises:checkrun-list"))
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "Vous ne pouvez pas faire ceci" in page
    assert not i18n.english_leftovers(page)
    missing = client.get("/nulle-part/")
    assert missing.status_code == 404
    assert "Page introuvable" in missing.content.decode()
    assert not i18n.english_leftovers(missing.content.decode())


# --- Users ---------------------------------------------------------------------------------


def test_the_users_pages_in_french(admin_user):
    lea = UserFactory(username="lea", first_name="Léa", last_name="Martin")
    lea.groups.add(Group.objects.get(name=Role.OPS))
    gone = UserFactory(username="ancien", is_active=False)
    gone.last_login = timezone.now() - timedelta(days=3)
    gone.save()
    client = french(admin_user)
    page = assert_french(client.get(reverse("users:list")))
    assert "Ajouter une personne" in page and "Nom d’utilisateur" in page
    assert '<span class="badge neutral">Opérations</span>' in page
    assert "Désactivé" in page and "il y a 3\u00a0j" in page and "jamais" in page
    assert "(obligatoire)" in page

    refused = client.post(reverse("users:list"), {"username": "", "password": "123"})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Ce champ est obligatoire." in page
    assert not i18n.english_leftovers(page)

    page = assert_french(client.get(reverse("users:edit", args=[lea.pk])))
    assert "Rôles de lea" in page and "Enregistrer les rôles" in page
    saved = client.post(reverse("users:edit", args=[lea.pk]), {"roles": ["exec"]})
    page = assert_french(client.get(saved.url))
    assert "Rôles de lea enregistrés." in page


# --- Imports -------------------------------------------------------------------------------

HEADER = ["Handle", "Title", "Variant SKU", "Variant Price"]


def _upload(client, data: bytes, *, kind: str = "products", name: str = "produits.csv", **form):
    return client.post(
        reverse("imports:new"),
        {"kind": kind, "file": SimpleUploadedFile(name, data, "text/csv"), **form},
    )


def test_the_import_pages_in_french(ops_user, media_root, django_capture_on_commit_callbacks):
    client = french(ops_user)
    page = assert_french(client.get(reverse("imports:list")))
    assert "Aucun import pour l’instant." in page
    page = assert_french(client.get(reverse("imports:new")))
    assert "Contenu du fichier" in page and "Simulation : montrer ce qui changerait" in page
    page = assert_french(client.get(reverse("imports:help")))
    assert "Ce que chaque fichier doit contenir" in page and "obligatoire" in page
    assert "« <code>not stocked</code> » supprime le niveau de stock" in page

    # A dry run with refused rows, uploaded from the French page: its report is in French.
    data = csv_bytes(
        [
            HEADER,
            ["t-shirt-lin", "T-shirt en lin", "TSL-1", "29.90"],
            ["t-shirt-lin", "", "TSL-2", "vingt"],
            ["t-shirt-lin", "", "TSL-3"],
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, data, dry_run="on")
    job = ImportJob.objects.get()
    assert (job.status, job.language, job.refused) == (ImportStatus.SUCCEEDED, "fr", 2)
    page = assert_french(client.get(response.url))
    assert f"Produits Shopify : simulation n° {job.pk}" in page
    assert "Ce que ferait cet import" in page and "Importer pour de bon" in page
    assert "<strong>2</strong> lignes refusées" in page
    assert "Variant Price: &#x27;vingt&#x27; n’est pas un montant (écrivez-le comme 19.99)." in page
    assert "La ligne a 3 cellules là où l’en-tête en a 4." in page
    assert "<td>Produits</td>" in page and "<td>Création</td>" in page

    listed = assert_french(client.get(reverse("imports:list")))
    assert "terminé, 2 refusées" in listed and "simulation" in listed


def test_a_finished_import_with_warnings_in_french(ops_user, media_root):
    """A report the worker wrote in French (the uploader's language): the warnings section,
    the counts of each record and the note that only the first rows are kept."""
    job = start_import(
        kind="products",
        user=ops_user,
        upload=SimpleUploadedFile("catalogue.csv", b"Handle,Title,Variant Price\n"),
    )
    result = ImportResult(rows_total=1200, rows_processed=1200, refused=1, errors_total=1)
    result.errors.append(RowError(7, "Variant Price", "Variant Price: '-3' est négatif."))
    result.warnings = [
        RowError(
            line, "Image Src", "Image Src : 'ftp://x' n’est pas une adresse web. Importé sans."
        )
        for line in range(2, 5)
    ]
    result.warnings_total = 1005
    result.count("product", "created", 3)
    result.count("sku", "updated", 1196)
    finish_job(job, result)
    page = assert_french(french(ops_user).get(reverse("imports:detail", args=[job.pk])))
    assert "Importées avec des avertissements" in page
    assert "Les 3 premiers sont conservés, les autres sont seulement comptés." in page
    assert "<strong>1\u202f005</strong> avertissements" in page
    assert "1\u202f196" in page and "<td>SKU</td>" in page
    assert "Ce qu’a fait cet import" in page


def test_a_failed_import_in_french(ops_user, media_root, django_capture_on_commit_callbacks):
    client = french(ops_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, b"\x00\x01binaire", name="produits.csv")
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    page = assert_french(client.get(response.url))
    assert "Le fichier n’a pas pu être importé." in page
    assert "Ce n’est pas un fichier CSV : il contient des données binaires" in page
    assert '<span class="badge blocker">échoué</span>' in page
    assert "<progress" not in page  # no full blue bar under a failed file


def test_a_product_file_chosen_as_inventory_is_named_in_french(ops_user, media_root):
    client = french(ops_user)
    data = csv_bytes([["Handle", "Title", "Variant SKU", "Variant Price", "Charge tax"]])
    refused = _upload(client, data, kind="inventory")
    assert refused.status_code == 400
    page = refused.content.decode()
    assert (
        "Ce fichier ressemble à un export de produits Shopify ; choisissez "
        "« Produits Shopify » et envoyez-le à nouveau." in page
    )
    assert not i18n.english_leftovers(page)
    wrong = _upload(client, b"a,b\n1,2\n", name="feuille.xlsx")
    assert "Envoyez un fichier CSV (.csv, .tsv ou .txt)." in wrong.content.decode()


def test_a_job_queued_from_an_english_page_reports_in_english(ops_user, media_root):
    """The report follows the page the file was sent from, not the worker's language."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(ops_user)
    _upload(client, csv_bytes([HEADER, ["a", "A", "A-1", "x"]]))
    job = ImportJob.objects.get()
    assert job.language == "en-us"
    set_preferred_language(ops_user, "fr")  # picked later: the report stays as uploaded
    run_job(job.pk)
    job.refresh_from_db()
    assert job.errors[0]["message"] == "Variant Price: 'x' is not an amount (write it like 19.99)."


# --- The language choice ---------------------------------------------------------------------


def test_the_picker_offers_the_browser_and_shows_the_stored_choice(ops_user):
    client = french(ops_user)
    page = client.get(reverse("home")).content.decode()
    assert '<label for="language-picker">' in page
    assert '<span class="visually-hidden">Langue</span>' in page
    assert '<option value="">Langue du navigateur</option>' in page
    assert '<option value="fr" lang="fr" selected>Français</option>' in page
    # Back to the browser's language (English here).
    client.post(reverse("set-language"), {"language": "", "next": reverse("home")})
    assert preferred_language(ops_user) == ""
    page = client.get(reverse("home")).content.decode()
    assert '<option value="" selected>Browser’s language</option>' in page


def test_api_me_shows_and_sets_the_language(ops_user):
    from rest_framework.authtoken.models import Token

    api = APIClient()
    api.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=ops_user).key}",
        HTTP_ACCEPT_LANGUAGE="en-US",
    )
    me = api.get("/api/me/").json()
    assert (me["language"], me["active_language"]) == ("", "en-us")

    changed = api.patch("/api/me/", {"language": "fr-FR"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["language"] == "fr" and changed.json()["active_language"] == "fr"
    assert preferred_language(ops_user) == "fr"
    # The token's owner is answered in their language from now on, messages included.
    again = api.get("/api/me/")
    assert again.headers["Content-Language"] == "fr"
    assert again.json()["active_language"] == "fr"
    missing = api.get("/api/campaigns/999999/")
    assert (missing.status_code, missing.json()["detail"]) == (404, "Non trouvé.")

    unknown = api.patch("/api/me/", {"language": "tlh"}, format="json")
    assert unknown.status_code == 400
    body = unknown.json()
    assert body["code"] == "invalid"
    assert body["errors"]["language"] == [
        "« tlh » n’est pas une langue de SocialOps : utilisez l’une de celles-ci : "
        'en-us, fr, ou "" pour suivre le navigateur.'
    ]
    assert preferred_language(ops_user) == "fr"

    browser = api.patch("/api/me/", {"language": ""}, format="json").json()
    assert (browser["language"], browser["active_language"]) == ("", "en-us")
    english = api.patch("/api/me/", {"language": "tlh"}, format="json").json()
    assert english["errors"]["language"][0].startswith("“tlh” is not a language SocialOps")


def test_the_schema_documents_the_language_of_api_me():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = schema["paths"]["/api/me/"]
    assert set(operations) >= {"get", "patch"}
    me = schema["components"]["schemas"]["Me"]["properties"]
    assert {"language", "active_language"} <= set(me)
    patch = operations["patch"]["requestBody"]["content"]["application/json"]["schema"]
    assert patch["$ref"].endswith("MeUpdateRequest")


def test_the_javascript_catalog_has_the_scripts_strings():
    from django.test import Client

    catalog = Client().get(reverse("javascript-catalog"), HTTP_ACCEPT_LANGUAGE="fr")
    body = catalog.content.decode()
    for english in ("(%s selected)", "Type to search, click to add", "Nothing matches"):
        assert english in body
    assert "Rien ne correspond" in body


def test_csv_headers_stay_english_for_a_french_reader(ops_user):
    """Machines read exports and the errors file: their headers do not change language."""
    client = french(ops_user)
    job = ImportJob.objects.create(
        kind="products",
        original_name="p.csv",
        file="none.csv",
        status=ImportStatus.SUCCEEDED,
        errors=[{"line": 2, "column": "Title", "message": "vide"}],
    )
    rows = client.get(reverse("imports:errors", args=[job.pk])).content.decode().splitlines()
    assert rows[0] == "line,column,message"
    listed = client.get(reverse("promises:checkrun-list"), {"export": "csv"})
    header = io.StringIO(b"".join(listed.streaming_content).decode()).readline()
    assert header.startswith("id,trigger,status")

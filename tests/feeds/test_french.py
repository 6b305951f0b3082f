"""The feed pages in French: the index, a channel's feed problems (with STORE_URL missing, with
problems on several pages, and with none), each reader in their own language from one report."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campaigns.feeds.services import feed_report
from campaigns.feeds.validate import Problem
from tests import i18n
from tests.campaigns.french import FrenchStore, french, mine
from tests.factories import ProductFactory, SKUFactory, StockLevelFactory

pytestmark = pytest.mark.django_db

INDEX = reverse("feeds:index")
STORE = "https://boutique.example.fr"


@pytest.fixture
def store(marketing_user):
    return FrenchStore(marketing_user)


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "fr"
    i18n.assert_french(mine(response))
    return response.content.decode()


def channel_page(store) -> str:
    return reverse("feeds:channel", args=[store.instagram.pk])


def test_the_feeds_index_without_a_store_url_in_french(login, ops_user, store, settings):
    settings.STORE_URL = ""
    content = page(login(french(ops_user)), INDEX)
    assert "<h1>Flux catalogue</h1>" in content
    assert (
        "<strong>L’adresse de la boutique n’est pas définie</strong> (<code>STORE_URL</code>)"
        in (content)
    )
    assert "les réseaux refusent de tels articles" in content
    assert '<th scope="col">Dernière récupération</th>' in content
    assert ">il y a 3\xa0h</time>" in content  # Babel's French, for the Instagram shop
    assert "<td>jamais</td>" in content  # the TikTok window has never been fetched
    settings.STORE_URL = STORE
    assert "STORE_URL" not in page(login(ops_user), INDEX)


def test_a_channels_feed_problems_without_a_store_url_in_french(login, ops_user, store, settings):
    settings.STORE_URL = ""
    # Enough products for two pages of problems.
    product = ProductFactory(handle="savon", title="Savon doux", vendor="Maison Lumière")
    for n in range(30):
        sku = SKUFactory(product=product, code=f"SAVON-{n:02d}", option1=f"{n} g")
        StockLevelFactory(sku=sku, location=store.entrepot, on_hand=10, available=10)
    client = login(french(ops_user))
    content = page(client, channel_page(store))
    assert "<title>Flux catalogue de Boutique Instagram · SocialOps</title>" in content
    assert "<strong>L’adresse de la boutique n’est pas définie.</strong> Sans elle" in content
    assert "Donnez à <code>STORE_URL</code> l’adresse de la boutique" in content
    assert "Les opérations et les administrateurs" not in content  # ops see the URLs
    assert "Publie tous les types de produits." in content
    assert "Dernière récupération par le réseau : <time" in content
    assert "<strong>32</strong> articles dans le flux" in content
    assert "<strong>32</strong> articles avec des problèmes" in content
    assert "Par champ :" in content
    assert "<td>Meta exige <code>link</code>.</td>" in content
    assert "<span>Page 1 sur 2</span>" in content and ">Suivant</a>" in content
    second = page(client, channel_page(store), page=2)
    assert ">Précédent</a>" in second and "<span>Page 2 sur 2</span>" in second


def test_a_channel_whose_feed_passes_in_french(login, exec_user, store, settings):
    settings.STORE_URL = STORE
    for sku in (store.serum, store.creme):
        sku.barcode = ""
        sku.save()
        product = sku.product
        product.vendor = "Maison Lumière"
        product.description = "<p>Soin du visage.</p>"
        product.attributes = {"image_url": f"https://cdn.example.fr/{product.handle}.jpg"}
        product.save()
    content = page(login(french(exec_user)), channel_page(store))
    assert "STORE_URL" not in content
    assert "<strong>0</strong> problème" in content
    assert "Chaque article passe les contrôles de Meta." in content
    # Exec reads the page but not the secret URLs.
    assert "Les opérations et les administrateurs les voient ici." in content
    assert '<span class="muted">masquée</span>' in content


def test_each_reader_gets_the_cached_report_in_their_own_language(
    login, ops_user, marketing_user, store, settings
):
    settings.STORE_URL = ""
    url = channel_page(store)
    in_french = login(french(ops_user)).get(url).content.decode()
    assert "<td>Meta exige <code>link</code>.</td>" in in_french
    report = feed_report(store.instagram)  # the one both pages read, from the cache
    assert report is feed_report(store.instagram) or report.checked_at is not None
    in_english = login(marketing_user).get(url).content.decode()
    assert "<td>Meta requires <code>link</code>.</td>" in in_english
    assert "Meta exige" not in in_english


def test_a_problem_shows_its_values_as_code_and_escaped():
    problem = Problem(
        "SKU-1", "price", "%(value)s is not like '9.99 USD'.", (("value", "'<b>12</b>'"),)
    )
    assert problem.message == "'<b>12</b>' is not like '9.99 USD'."
    assert problem.message_html == (
        "<code>&#x27;&lt;b&gt;12&lt;/b&gt;&#x27;</code> is not like &#x27;9.99 USD&#x27;."
    )
    limit = Problem("SKU-1", "title", "Longer than %(network)s's %(limit)s characters.",
                    (("network", "Meta"), ("limit", "150")))  # fmt: skip
    assert limit.message_html == "Longer than Meta&#x27;s 150 characters."

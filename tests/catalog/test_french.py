"""The catalog in French: the SKU list with its filters, a SKU's page as ops (the stock form,
refused and saved) and as marketing, and the import messages a person reads."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from catalog.imports.inventory import InventoryImporter
from catalog.imports.products import ProductImporter
from catalog.models import StockLevel
from tests import i18n
from tests.campaigns.french import FrenchStore, french, mine
from tests.imports.conftest import csv_bytes, run

pytestmark = pytest.mark.django_db

SKUS = reverse("catalog:sku-list")


@pytest.fixture
def store(marketing_user):
    return FrenchStore(marketing_user)


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "fr"
    i18n.assert_french(mine(response))
    return response.content.decode()


@pytest.mark.parametrize("role", ["ops_user", "marketing_user", "exec_user"])
def test_the_sku_list_in_french(request, login, store, role):
    content = page(login(french(request.getfixturevalue(role))), SKUS)
    assert "<h1>SKU</h1>" in content
    assert "Disponible à promettre = disponible dans les emplacements actifs" in content
    assert ">Statut du produit</label>" in content and ">Faible (≤ 10)</option>" in content
    assert '<th scope="col" class="num">Sécurité</th>' in content
    assert ">À promettre<" in content and ">Actif</span>" in content
    assert "SKU, triés par SKU" in content


def test_the_sku_list_filtered_and_empty_in_french(login, ops_user, store):
    client = login(french(ops_user))
    out = page(client, SKUS, stock="out", sort="-atp")
    assert "CREME-50" in out and "SERUM-30" not in out
    assert "SKU, triés par Disponible à promettre, ordre décroissant" in out
    empty = page(client, SKUS, q="introuvable")
    assert "Aucun SKU ne correspond à ces filtres." in empty


def test_a_sku_page_as_ops_with_its_stock_form_in_french(login, ops_user, store):
    content = page(login(french(ops_user)), reverse("catalog:sku-detail", args=[store.creme.pk]))
    assert "<h1>CREME-50 — Crème de nuit</h1>" in content
    assert "Actif · 39,00\xa0€ · Arrêter la vente en cas de rupture de stock" in content
    assert "<strong>5</strong> disponibles" in content
    assert "<strong>0</strong> en stock de sécurité" in content
    assert ">En main à Entrepôt Lyon</label>" in content
    assert ">En main au nouvel emplacement</label>" in content
    assert "Saisi à la main, <time" in content  # then how long ago, in Babel's French
    assert ">Enregistrer le stock</button>" in content
    assert ">Campagnes qui le promeuvent</h2>" in content and "Printemps 3" in content
    assert "Conflits en cours le concernant" in content


def test_a_sku_page_as_marketing_reads_the_stock_in_french(login, marketing_user, store):
    url = reverse("catalog:sku-detail", args=[store.serum.pk])
    content = page(login(french(marketing_user)), url)
    assert "Enregistrer le stock" not in content
    assert "<td>Entrepôt Lyon (FR)</td>" in content
    assert '<span class="muted">aucun</span>' not in content


def _stock_post(sku, level, **values) -> dict:
    data = {
        "stock-TOTAL_FORMS": "2",
        "stock-INITIAL_FORMS": "1",
        "stock-MIN_NUM_FORMS": "0",
        "stock-MAX_NUM_FORMS": "1000",
        "stock-0-id": level.pk,
        "stock-0-sku": sku.pk,
        "stock-0-location": level.location_id,
        "stock-0-on_hand": level.on_hand,
        "stock-0-committed": level.committed,
        "stock-0-available": level.available,
        "stock-0-incoming": level.incoming,
        # The blank row for a new location, as the browser sends it.
        "stock-1-sku": sku.pk,
        "stock-1-location": "",
        "stock-1-on_hand": "0",
        "stock-1-committed": "0",
        "stock-1-available": "0",
        "stock-1-incoming": "0",
    }
    data.update(values)
    return data


def test_the_stock_form_refused_and_saved_in_french(login, ops_user, store):
    client = login(french(ops_user))
    url = reverse("catalog:sku-detail", args=[store.creme.pk])
    level = StockLevel.objects.get(sku=store.creme)
    refused = client.post(
        url,
        _stock_post(store.creme, level, **{"stock-0-available": "50", "stock-0-incoming": "-1"}),
    )
    assert refused.status_code == 400
    i18n.assert_french(mine(refused))
    content = refused.content.decode()
    assert "Ne peut pas dépasser les unités en main." in content
    assert "Ne peut pas être négatif." in content
    saved = client.post(
        url, _stock_post(store.creme, level, **{"stock-0-available": "7"}), follow=True
    )
    i18n.assert_french(mine(saved))
    assert (
        "Stock enregistré pour 1 emplacement. Les campagnes qui promeuvent ce SKU sont en cours"
        in saved.content.decode()
    )


# --- What an import says about a refused row -----------------------------------------------

PRODUCTS = ["Handle", "Title", "Option1 Name", "Option1 Value", "Variant SKU", "Variant Price"]
INVENTORY = [
    "Handle", "Title", "Option1 Name", "Option1 Value", "SKU", "Location", "Available", "On hand",
]  # fmt: skip


def _product_errors(language: str) -> list[str]:
    data = csv_bytes(
        [
            PRODUCTS,
            ["tee", "Tee", "Size", "S", "TEE-S", ""],  # no price
            ["cap", "Cap", "Size", "S", "CAP-1", "9.00"],
            ["cap", "", "", "M", "CAP-1", "9.00"],  # the SKU again
            ["hat", "", "", "S", "HAT-1", "5.00"],  # no product row
        ]
    )
    with translation.override(language):
        return [e.message for e in run(ProductImporter, data, dry_run=True).errors]


def test_product_import_refusals_read_in_the_readers_language():
    french = _product_errors("fr")
    assert "Variant Price est vide ; chaque variante doit avoir un prix." in french
    assert "Le SKU 'CAP-1' est déjà utilisé à la ligne 3 de ce fichier." in french
    assert (
        "La première ligne de 'hat' n’a pas de Title et aucun produit n’a ce handle : la ligne"
        " du produit manque." in french
    )
    english = _product_errors("en-us")
    assert "Variant Price is blank; every variant needs a price." in english
    assert "SKU 'CAP-1' is already used on line 3 of this file." in english


def test_inventory_import_refusals_read_in_the_readers_language(store):
    data = csv_bytes(
        [
            INVENTORY,
            ["", "", "", "", "NOPE-1", "Entrepôt Lyon", "5", "5"],
            ["", "", "", "", "SERUM-30", "Entrepôt Lyon", "9", "3"],
            ["", "", "", "", "", "Entrepôt Lyon", "1", "1"],
        ]
    )
    with translation.override("fr"):
        french = [e.message for e in run(InventoryImporter, data, dry_run=True).errors]
    assert "Aucun SKU 'NOPE-1' dans le catalogue ; importez d’abord les produits." in french
    assert "Available (9) dépasse la quantité en main (3)." in french
    assert "SKU et Handle sont tous deux vides." in french
    with translation.override("en-us"):
        english = [e.message for e in run(InventoryImporter, data, dry_run=True).errors]
    assert "No SKU 'NOPE-1' in the catalog; import the products first." in english

# ruff: noqa: RUF001 (French writes the typographic apostrophe and en dashes)
"""The ops pages in French: the conflict queue (filters, bulk bar), the queue by fix, a
conflict with its history and actions, the promise lists and forms, the check runs.

A French ops lead and a French marketer each open them with real conflicts of several rules,
severities and states; `tests.i18n.assert_french` finds any English left, and a few exact
French strings are checked (relative times and due dates included).

The data is French or neutral: it is the brand's, not the interface's. The conflicts'
messages are written in French here: the engine's own messages, the rules' statements and
the evidence's labels are translated by the checks ("messages") work, and the shell's pieces
(menu, filter panel buttons, result count, pagination, yes/no choices) by the shell's; until
their templates and labels are translated those pieces are left out of the check (see
`_others_untranslated`), and each is checked again as soon as it is.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from common.filters import SEARCH, YES_NO
from common.formatting import currency_choices
from common.i18n import set_preferred_language
from promises import services, triggers
from promises.checks.registry import all_rules
from promises.choices import ConflictEventKind, ConflictState, Severity
from promises.models import Conflict, ConflictEvent
from socialops.context_processors import SECTIONS
from tests import i18n
from tests.factories import (
    CampaignFactory,
    ChannelFactory,
    CheckoutCountryFactory,
    CheckRunFactory,
    ConflictFactory,
    ProductFactory,
    PromoCodeFactory,
    ReturnPolicyFactory,
    ShippingMethodFactory,
    ShippingOverrideFactory,
    SKUFactory,
    SupportReplyFactory,
)

pytestmark = pytest.mark.django_db

QUEUE = reverse("promises:conflict-list")
BY_FIX = reverse("promises:conflict-groups")
# The evidence keys these conflicts carry: while the conflict page still prints them as
# English words ("Max days at campaign dates"), the evidence table is the checks' work.
EVIDENCE_KEYS = ("sku", "available_to_promise", "method", "claimed_days", "code", "channel")


# --- What other helpers translate ------------------------------------------------------------


def _template_untranslated(name: str) -> bool:
    return bool(i18n.template_literals((i18n.TEMPLATE_DIR / name).read_text()))


def _in_french(text) -> str:
    with translation.override("fr"):
        return str(text)


def _others_untranslated(html: str) -> str:
    """The page without the pieces other parts of the work still show in English: each is
    left out only while its own source is untranslated, so the check tightens by itself."""
    if _in_french(SECTIONS[0][0]) == SECTIONS[0][0]:  # the menu's labels
        html = re.sub(r'<header class="topbar">.*?</header>', "", html, flags=re.S)
    if _template_untranslated("components/filters.html"):
        html = re.sub(r"<summary>.*?</summary>", "", html, flags=re.S)
        html = re.sub(r'<div class="filter-actions">.*?</div>', "", html, flags=re.S)
        html = re.sub(r'aria-label="Filter [^"]*"', "", html)
    if _template_untranslated("components/list_toolbar.html"):
        html = re.sub(r'<div class="list-toolbar">.*?</div>', "", html, flags=re.S)
    if _template_untranslated("components/pagination.html"):
        html = re.sub(r'<nav class="pagination".*?</nav>', "", html, flags=re.S)
    if _in_french(YES_NO.choices[0][1]) == YES_NO.choices[0][1]:
        for value, text in YES_NO.choices:
            html = re.sub(rf'<option value="{value}"( selected)?>{text}</option>', "", html)
    placeholder = SEARCH.attrs.get("placeholder", "")
    if placeholder and _in_french(placeholder) == placeholder:
        html = html.replace(f'placeholder="{placeholder}"', "")
    for rule in all_rules():  # a rule's statement, while it is English
        html = html.replace(escape(str(rule.statement)), "")
    with translation.override("fr"):
        currencies = currency_choices()
    if currencies[0][1] == "EUR · Euro":  # the currency names, while they are English
        for _code, name in currencies:
            html = html.replace(f">{escape(name)}</option>", "></option>")
    english_keys = [key.replace("_", " ").capitalize() for key in EVIDENCE_KEYS]
    evidence = re.search(r'<table class="evidence">.*?</table>', html, flags=re.S)
    if evidence and any(f'<th scope="row">{k}</th>' in evidence[0] for k in english_keys):
        html = html.replace(evidence[0], "")
    return html


def assert_french_page(response) -> str:
    """The page answered in French, and every word of the interface on it is French.

    Returns the page with its no-break spaces as plain ones ("il y a 3 h", "200,00 €": Babel
    writes French with U+00A0 and U+202F), for the tests' exact strings."""
    assert response.status_code in (200, 400), response.status_code
    assert response.headers["Content-Language"] == "fr"
    html = response.content.decode()
    assert '<html lang="fr">' in html
    i18n.assert_french(_others_untranslated(html))
    return html.replace("\xa0", " ").replace("\u202f", " ")


# --- The store -------------------------------------------------------------------------------


@pytest.fixture
def french_ops(ops_user):
    set_preferred_language(ops_user, "fr")
    return ops_user


@pytest.fixture
def french_marketing(marketing_user):
    set_preferred_language(marketing_user, "fr")
    return marketing_user


class Store:
    """A small French store whose conflicts stand in every state."""

    def __init__(self, ops, marketing):
        now = timezone.now()
        with triggers.suspended():
            self.channel = ChannelFactory(name="Instagram")
            product = ProductFactory(title="Sérum éclat", handle="serum-eclat")
            self.sku = SKUFactory(code="SERUM-30", product=product)
            self.method = ShippingMethodFactory(
                name="Colissimo",
                countries=["FR", "BE"],
                min_days=2,
                max_days=3,
                free_shipping_threshold=Decimal("49"),
            )
            ShippingOverrideFactory(method=self.method, label="Pointe de Noël", extra_days=2)
            ShippingMethodFactory(name="Chronopost", countries=["FR"], min_days=1, max_days=1)
            ReturnPolicyFactory(
                name="Retours gratuits",
                window_days=30,
                is_free=True,
                countries=["FR"],
                excluded_categories=["Parfums"],
            )
            ReturnPolicyFactory(name="Retours Belgique", window_days=14, countries=["BE"])
            CheckoutCountryFactory(country="FR")
            CheckoutCountryFactory(country="BE", enabled=False)
            PromoCodeFactory(code="ETE20", value=Decimal("20"))
            code = PromoCodeFactory(
                code="MOINS5", kind="fixed", value=Decimal("5"), usage_limit=100, ends_at=None
            )
            code.channels.add(self.channel)
            SupportReplyFactory(
                title="Délai de livraison",
                text="Vos commandes arrivent sous 2 à 4 jours ouvrés.",
                stated_delivery_days=4,
            )
            self.live = CampaignFactory(
                channel=self.channel,
                name="Soldes d’été",
                status="live",
                budget=Decimal("2000"),
                starts_at=now - timedelta(days=10),
                ends_at=now + timedelta(days=10),
            )
            self.launch = CampaignFactory(channel=self.channel, name="Lancement sérum")

            def conflict(**fields):
                return ConflictFactory(
                    campaign=fields.pop("campaign", self.launch),
                    first_seen_at=fields.pop("first_seen_at", now - timedelta(hours=5)),
                    data_as_of=now - timedelta(hours=1),
                    **fields,
                )

            # Open and overdue by two days, on the live campaign: spend at risk.
            self.overdue = conflict(
                campaign=self.live,
                rule_code="STOCK_OUT",
                severity=Severity.BLOCKER,
                sku=self.sku,
                scope=f"sku:{self.sku.pk}",
                message="SERUM-30 n’a plus rien à promettre (0 unité).",
                evidence={"sku": "SERUM-30", "available_to_promise": 0},
                first_seen_at=now - timedelta(days=2),
                due_at=now - timedelta(days=2),
            )
            # Acknowledged and assigned, due in three hours, then reopened once.
            self.assigned = conflict(
                rule_code="DELIVERY_CLAIM_UNSUPPORTED",
                severity=Severity.WARNING,
                country="FR",
                scope="country:FR",
                message="La légende promet 48 h ; Colissimo livre en 3 jours.",
                evidence={
                    "method": "Colissimo",
                    "claimed_days": 2,
                    "max_days_at_campaign_dates": 3,
                },
                due_at=now + timedelta(hours=3, minutes=1),
                reopened_count=1,
            )
            # Waived for five days.
            self.waived = conflict(
                rule_code="PROMO_CODE_INVALID",
                severity=Severity.WARNING,
                scope="code:ETE21",
                message="Le code ETE21 est inconnu du paiement.",
                evidence={"code": "ETE21"},
                due_at=now + timedelta(days=1),
            )
            # Resolved by the checks (it was due an hour ago).
            self.resolved = conflict(
                rule_code="RETURN_CLAIM_EXCEEDS_POLICY",
                severity=Severity.INFO,
                state=ConflictState.RESOLVED,
                resolved_at=now - timedelta(minutes=30),
                scope="country:BE",
                country="BE",
                message="Retours promis sur 60 jours ; la politique en accorde 14.",
                evidence={},
                due_at=now - timedelta(hours=1),
            )
            # Open, with a waiver request from marketing.
            self.requested = conflict(
                rule_code="CHANNEL_GOVERNANCE_INCOMPLETE",
                severity=Severity.WARNING,
                scope="",
                message="La gouvernance d’Instagram est incomplète.",
                evidence={"channel": "Instagram"},
            )
        for c in (self.overdue, self.assigned, self.waived, self.resolved, self.requested):
            ConflictEvent.objects.create(
                conflict=c,
                at=c.first_seen_at,
                kind=ConflictEventKind.OPENED,
                to_state=ConflictState.OPEN,
            )
        services.acknowledge_conflicts([self.assigned.pk], ops)
        services.assign_conflicts([self.assigned.pk], ops, ops)
        services.waive_conflicts(
            [self.waived.pk],
            ops,
            reason="Le code sera créé lundi par l’équipe paiement.",
            until=now + timedelta(days=5),
        )
        services.request_waiver(
            self.requested.pk, marketing, "La fiche de gouvernance est en relecture."
        )
        for c in (self.overdue, self.assigned, self.waived, self.resolved, self.requested):
            c.refresh_from_db()


@pytest.fixture
def store(french_ops, french_marketing):
    return Store(french_ops, french_marketing)


# --- The queue -------------------------------------------------------------------------------


def test_the_queue_in_french_for_ops(login, french_ops, store):
    page = assert_french_page(login(french_ops).get(QUEUE))
    assert "<h1>File des conflits</h1>" in page
    # The bulk bar, shown once rows are selected.
    assert "Sur la sélection" in page and "Attribuer à" in page
    assert ">Prendre en charge</button>" in page and ">Exempter</button>" in page
    assert "(≤ 30 jours)" in page
    # Severities, states and relative times, as French reads them.
    assert ">Bloquant</span>" in page and ">Alerte</span>" in page
    assert ">Pris en charge</span>" in page and ">exemption demandée</span>" in page
    assert "en retard de 2 j" in page
    assert "dans 3 h" in page
    assert "il y a 2 j" in page  # the overdue one's age
    # Spend at risk in the campaign's currency, written the French way.
    assert "200,00 €" in page
    assert "Regrouper par correction" in page


def test_the_queue_with_every_state_and_a_filter(login, french_ops, store):
    client = login(french_ops)
    every = [s.value for s in ConflictState]
    page = assert_french_page(client.get(QUEUE, {"state": every}))
    assert ">Exempté</span>" in page and ">Résolu</span>" in page
    assert "— résolu" in page  # nothing due on a resolved conflict
    assert "— exempté" in page
    assert "dans 3 h" in page  # the standing one still says when it is due

    only_open = assert_french_page(client.get(QUEUE, {"state": "open", "overdue": "true"}))
    assert reverse("promises:conflict-detail", args=[store.overdue.pk]) in only_open
    assert reverse("promises:conflict-detail", args=[store.requested.pk]) not in only_open
    # The filter fields the queue keeps: labelled in French.
    assert ">Gravité</label>" in only_open and ">En retard</label>" in only_open
    assert ">N° de campagne</label>" in only_open


def test_an_empty_queue_says_so_in_french(login, french_ops, store):
    page = assert_french_page(login(french_ops).get(QUEUE, {"rule": "PRICE_MISMATCH"}))
    assert "Aucun conflit ne correspond à ces filtres." in page


def test_the_queue_for_marketing_has_no_bulk_bar(login, french_marketing, store):
    page = assert_french_page(login(french_marketing).get(QUEUE))
    assert "Sur la sélection" not in page
    assert "File des conflits" in page and "en retard de 2 j" in page


def test_a_bulk_action_tells_in_french(login, french_ops, store):
    client = login(french_ops)
    ids = [store.overdue.pk, store.requested.pk, store.assigned.pk]
    answer = client.post(
        reverse("promises:conflict-bulk"), {"ids": ids, "action": "acknowledge", "next": QUEUE}
    )
    assert answer.status_code == 302
    page = assert_french_page(client.get(QUEUE))
    assert (
        "2 conflits pris en charge. 1 laissé tel quel (déjà dans cet état, ou plus en cours)."
        in page
    )


def test_a_refused_bulk_waive_comes_back_in_french(login, french_ops, store):
    answer = login(french_ops).post(
        reverse("promises:conflict-bulk"),
        {"ids": [store.overdue.pk], "action": "waive", "reason": "", "next": QUEUE},
    )
    assert answer.status_code == 400
    page = assert_french_page(answer)
    assert "Corrigez l’action et réessayez" in page
    assert "Une exemption demande un motif." in page
    assert "Une exemption demande une échéance." in page
    assert store.overdue.message in page  # the selection is kept


# --- By fix ----------------------------------------------------------------------------------


def test_the_queue_by_fix_in_french(login, french_ops, french_marketing, store):
    page = assert_french_page(login(french_ops).get(BY_FIX))
    assert "<h1>Conflits par correction</h1>" in page
    assert "3 corrections · 3 conflits en cours" in page
    assert "Stock de SERUM-30" in page and "Mode de livraison Colissimo" in page
    assert "Code promo ETE21" not in page  # waived: not standing
    assert "Gouvernance du canal Instagram" in page
    assert "corriger une fois, résoudre 1" in page
    assert "Sur la sélection" in page

    marketing = assert_french_page(login(french_marketing).get(BY_FIX))
    assert "Stock de SERUM-30" in marketing and "Sur la sélection" not in marketing


# --- One conflict ----------------------------------------------------------------------------


def _detail(conflict: Conflict) -> str:
    return reverse("promises:conflict-detail", args=[conflict.pk])


def test_an_assigned_conflict_with_its_history_for_ops(login, french_ops, store):
    page = assert_french_page(login(french_ops).get(_detail(store.assigned)))
    assert "Ce que dit la règle" in page and "Où le corriger" in page
    assert "Mode de livraison Colissimo et ses ajustements" in page
    assert "Promis face au possible" in page and "Jours de livraison" in page
    assert "dans 3 h" in page
    assert "Rouvert</dt><dd>1 fois</dd>" in page
    assert f"Attribué à {french_ops.get_username()}" in page  # the history's own note
    assert "<td>Ouvert → Pris en charge</td>" in page
    assert "moteur de contrôles" in page  # the opening, by the engine
    assert "(au plus 30 jours)" in page and ">Ajouter la note</button>" in page


def test_an_overdue_conflict_and_a_waived_one(login, french_ops, store):
    client = login(french_ops)
    overdue = assert_french_page(client.get(_detail(store.overdue)))
    assert "en retard de 2 j" in overdue
    assert "Stock de SERUM-30" in overdue

    waived = assert_french_page(client.get(_detail(store.waived)))
    assert "Exempté jusqu’au" in waived and "dans 5 j" in waived
    assert "Le code sera créé lundi par l’équipe paiement." in waived
    assert "Jusqu’au " in waived  # the waiver's history note, in French
    assert "La règle n’a enregistré aucun élément." not in waived


def test_a_resolved_conflict_says_nothing_is_due(login, french_ops, store):
    page = assert_french_page(login(french_ops).get(_detail(store.resolved)))
    assert "aucune échéance : résolu" in page
    assert "(échéance prévue : " in page
    assert "La règle n’a enregistré aucun élément." in page


def test_a_waiver_request_in_french(login, french_ops, french_marketing, store):
    marketer = assert_french_page(login(french_marketing).get(_detail(store.overdue)))
    assert "Demander une exemption" in marketer
    assert "Pourquoi les opérations devraient-elles l’exempter ?" in marketer
    assert "Sur la sélection" not in marketer and "Agir" not in marketer

    refused = login(french_marketing).post(
        reverse("promises:conflict-request-waiver", args=[store.overdue.pk]), {"reason": " "}
    )
    assert refused.status_code == 400
    assert "Dites pourquoi le conflit devrait être exempté." in assert_french_page(refused)

    ops = assert_french_page(login(french_ops).get(_detail(store.requested)))
    assert ">Accorder l’exemption</button>" in ops and ">exemption demandée</span>" in ops
    assert "La fiche de gouvernance est en relecture." in ops


def test_a_refused_waive_keeps_the_form_in_french(login, french_ops, store):
    later = (timezone.localtime() + timedelta(days=60)).strftime("%Y-%m-%dT%H:%M")
    answer = login(french_ops).post(
        _detail(store.overdue), {"action": "waive", "reason": "En attente", "until": later}
    )
    assert answer.status_code == 400
    page = assert_french_page(answer)
    assert "Une exemption dure au plus 30 jours." in page
    assert "En attente</textarea>" in page


def test_an_action_on_a_conflict_tells_in_french(login, french_ops, store):
    client = login(french_ops)
    answer = client.post(_detail(store.overdue), {"action": "acknowledge"}, follow=True)
    page = assert_french_page(answer)
    assert "Conflit pris en charge." in page
    again = client.post(_detail(store.overdue), {"action": "acknowledge"}, follow=True)
    assert "Rien n’a changé : le conflit était déjà dans cet état." in assert_french_page(again)


# --- The promises ----------------------------------------------------------------------------

PROMISE_LISTS = [
    ("promises:shipping-list", "Modes de livraison", "Pointe de Noël +2 j"),
    ("promises:return-list", "Politiques de retour", "30 jours"),
    ("promises:checkoutcountry-list", "Pays de paiement", "désactivé"),
    ("promises:promocode-list", "Codes promo", "20 %"),
    ("promises:reply-list", "Réponses du support", "Livraison"),
]


@pytest.mark.parametrize("list_name, title, shown", PROMISE_LISTS)
def test_each_promise_list_in_french(
    login, french_ops, french_marketing, store, list_name, title, shown
):
    page = assert_french_page(login(french_ops).get(reverse(list_name)))
    assert f"<h1>{title}</h1>" in page and shown in page
    assert ">Ajouter</a>" in page and ">Modifier<" in page
    marketing = assert_french_page(login(french_marketing).get(reverse(list_name)))
    assert f"<h1>{title}</h1>" in marketing and ">Ajouter</a>" not in marketing


def test_an_empty_promise_list_says_so_in_french(login, french_ops, store):
    page = assert_french_page(
        login(french_ops).get(reverse("promises:promocode-list"), {"q": "NOPE"})
    )
    assert "Aucun code promo ne correspond à ces filtres." in page


def test_the_shipping_method_page_in_french(login, french_ops, store):
    page = assert_french_page(
        login(french_ops).get(reverse("promises:shipping-detail", args=[store.method.pk]))
    )
    assert "2–3 jours" in page and "au paiement" in page
    assert "Conflits en cours qui le citent" in page and "Ajouter un ajustement" in page
    assert "Gratuit dès" in page and "49,00 €" in page


@pytest.mark.parametrize(
    "name, heading",
    [
        ("promises:shipping-add", "Nouveau mode de livraison"),
        ("promises:return-add", "Nouvelle politique de retour"),
        ("promises:checkoutcountry-add", "Nouveau pays de paiement"),
        ("promises:promocode-add", "Nouveau code promo"),
        ("promises:reply-add", "Nouvelle réponse du support"),
    ],
)
def test_each_promise_form_in_french(login, french_ops, store, name, heading):
    page = assert_french_page(login(french_ops).get(reverse(name)))
    assert f"<h1>{heading}</h1>" in page and ">Enregistrer</button>" in page


def test_an_edit_form_and_a_delete_page_in_french(login, french_ops, store):
    client = login(french_ops)
    edit = assert_french_page(client.get(reverse("promises:shipping-edit", args=[store.method.pk])))
    assert "<h1>Modifier Colissimo (2-3 jours)</h1>" in edit
    assert "Livraison la plus rapide, en jours." in edit  # a help text
    override = store.method.overrides.get()
    assert "Nouvel ajustement pour Colissimo" in assert_french_page(
        client.get(reverse("promises:override-add", args=[store.method.pk]))
    )
    assert "Modifier Pointe de Noël pour Colissimo" in assert_french_page(
        client.get(reverse("promises:override-edit", args=[override.pk]))
    )
    delete = assert_french_page(
        client.get(reverse("promises:shipping-delete", args=[store.method.pk]))
    )
    assert "Supprimer Colissimo (2-3 jours) ?" in delete


def test_a_form_with_validation_errors_in_french(login, french_ops, store):
    answer = login(french_ops).post(
        reverse("promises:promocode-add"),
        {
            "code": "ete20",  # the same code, in another case
            "kind": "percentage",
            "value": "0",
            "currency": "EUR",
            "starts_at": "2026-07-10T10:00",
            "ends_at": "2026-07-01T10:00",
            "applies_to": "all",
            "usage_count": "0",
        },
    )
    assert answer.status_code == 200 and answer.context["form"].errors
    page = assert_french_page(answer)
    assert "Un code ETE20 existe déjà." in page
    assert "Une remise doit être supérieure à zéro." in page
    assert "Le code ne peut pas finir avant de commencer." in page

    saved = login(french_ops).post(
        reverse("promises:checkoutcountry-add"), {"country": "DE", "enabled": "on"}, follow=True
    )
    page = assert_french_page(saved)
    assert "Enregistrement effectué : Allemagne (activé)." in page


# --- Check runs ------------------------------------------------------------------------------


def test_check_runs_in_french(login, french_ops, french_marketing, store):
    now = timezone.now()
    CheckRunFactory(started_at=now - timedelta(hours=3), opened=4, resolved=1)
    CheckRunFactory(
        trigger="change",
        status="failed",
        started_at=now - timedelta(minutes=20),
        duration_ms=1250,
        errors=2,
        error_details=[{"campaign": 1, "error": "boom"}],
    )
    for user in (french_ops, french_marketing):
        page = assert_french_page(login(user).get(reverse("promises:checkrun-list")))
        assert "<h1>Contrôles</h1>" in page
        assert ">Réussie</span>" in page and ">Échouée</span>" in page
        assert "Passage périodique" in page and "Après une modification" in page
        assert "1 250 ms" in page
        assert "il y a 3 h" in page


# --- The admin and the forms' help -----------------------------------------------------------


def test_the_admin_actions_and_names_in_french(login, admin_user, store):
    admin_user.is_staff = True
    admin_user.save(update_fields=["is_staff"])
    set_preferred_language(admin_user, "fr")
    answer = login(admin_user).get(reverse("admin:promises_conflict_changelist"))
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Prendre en charge les conflits sélectionnés" in page
    assert "Exempter les conflits sélectionnés (motif et échéance)…" in page
    assert "Code de la règle" in page  # a column: the field's verbose name


def test_a_help_text_made_at_import_is_translated_when_shown():
    from promises.admin import WaiverForm
    from promises.forms import ConflictActionForm

    with translation.override("fr"):
        assert str(ConflictActionForm.base_fields["until"].help_text) == (
            "Au plus 30 jours à l’avance."
        )
        assert str(WaiverForm.base_fields["until"].help_text) == "Au plus 30 jours à l’avance."
    assert str(WaiverForm.base_fields["until"].help_text) == "At most 30 days ahead."


# --- The checker itself ----------------------------------------------------------------------


def test_a_block_that_fills_attributes_is_not_words():
    source = '{% block main_class %} class="wide"{% endblock %}<p>left</p>'
    assert i18n.template_literals(source) == ["left"]


def test_the_french_check_still_sees_english_outside_what_others_translate():
    statement = escape(str(next(iter(all_rules())).statement))
    html = (
        f'<html lang="fr"><main><h1>File des conflits</h1><p>{statement}</p>'
        "<p>overdue by 2 days</p></main></html>"
    )
    assert i18n.english_leftovers(_others_untranslated(html)) == ["overdue by 2 days"]


def test_rule_codes_are_not_english_words():
    assert i18n.english_leftovers("<td><code>STOCK_OUT</code> sur Soldes</td>") == []
    assert i18n.english_leftovers("<td>Stock out</td>") == ["Stock out"]


def test_a_code_that_may_wrap_is_still_one_code():
    assert i18n.visible_texts("<code>STOCK_<wbr>OUT</code>") == ["STOCK_OUT"]
    assert i18n.english_leftovers("<td><code>STOCK_<wbr>OUT</code></td>") == []

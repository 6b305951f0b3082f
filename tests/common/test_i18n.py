"""The French interface: every template and message marked, translated, compiled; each person
reads SocialOps in the language they picked, or their browser's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from common.i18n import language_of, preferred_language, set_preferred_language
from common.models import UserPreference
from tests import i18n

pytestmark = pytest.mark.django_db


# --- The catalog ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "template", i18n.templates(), ids=lambda p: str(p.relative_to(i18n.TEMPLATE_DIR))
)
def test_every_template_marks_the_words_it_shows(template):
    literals = i18n.template_literals(template.read_text())
    assert not literals, f"{template.name} shows words no translate tag marks: {literals}"


def test_the_template_check_finds_an_unmarked_word():
    source = (
        '{% load i18n %}<h1>{% translate "Conflicts" %}</h1><p title="Open it">{{ n }} left</p>'
        '{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}<script>var a = "b";</script>'
    )
    assert i18n.template_literals(source) == ["Open it", "left"]


def test_attributes_a_block_hands_to_its_parent_are_not_words():
    source = '{% block main_class %} class="wide"{% endblock %}{% block content %}<p>Hi</p>'
    assert i18n.template_literals(source) == ["Hi"]


def test_every_marked_message_has_a_french_translation():
    missing = sorted(
        (i18n.source_messages() - i18n.catalog_keys("django")), key=lambda m: m[1]
    ) + sorted(i18n.script_messages() - i18n.catalog_keys("djangojs"), key=lambda m: m[1])
    assert not missing, "Not in the French catalog (run `make messages`): " + repr(missing[:20])
    for domain in ("django", "djangojs"):
        for message in i18n.catalog(domain):
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            assert all(strings), f"{domain}.po: {message.id!r} has no French"
            assert "fuzzy" not in message.flags, f"{domain}.po: {message.id!r} is fuzzy"


def test_french_keeps_every_placeholder():
    for domain in ("django", "djangojs"):
        problems = [
            (message.id, [str(e) for e in errors])
            for message, errors in i18n.catalog(domain).check()
        ]
        assert not problems, problems


def test_the_compiled_catalog_is_the_one_in_the_po_file():
    """locale/fr/*.mo is compiled from the .po beside it (`make messages`)."""
    for domain in ("django", "djangojs"):
        mo = i18n.compiled(domain)
        for message in i18n.catalog(domain):
            if not message.id:
                continue
            if isinstance(message.id, tuple):
                many = message.id[1]
                got = (
                    mo.npgettext(message.context, message.id[0], many, 1)
                    if (message.context)
                    else mo.ngettext(message.id[0], many, 1)
                )
                assert got == message.string[0], message.id
            else:
                got = (
                    mo.pgettext(message.context, message.id)
                    if message.context
                    else mo.gettext(message.id)
                )
                assert got == message.string, message.id
        assert mo.info().get("plural-forms", "").startswith("nplurals=2; plural=(n > 1)")


def test_english_leftovers_are_found_on_a_french_page():
    html = "<main><h1>Campagnes</h1><p>Nothing has changed</p><p>Accueil</p></main>"
    assert i18n.english_leftovers(html) == ["Nothing has changed"]


def test_codes_are_not_english_leftovers():
    """A rule code or a CSV header in <code> reads the same in every language; the same
    words outside it are an untranslated phrase."""
    html = "<p><code>STOCK_OUT</code> <code>Cost per item</code></p><p>Out of stock</p>"
    assert i18n.english_leftovers(html) == ["Out of stock"]


def test_an_address_or_a_rule_code_on_a_french_page_is_data_not_english():
    html = (
        "<p>Produit gid://shopify/Product/404 introuvable</p><p>STOCK_OUT</p>"
        "<p>the product</p><p>STOCK OUT</p>"
    )
    assert i18n.english_leftovers(html) == ["the product", "STOCK OUT"]


# --- Each person's language --------------------------------------------------------------------


def test_a_new_visitor_reads_the_browser_language(client):
    english = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    assert english.headers["Content-Language"] == "en-us"
    assert "Log in to SocialOps" in english.content.decode()

    french = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5")
    assert french.headers["Content-Language"] == "fr"
    page = french.content.decode()
    assert '<html lang="fr">' in page
    assert "Connexion à SocialOps" in page
    i18n.assert_french(page)
    assert "Accept-Language" in french.headers["Vary"]


def test_a_person_picks_a_language_that_wins_over_the_browser(client, marketing_user):
    user = marketing_user
    client.force_login(user)
    assert preferred_language(user) == ""

    answer = client.post(reverse("set-language"), {"language": "fr", "next": reverse("home")})
    assert answer.status_code == 302 and answer.headers["Location"] == reverse("home")
    assert UserPreference.objects.get(user=user).language == "fr"

    # Another device: no cookie, an English browser; the stored choice still holds.
    user.refresh_from_db()
    other = client.__class__()
    other.force_login(user)
    home = other.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US")
    assert home.headers["Content-Language"] == "fr"
    assert '<html lang="fr">' in home.content.decode()
    assert language_of(user) == "fr"


def test_following_the_browser_again(client, ops_user):
    user = ops_user
    set_preferred_language(user, "fr")
    client.force_login(user)
    client.post(reverse("set-language"), {"language": ""})
    user.refresh_from_db()
    assert preferred_language(user) == ""
    home = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US")
    assert home.headers["Content-Language"] == "en-us"


def test_an_unknown_language_or_an_outside_address_is_refused_quietly(client, ops_user):
    user = ops_user
    client.force_login(user)
    answer = client.post(
        reverse("set-language"), {"language": "tlh", "next": "https://evil.example/"}
    )
    assert answer.status_code == 302 and answer.headers["Location"] == reverse("home")
    assert preferred_language(user) == ""


def test_the_language_picker_is_on_the_login_page_too(client):
    page = client.get(reverse("login")).content.decode()
    assert 'action="/language/"' in page
    assert '<option value="fr" lang="fr">Français</option>' in page
    # A language chosen before logging in is kept in the cookie.
    client.post(reverse("set-language"), {"language": "fr", "next": reverse("login")})
    assert client.get(reverse("login")).headers["Content-Language"] == "fr"


def test_the_scripts_get_their_strings_in_the_page_language(client):
    catalog = client.get(reverse("javascript-catalog"), HTTP_ACCEPT_LANGUAGE="fr")
    assert catalog.status_code == 200
    # JSON in the script: "sélectionnée" with its accents escaped.
    assert "s\\u00e9lectionn\\u00e9e" in catalog.content.decode()

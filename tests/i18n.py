"""What "translated" means, for the tests of every app.

Three checks, each able to fail on its own:

- `template_literals(source)`: the words a template would show that no `{% translate %}` or
  `{% blocktranslate %}` marks (text between tags and the visible attributes: title,
  placeholder, aria-label, alt, data-label, data-confirm, a button's value);
- `catalog()` / `source_messages()`: the French catalog, and every message the code and the
  templates mark (read with Django's own template-to-gettext conversion and Babel's
  extractor, so the test needs no gettext tools);
- `english_leftovers(html)`: the English words a page rendered in French still shows: the
  words of the catalog's English messages that none of its French messages uses, and the
  English words no French sentence has ("the", "with"...).

A page's data (captions, product names) is the brand's, not the interface's: tests that use
`english_leftovers` build their data in French or with neutral names.
"""

from __future__ import annotations

import gettext
import io
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.extract import extract
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale"
SOURCE_DIRS = [
    "common",
    "catalog",
    "campaigns",
    "insights",
    "promises",
    "integrations",
    "notifications",
    "socialops",
]
TEMPLATE_DIR = ROOT / "templates"
JS_FILES = [ROOT / "static" / "js" / "app.js", ROOT / "static" / "js" / "forms.js"]

# Attributes a person reads (or a screen reader says).
VISIBLE_ATTRIBUTES = {
    "title",
    "placeholder",
    "aria-label",
    "aria-description",
    "alt",
    "data-label",
    "data-confirm",
}
# Names and codes that read the same in every language.
UNTRANSLATED_WORDS = {
    "SocialOps",
    "Social",
    "Ops",
    "Shopify",
    "Meta",
    "TikTok",
    "Pinterest",
    "Google",
    "Slack",
    "API",
    "CSV",
    "JSON",
    "URL",
    "HTTP",
    "HTTPS",
    "SKU",
    "ID",
    "UTC",
    "KPI",
    "ROAS",
    "EUR",
    "GMV",
    "Apprise",
    "OpenAPI",
    "Swagger",
    "ReDoc",
    "Webhook",
    "htmx",
    "Markdown",
    # Shopify's CSV column names, quoted in import reports as the file has them.
    "Image",
    "Src",
}

_TAGS = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
_BLOCKS = re.compile(
    r"{%\s*(blocktrans(?:late)?|comment)\b.*?%}.*?{%\s*end(?:blocktrans(?:late)?|comment)\s*%}",
    re.S,
)
_VERBATIM_CODE = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
_PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdif]|\{\w*\}")
# Markup a block hands to its parent's tag (`{% block main_class %} class="wide"{% endblock %}`
# fills `<main{% block main_class %}{% endblock %}>`): outside a tag in the child's source, but
# attributes on the page, not words.
_ATTRIBUTE_TEXT = re.compile(r'[\w:-]+="[^"]*"')
# An address (https://..., gid://shopify/Product/1) is data in any language, not words.
_ADDRESS = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.I)
# Codes in capitals joined by underscores (rule codes: STOCK_OUT) read the same in every
# language.
_CODE = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")


def _words_needing_translation(text: str) -> list[str]:
    words = _WORD.findall(_PLACEHOLDER.sub(" ", _CODE.sub(" ", text)))
    return [w for w in words if w not in UNTRANSLATED_WORDS and _LETTER.search(w)]


class _Visible(HTMLParser):
    """Collects the text a person sees, and the visible attributes, skipping scripts/styles
    (and, with `skip`, other elements whose text is not the interface's: <code>)."""

    def __init__(self, skip: tuple[str, ...] = ()) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0
        self._skipped = ("script", "style", "template", *skip)
        # A <wbr> (a place a word may wrap) does not end the word: STOCK_<wbr>OUT is one code.
        self._joined = False

    def handle_starttag(self, tag, attrs):
        if tag == "wbr":
            self._joined = bool(self.texts)
            return
        if tag in self._skipped:
            self._skip += 1
        attributes = dict(attrs)
        for name, value in attrs:
            if value and name in VISIBLE_ATTRIBUTES:
                self.texts.append(value)
        if (
            tag == "input"
            and attributes.get("type") in ("submit", "button", "reset")
            and attributes.get("value")
        ):
            self.texts.append(attributes["value"])

    def handle_endtag(self, tag):
        if tag in self._skipped and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if self._skip:
            # Inside a skipped element (a <code> with a <wbr>): nothing joins the text before.
            self._joined = False
        elif self._joined:
            self._joined = False
            self.texts[-1] += data
        elif data.strip():
            self.texts.append(data)


def visible_texts(html: str, skip: tuple[str, ...] = ()) -> list[str]:
    parser = _Visible(skip)
    parser.feed(html)
    parser.close()
    return parser.texts


def template_literals(source: str) -> list[str]:
    """The literal words of a template that no translation tag marks."""
    source = _BLOCKS.sub(" ", source)
    source = _TAGS.sub(" ", source)
    source = _VERBATIM_CODE.sub(" ", source)
    found: list[str] = []
    for text in visible_texts(source):
        words = _words_needing_translation(_ATTRIBUTE_TEXT.sub(" ", text))
        if words:
            found.append(" ".join(text.split()))
    return found


def templates() -> list[Path]:
    return sorted(TEMPLATE_DIR.rglob("*.html"))


# --- The catalog and the messages the code marks --------------------------------------------


@cache
def catalog(domain: str = "django", language: str = "fr"):
    path = LOCALE / language / "LC_MESSAGES" / f"{domain}.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


@cache
def compiled(domain: str = "django", language: str = "fr") -> gettext.GNUTranslations:
    path = LOCALE / language / "LC_MESSAGES" / f"{domain}.mo"
    with path.open("rb") as handle:
        return gettext.GNUTranslations(handle)


# Django's markers (makemessages' own list): name -> where the message, plural and context are.
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}


def _key(message, context) -> tuple[str | None, str]:
    singular = message[0] if isinstance(message, (tuple, list)) else message
    return (context or None, singular)


def _extracted(method: str, source: str, keywords=KEYWORDS) -> set[tuple[str | None, str]]:
    found = set()
    for _lineno, message, _comments, context in extract(
        method, io.BytesIO(source.encode()), keywords=keywords
    ):
        found.add(_key(message, context))
    return found


@cache
def source_messages() -> frozenset[tuple[str | None, str]]:
    """Every (context, message) the Python code and the templates mark for translation."""
    found: set[tuple[str | None, str]] = set()
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            found |= _extracted("python", path.read_text())
    for path in templates():
        # Django's own conversion (what makemessages feeds xgettext).
        # Its lines keep the template's indentation, which Python's tokenizer refuses: the
        # calls are one per line, so the lines are read unindented.
        converted = templatize(path.read_text(), origin=str(path))
        found |= _extracted("python", "\n".join(line.lstrip() for line in converted.splitlines()))
    return frozenset(m for m in found if m[1])


@cache
def script_messages() -> frozenset[tuple[str | None, str]]:
    found: set[tuple[str | None, str]] = set()
    for path in JS_FILES:
        found |= _extracted("javascript", path.read_text())
    return frozenset(m for m in found if m[1])


def catalog_keys(domain: str = "django") -> set[tuple[str | None, str]]:
    return {_key(m.id, m.context) for m in catalog(domain) if m.id}


# --- A French page that still shows English --------------------------------------------------

# English words no French sentence uses (a French page showing one shows an English phrase).
_ENGLISH_ONLY_WORDS = """
    the and with without for from this that these those has have had was were will would
    been being are is isn't aren't doesn't don't can't won't not your you they their them its
    it's when which who whom what why how than into onto over under after before because
    should could must may might shall here there where while each every any some none only
    also just still yet again already never always our out off yes no please"""
ENGLISH_ONLY = set(_ENGLISH_ONLY_WORDS.split())


@cache
def english_vocabulary() -> frozenset[str]:
    """Lower-case words of the catalog's English messages that none of its French ones uses."""
    english: set[str] = set()
    french: set[str] = set()
    for domain in ("django", "djangojs"):
        for message in catalog(domain):
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
            strs = (
                message.string if isinstance(message.string, (tuple, list)) else (message.string,)
            )
            for text in ids:
                english.update(w.lower() for w in _words_needing_translation(text))
            for text in strs:
                french.update(w.lower() for w in _words_needing_translation(text or ""))
    return frozenset(w for w in english - french if len(w) > 2) | ENGLISH_ONLY


# Elements holding codes, which no language translates (rule codes like STOCK_OUT, a CSV's
# column headers, API field names): their words are not the interface's.
CODE_ELEMENTS = ("code",)


# A currency picker's option: its ISO code and Babel's (CLDR's) name for it in the page's
# language ("ALL · lek albanais"); codes like ALL or TRY are not English words.
_CURRENCY_OPTION = re.compile(r"^\s*[A-Z]{3} · ")


def english_leftovers(html: str) -> list[str]:
    """The texts of a French page that still read as English (codes in <code> aside)."""
    vocabulary = english_vocabulary()
    leftovers = []
    for text in visible_texts(html, skip=CODE_ELEMENTS):
        if _CURRENCY_OPTION.match(text):
            continue
        words = {w.lower() for w in _words_needing_translation(_ADDRESS.sub(" ", text))}
        if words & vocabulary:
            leftovers.append(" ".join(text.split()))
    return leftovers


_TITLE = re.compile(r"<title>.*?</title>", re.S)
_MAIN = re.compile(r"<main\b.*?</main>", re.S)


def page_content(response_or_html) -> str:
    """A page's own words: its <title> and its <main>, without the shared shell around them
    (the navigation and the account menu), which the shell's own tests check."""
    html = (
        response_or_html if isinstance(response_or_html, str) else response_or_html.content.decode()
    )
    parts = _TITLE.findall(html) + _MAIN.findall(html)
    assert parts, "No <title> or <main> on the page"
    return "\n".join(parts)


def assert_french(response_or_html) -> None:
    """The page is in French: every interface text on it is translated."""
    html = (
        response_or_html if isinstance(response_or_html, str) else response_or_html.content.decode()
    )
    leftovers = english_leftovers(html)
    assert not leftovers, "English left on a French page:\n  " + "\n  ".join(leftovers)

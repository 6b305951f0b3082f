"""An automated accessibility check: axe-core, run by Playwright in real Chromium, on the main
pages as each role that uses them, at desktop and phone sizes. No serious or critical
violation is allowed (axe's "impact"; minor and moderate ones are reported, not failed).

axe-core is vendored under tests/browser/vendor/ (MPL-2.0, see its README): test tooling only.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from promises.models import Conflict
from socialops.models import ImportJob
from tests.browser.conftest import BROWSER
from tests.browser.test_exec import _history
from tests.browser.test_ops import _store

pytestmark = BROWSER

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
# The WCAG 2.1 A and AA rules, and axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING = {"serious", "critical"}


def _violations(page) -> list[dict]:
    # Evaluated through the DevTools protocol: the pages' CSP (script-src 'self') rightly
    # refuses an injected <script>, and the check must see the page as it is served.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [v for v in result["violations"] if v["impact"] in FAILING]


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        lines.append(f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])}x: {targets})")
    return "\n".join(lines)


def _check(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    found = _violations(page)
    assert not found, f"{url} at {page.viewport_size['width']} px:\n{_describe(found)}"


@pytest.fixture
def shop(marketing_user):
    """A store with a campaign, its conflicts, the exec figures and a finished import."""
    world = _store(marketing_user)
    _history(world.channel, 4, D("42.00"), D("80"), D("1.3"))
    job = ImportJob.objects.create(
        kind="inventory",
        file="imports/inventory.csv",
        original_name="inventory.csv",
        status="succeeded",
        rows_total=3,
        rows_processed=3,
        updated=2,
        refused=1,
        errors=[{"line": 3, "column": "Available", "message": "Not a whole number"}],
        errors_total=1,
        finished_at=timezone.now(),
    )
    return world, world.channel, job


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_main_pages_have_no_serious_accessibility_violation(
    browse, shop, viewport, marketing_user, ops_user, exec_user
):
    world, tiktok, job = shop
    conflict = Conflict.objects.get(rule_code="DELIVERY_CLAIM_UNSUPPORTED")
    pages = {
        marketing_user: [
            reverse("home"),
            reverse("campaigns:detail", args=[world.campaign.pk]),
            reverse("campaigns:create"),
            reverse("promises:conflict-detail", args=[conflict.pk]),
        ],
        ops_user: [
            reverse("home"),
            reverse("promises:conflict-list"),
            reverse("promises:conflict-detail", args=[conflict.pk]),
            reverse("imports:list"),
            reverse("imports:new"),
            reverse("imports:detail", args=[job.pk]),
        ],
        exec_user: [
            reverse("home"),
            reverse("insights:channel-list"),
            reverse("insights:channel-list") + "?columns=all",
            reverse("insights:channel-detail", args=[tiktok.pk]),
        ],
    }
    for user, urls in pages.items():
        page = browse(user, viewport=viewport)
        for url in urls:
            _check(page, url)


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_shell_in_french_has_no_serious_accessibility_violation(
    browse, shop, viewport, marketing_user, ops_user, exec_user, admin_user
):
    """The same check with each person reading French: longer words, the language picker
    in the top bar, the pages' lang attribute."""
    from common.i18n import set_preferred_language

    *_, job = shop
    pages = {
        marketing_user: [reverse("home")],
        ops_user: [
            reverse("home"),
            reverse("imports:list"),
            reverse("imports:new"),
            reverse("imports:detail", args=[job.pk]),
            reverse("imports:help"),
        ],
        exec_user: [reverse("home")],
        admin_user: [reverse("home"), reverse("users:list")],
    }
    for user, urls in pages.items():
        set_preferred_language(user, "fr")
        page = browse(user, viewport=viewport)
        for url in urls:
            _check(page, url)
            assert page.locator("html").get_attribute("lang") == "fr", url
    login = browse(viewport=viewport)
    login.set_extra_http_headers({"Accept-Language": "fr-FR,fr;q=0.9"})
    _check(login, reverse("login"))
    assert login.locator("html").get_attribute("lang") == "fr"

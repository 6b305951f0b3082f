"""Browser tests: real headless Chromium (Debian's, at /usr/bin/chromium) driven by Playwright
against a live server. Screenshots of the pages land in `test-output/screenshots/` (or
SCREENSHOT_DIR) for people to look at.

Without Chromium the browser tests are skipped with the reason, except in CI (`CI=true`),
where a missing browser is a failure: `.ci/run` installs it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(
    os.environ.get("SCREENSHOT_DIR", Path(settings.BASE_DIR) / "test-output" / "screenshots")
)


# Each browser test module sets `pytestmark = BROWSER`: the live server answers from another
# thread, so the tests cannot run inside a rolled-back transaction. The database is flushed
# after each test, which also empties the role groups the data migrations made; the
# `role_groups` fixture below puts them back. Browser tests run last (tests/conftest.py):
# once Playwright's sync API has run, Django's connections live in another contextvars
# context and have lost the serialized database that `serialized_rollback` tests restore.
BROWSER = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def role_groups(request) -> None:
    if "live_server" not in request.fixturenames and "browse" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.management import create_contenttypes

    from socialops.roles import apply_role_permissions

    # A serialized-rollback test before this one flushes without re-creating content types
    # and permissions (its own setup restores them); make sure they are here.
    for app_config in apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0)
        create_permissions(app_config, verbosity=0)
    apply_role_permissions(Group, Permission)


def _browser_missing() -> str | None:
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        return f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    return None


@pytest.fixture(scope="module")
def chromium() -> Iterator:
    """One browser per test module.

    Playwright's sync API keeps an event loop in this thread while it is open, and Django
    refuses ORM calls where a loop runs; the ORM calls these tests make between browser
    steps are synchronous and safe, so the module allows them, and only while it runs.
    """
    missing = _browser_missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Browser tests need Chromium in CI: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browse(chromium, live_server) -> Iterator[Callable]:
    """browse(user, viewport=...) -> a Playwright page logged in as `user` on the live server.

    The session cookie comes from Django's test client login, so each test spends its time
    on the pages it is about, not on the login form (which has its own test).
    """
    contexts = []

    def open_as(user=None, *, viewport: dict | None = None):
        context = chromium.new_context(
            base_url=live_server.url, viewport=viewport or {"width": 1366, "height": 900}
        )
        context.set_default_timeout(10_000)
        if user is not None:
            # A client of its own per user: logging a second user into one client would
            # flush the first one's session.
            client = Client()
            client.force_login(user)
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                        "url": live_server.url,
                    }
                ]
            )
        contexts.append(context)
        return context.new_page()

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot() -> Callable:
    """screenshot(page, name): save a full-page PNG under test-output/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def pick(page, label: str, *choices: str) -> None:
    """Choose options in a Tom Select picker the way a person does: type, click the option.

    Works for the multi-selects (each click adds a chip) and the searchable SKU selects.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    control = page.get_by_role("combobox", name=label)
    wrapper = page.locator(".ts-wrapper").filter(has=control)
    for text in choices:
        if "single" in (wrapper.get_attribute("class") or ""):
            control.click()  # opens the dropdown with its search box focused
        else:
            control.focus()
            control.press("ControlOrMeta+a")
        page.keyboard.type(text)
        option = wrapper.locator(".ts-dropdown .option").filter(has_text=text).first
        try:
            option.wait_for(timeout=3000)
        except PlaywrightTimeout:
            control.click()  # the dropdown closed under a busy machine: a person clicks again
            option.wait_for()
        if "single" in (wrapper.get_attribute("class") or ""):
            # A single choice searches in its dropdown: Enter takes the highlighted match.
            wrapper.locator(".ts-dropdown .option.active").filter(has_text=text).wait_for()
            page.keyboard.press("Enter")
        else:
            option.click()  # a plain click adds a chip
        wrapper.locator(".ts-control .item").filter(has_text=text).first.wait_for()
    page.keyboard.press("Escape")
    control.blur()

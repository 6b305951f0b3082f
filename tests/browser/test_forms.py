"""Issue #15 in a real browser: pickers with chips, the campaign form's rows and hint, the
calendar's readiness, money and dates as people read them, imports, feeds, users, favicon.
Desktop and phone sizes; screenshots in test-output/screenshots/forms-*.png."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: F401 - documents the upload
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from promises.checks.engine import run_checks
from tests.browser.conftest import BROWSER, pick
from tests.factories import CampaignFactory, CampaignItemFactory
from tests.promises.conftest import World

pytestmark = BROWSER
PHONE = {"width": 390, "height": 844}


def _not_found(page) -> list[str]:
    """Collect the URLs answered 404 while the page is used."""
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    return missing


def _values(chips) -> list[str]:
    """The values of a picker's chips (their text ends with the remove cross)."""
    return chips.evaluate_all("els => els.map(e => e.dataset.value)")


def test_country_picker_shows_chips_and_a_click_adds(browse, screenshot, marketing_user):
    world = World(marketing_user)
    campaign = world.campaign
    campaign.target_countries = ["FR", "DE"]
    campaign.save()
    page = browse(marketing_user)
    missing = _not_found(page)
    page.goto(reverse("campaigns:edit", args=[campaign.pk]))
    chips = page.locator("#id_target_countries + .ts-wrapper .item")
    # The chosen countries show when the form opens.
    assert sorted(_values(chips)) == ["DE", "FR"]
    pick(page, "Target countries", "Belgium")
    assert chips.count() == 3  # added, not replaced
    # A chip's cross removes it.
    page.locator("#id_target_countries + .ts-wrapper .item", has_text="Germany").locator(
        ".remove"
    ).click()
    assert chips.count() == 2
    # The workflow hint, and no blank claim rows.
    assert page.locator("#workflow-hint").is_visible() is (campaign.status == "draft")
    assert (
        page.locator("#claims-rows fieldset").count()
        == campaign.claims.filter(source="entered").count()
    )
    page.get_by_role("button", name="+ Add a promise").click()
    assert page.locator("#claims-rows fieldset").count() >= 1
    page.get_by_role("button", name="Save campaign").click()
    page.wait_for_url(re.compile(r"/campaigns/\d+/$"))
    campaign.refresh_from_db()
    assert sorted(str(c.code) for c in campaign.target_countries) == ["BE", "FR"]
    screenshot(page, "forms-campaign-saved")
    assert not [url for url in missing if "favicon" in url]


def test_new_campaign_form_hint_sku_search_and_rows(browse, screenshot, marketing_user):
    world = World(marketing_user)
    page = browse(marketing_user)
    page.goto(reverse("campaigns:create"))
    assert page.get_by_text("Saving keeps it a draft.").is_visible()
    # The SKU picker searches by product name and shows the code with it.
    pick(page, "SKU", world.sku.product.title)
    chosen = page.locator("#id_items-0-sku + .ts-wrapper .item").inner_text()
    assert chosen.startswith(f"{world.sku.code} · {world.sku.product.title}")
    assert page.locator("#claims-rows fieldset").count() == 0
    page.get_by_role("button", name="+ Add a SKU").click()
    page.locator("#items-rows fieldset").nth(1).wait_for()
    assert page.locator("#id_items-1-sku + .ts-wrapper").is_visible()  # enhanced too
    pick(page, "Target countries", "Belgium", "France")
    screenshot(page, "forms-campaign-new")
    phone = browse(marketing_user, viewport=PHONE)
    phone.goto(reverse("campaigns:create"))
    pick(phone, "Target countries", "Spain")
    screenshot(phone, "forms-campaign-new-phone")


def test_filter_multiselects_keep_chips_and_add_on_click(
    browse, screenshot, ops_user, marketing_user
):
    World(marketing_user)
    page = browse(ops_user)
    page.goto(reverse("promises:conflict-list") + "?severity=blocker")
    chips = page.locator("#id_severity + .ts-wrapper .item")
    assert _values(chips) == ["blocker"]  # visible when the page opens
    pick(page, "Severity", "Warning")
    page.wait_for_url(
        re.compile("severity=blocker.*severity=warning|severity=warning.*severity=blocker")
    )
    assert chips.count() == 2
    screenshot(page, "forms-conflict-filters")
    phone = browse(ops_user, viewport=PHONE)
    phone.goto(reverse("promises:conflict-list") + "?severity=blocker&state=open")
    screenshot(phone, "forms-conflict-filters-phone")


def test_calendar_bars_and_money_read_plainly(browse, screenshot, marketing_user):
    world = World(marketing_user)
    starts = timezone.now() + timedelta(days=2)
    rival = CampaignFactory(
        channel=world.channel,
        name="Rival promo",
        owner=marketing_user,
        starts_at=starts,
        ends_at=starts + timedelta(days=5),
    )
    CampaignItemFactory(
        campaign=rival,
        sku=world.sku,
        expected_units=500,
        reserved_units=400,
        announced_price=Decimal("12.90"),
    )
    run_checks()
    page = browse(marketing_user)
    page.goto(reverse("campaigns:timeline"))
    bar = (
        page.locator("a.tl-bar", has_text="Rival promo")
        .or_(page.locator("a.tl-bar[title^='Rival promo']"))
        .first
    )
    assert re.search(r"(Blocked|At risk|Ready)", bar.inner_text())
    screenshot(page, "forms-calendar")
    page.goto(reverse("campaigns:detail", args=[rival.pk]))
    assert page.get_by_text("€12.90").first.is_visible()
    assert not page.get_by_text("12.90 EUR").count()
    screenshot(page, "forms-campaign-money")
    phone = browse(marketing_user, viewport=PHONE)
    phone.goto(reverse("campaigns:timeline"))
    screenshot(phone, "forms-calendar-phone")


def test_wrong_import_kind_says_what_the_file_is(browse, screenshot, ops_user, tmp_path):
    products = tmp_path / "products_export.csv"
    products.write_text(
        "Handle,Title,Body (HTML),Variant SKU,Variant Price,Charge tax\n"
        + "".join(f"tee,Tee,,TEE-{i},10,TRUE\n" for i in range(24))
    )
    page = browse(ops_user)
    page.goto(reverse("imports:new"))
    page.get_by_label("What the file holds").select_option("inventory")
    page.get_by_label("CSV file").set_input_files(str(products))
    page.get_by_role("button", name="Upload").click()
    page.get_by_text("This looks like a Shopify product export").wait_for()
    assert page.get_by_role("link", name="the columns each file needs").is_visible()
    screenshot(page, "forms-import-wrong-kind")
    page.get_by_role("link", name="the columns each file needs").click()
    page.get_by_role("heading", name="What each file must hold").wait_for()
    screenshot(page, "forms-import-help")
    phone = browse(ops_user, viewport=PHONE)
    phone.goto(reverse("imports:help"))
    screenshot(phone, "forms-import-help-phone")


def test_feeds_say_what_a_missing_store_url_causes(
    browse, screenshot, settings, exec_user, marketing_user
):
    World(marketing_user)
    settings.STORE_URL = ""
    page = browse(exec_user)
    page.goto(reverse("feeds:index"))
    assert page.locator("#store-url-missing").is_visible()
    screenshot(page, "forms-feeds-no-store-url")


def test_admin_manages_users_without_the_django_admin(
    browse, screenshot, admin_user, marketing_user
):
    page = browse(admin_user)
    missing = _not_found(page)
    page.goto(reverse("home"))
    page.get_by_role("link", name="Users").click()
    page.get_by_role("heading", name="Users", exact=True).wait_for()
    assert page.get_by_role("link", name="API docs").is_visible()
    page.get_by_label("Username").fill("nora")
    page.get_by_label("Ops").check()
    page.get_by_role("button", name="Add person").click()
    page.get_by_text("Added nora.").wait_for()
    row = page.locator("tr", has_text="nora")
    assert row.get_by_text("Ops").is_visible()
    row.get_by_role("link", name="Change roles").click()
    page.get_by_label("Ops").uncheck()
    page.get_by_label("Exec").check()
    page.get_by_role("button", name="Save roles").click()
    page.get_by_text("Saved nora's roles.").wait_for()
    page.locator("tr", has_text="nora").get_by_role("button", name="Deactivate").click()
    page.get_by_text("Deactivated nora").wait_for()
    assert page.locator("tr", has_text="nora").get_by_text("Deactivated").is_visible()
    screenshot(page, "forms-users")
    phone = browse(admin_user, viewport=PHONE)
    phone.goto(reverse("users:list"))
    screenshot(phone, "forms-users-phone")
    assert not missing, missing
    assert page.request.get("/favicon.ico").ok  # the redirect lands on the SVG
    assert Campaign.objects.count() == 0

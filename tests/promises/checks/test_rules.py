"""Every rule, table-driven: the case that fires, the case just across the line, and a case
where it does not apply. Facts are plain values: no database."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from promises.checks.registry import RULES
from tests.promises.checks.builders import (
    NOW,
    campaign,
    channel,
    claim,
    code,
    context,
    fired,
    item,
    method,
    override,
    policy,
    reply,
    sku,
    window,
)

E = Decimal


def test_every_rule_of_the_catalog_is_registered_with_a_statement():
    expected = {
        "STOCK_OUT",
        "STOCK_SHORT",
        "STOCK_OVERCOMMIT",
        "NO_RESERVATION",
        "PREORDER_WITHOUT_DATE",
        "SKU_NOT_SELLABLE",
        "PRICE_MISMATCH",
        "PROMO_CODE_INVALID",
        "NEGATIVE_MARGIN",
        "DELIVERY_CLAIM_UNSUPPORTED",
        "DISPATCH_CLAIM_UNSUPPORTED",
        "SHIPPING_COUNTRY_UNCOVERED",
        "SHIPPING_OPTION_NOT_IN_CHECKOUT",
        "SKU_COUNTRY_RESTRICTED",
        "RETURN_CLAIM_EXCEEDS_POLICY",
        "FINAL_SALE_RETURN_CLAIM",
        "NATIVE_CHECKOUT_UNAVAILABLE",
        "SUPPORT_REPLY_CONTRADICTS",
        "CHANNEL_GOVERNANCE_INCOMPLETE",
        "CATALOG_SYNC_STALE",
        "NO_DOWNSTREAM_FUNCTION",
        "PERFORMANCE_WITHOUT_STOP_RULE",
        "DISCLOSURE_MISSING",
        "STOP_RULE_TRIPPED",
    }
    assert expected <= set(RULES)
    for rule in RULES.values():
        assert len(rule.statement) > 20, rule.code
        assert rule.severity in {"blocker", "warning", "info"}


def test_rules_are_registered_by_family_from_the_rules_package():
    """PromisesConfig.ready() registers the families; each shows under its module's name."""
    families = {rule.family for rule in RULES.values()}
    assert families == {"campaign", "pricing", "returns", "shipping", "stock"}
    assert RULES["STOCK_OUT"].family == "stock"
    assert RULES["RETURN_CLAIM_EXCEEDS_POLICY"].family == "returns"
    for rule in RULES.values():
        assert rule.body.__module__ == f"promises.checks.rules.{rule.family}", rule.code


def test_a_fine_campaign_fires_nothing():
    ctx = context(codes=[code()], replies=[reply()])
    fine = campaign(
        claims=[claim("delivery", days=3, text="3-day delivery")], promo_code="SUMMER20"
    )
    findings = [f for rule in RULES.values() for f in rule.check(fine, ctx)]
    assert findings == []


# (rule, campaign, context, fires?) -- for each rule: fires / just across the line / not relevant
CASES = {
    "STOCK_OUT": [
        (
            "sold out",
            campaign(items=[item(reserved_units=0)]),
            context([sku(available=0, reserved_total=0)]),
            True,
        ),
        (
            "one unit left",
            campaign(items=[item(reserved_units=0)]),
            context([sku(available=1, reserved_total=0)]),
            False,
        ),
        (
            "others reserved it all",
            campaign(items=[item(reserved_units=0)]),
            context([sku(available=50, reserved_total=50)]),
            True,
        ),
        (
            "its own reservation counts for it",
            campaign(items=[item(reserved_units=10)]),
            context([sku(available=10, reserved_total=10)]),
            False,
        ),
        (
            "safety buffer eats the rest",
            campaign(items=[item(reserved_units=0)]),
            context([sku(available=5, safety_buffer=5, reserved_total=0)]),
            True,
        ),
        (
            "honest preorder",
            campaign(items=[item(reserved_units=0, preorder_message="Ships May 3")]),
            context([sku(available=0, reserved_total=0)]),
            False,
        ),
    ],
    "STOCK_SHORT": [
        (
            "expects more than there is",
            campaign(items=[item(expected_units=120, reserved_units=0)]),
            context([sku(available=80, reserved_total=0)]),
            True,
        ),
        (
            "expects exactly what there is",
            campaign(items=[item(expected_units=80, reserved_units=0)]),
            context([sku(available=80, reserved_total=0)]),
            False,
        ),
        (
            "nothing at all is STOCK_OUT's",
            campaign(items=[item(expected_units=5, reserved_units=0)]),
            context([sku(available=0, reserved_total=0)]),
            False,
        ),
    ],
    "STOCK_OVERCOMMIT": [
        (
            "three campaigns overlap",
            campaign(id=1, items=[item(expected_units=40)]),
            context(
                [sku(available=100)],
                windows={1: [window(1, 40, 1, 15), window(2, 40, 5, 20), window(3, 40, 10, 30)]},
            ),
            True,
        ),
        (
            "they add up to exactly what exists",
            campaign(id=1, items=[item(expected_units=40)]),
            context(
                [sku(available=120)],
                windows={1: [window(1, 40, 1, 15), window(2, 40, 5, 20), window(3, 40, 10, 30)]},
            ),
            False,
        ),
        (
            "one after the other, never together",
            campaign(id=1, items=[item(expected_units=60)]),
            context(
                [sku(available=100)], windows={1: [window(1, 60, 1, 15), window(2, 60, 15, 30)]}
            ),
            False,
        ),
    ],
    "NO_RESERVATION": [
        ("nothing reserved", campaign(items=[item(reserved_units=0)]), context(), True),
        ("one unit reserved", campaign(items=[item(reserved_units=1)]), context(), False),
        (
            "preorder instead",
            campaign(items=[item(reserved_units=0, preorder_message="Preorder")]),
            context(),
            False,
        ),
    ],
    "PREORDER_WITHOUT_DATE": [
        (
            "preorder, no date",
            campaign(items=[item(preorder_message="Preorder now")]),
            context([sku(available_on=None)]),
            True,
        ),
        (
            "date after the promised day",
            campaign(
                items=[item(preorder_message="Preorder")],
                claims=[claim("preorder", date=date(2026, 12, 1))],
            ),
            context([sku(available_on=date(2026, 12, 2))]),
            True,
        ),
        (
            "date on the promised day",
            campaign(
                items=[item(preorder_message="Preorder")],
                claims=[claim("preorder", date=date(2026, 12, 1))],
            ),
            context([sku(available_on=date(2026, 12, 1))]),
            False,
        ),
        ("not a preorder", campaign(), context([sku(available_on=None)]), False),
    ],
    "SKU_NOT_SELLABLE": [
        ("archived", campaign(), context([sku(sellable_status="archived")]), True),
        ("unpublished", campaign(), context([sku(published=False)]), True),
        ("active and published", campaign(), context([sku()]), False),
    ],
    "PRICE_MISMATCH": [
        ("announced lower", campaign(items=[item(announced_price=E("19.99"))]), context(), True),
        (
            "announced the was-price",
            campaign(items=[item(announced_price=E("29.99"))]),
            context([sku(price=E("24.99"), compare_at_price=E("29.99"))]),
            True,
        ),
        ("one cent off", campaign(items=[item(announced_price=E("24.98"))]), context(), True),
        (
            "exactly the store price",
            campaign(items=[item(announced_price=E("24.99"))]),
            context(),
            False,
        ),
        ("no price announced", campaign(items=[item(announced_price=None)]), context(), False),
        (
            "copy quotes a price no SKU has",
            campaign(claims=[claim("price", amount=E("19.99"), currency="EUR", text="€19.99")]),
            context(),
            True,
        ),
        (
            "copy quotes the price after the code",
            campaign(
                promo_code="SUMMER20",
                claims=[claim("price", amount=E("19.99"), currency="EUR", text="€19.99")],
            ),
            context([sku(price=E("24.99"))], codes=[code()]),
            False,
        ),
    ],
    "PROMO_CODE_INVALID": [
        ("unknown code", campaign(promo_code="WINTER10"), context(codes=[code()]), True),
        (
            "expires mid-campaign",
            campaign(promo_code="SUMMER20"),
            context(codes=[code(ends_at=NOW + timedelta(days=14))]),
            True,
        ),
        (
            "expires as the campaign ends",
            campaign(promo_code="SUMMER20"),
            context(codes=[code(ends_at=NOW + timedelta(days=15))]),
            False,
        ),
        ("inactive", campaign(promo_code="SUMMER20"), context(codes=[code(active=False)]), True),
        (
            "other channel only",
            campaign(promo_code="SUMMER20"),
            context(codes=[code(channel_ids=frozenset({99}))]),
            True,
        ),
        (
            "not for the promoted SKU",
            campaign(promo_code="SUMMER20"),
            context(codes=[code(applies_to="skus", sku_ids=frozenset({7}))]),
            True,
        ),
        (
            "covers the product",
            campaign(promo_code="SUMMER20"),
            context(codes=[code(applies_to="products", product_ids=frozenset({1}))]),
            False,
        ),
        (
            "too few uses left",
            campaign(promo_code="SUMMER20"),
            context(codes=[code(usage_limit=100, usage_count=91)]),
            True,
        ),
        (
            "just enough uses left",
            campaign(promo_code="SUMMER20"),
            context(codes=[code(usage_limit=100, usage_count=90)]),
            False,
        ),
        (
            "code read from the copy, lower case",
            campaign(claims=[claim("promo_code", code="summer20")]),
            context(codes=[code()]),
            False,
        ),
        ("no code announced", campaign(), context(), False),
    ],
    "NEGATIVE_MARGIN": [
        (
            "discount below cost",
            campaign(promo_code="SUMMER20", items=[item(announced_price=E("10.00"))]),
            context([sku(price=E("10.00"), unit_cost=E("8.50"))], codes=[code()]),
            True,
        ),
        (
            "discount leaves a cent",
            campaign(promo_code="SUMMER20", items=[item(announced_price=E("10.00"))]),
            context([sku(price=E("10.00"), unit_cost=E("7.99"))], codes=[code()]),
            False,
        ),
        (
            "native fee tips it",
            campaign(checkout_path="native", items=[item(announced_price=E("10"))]),
            context([sku(price=E("10"), unit_cost=E("9.80"))]),
            True,
        ),
        ("no cost known", campaign(), context([sku(unit_cost=None)]), False),
    ],
    "DELIVERY_CLAIM_UNSUPPORTED": [
        (
            "48h against 5 days",
            campaign(claims=[claim("delivery", days=2, text="48h")]),
            context(methods=[method(max_days=5)]),
            True,
        ),
        (
            "3 days against 3 days",
            campaign(claims=[claim("delivery", days=3)]),
            context(methods=[method(max_days=3)]),
            False,
        ),
        (
            "3 days against 3 days plus peak",
            campaign(claims=[claim("delivery", days=3)]),
            context(
                methods=[
                    method(
                        max_days=3,
                        overrides=(override(2, NOW.date(), NOW.date() + timedelta(days=3)),),
                    )
                ]
            ),
            True,
        ),
        (
            "peak season after the campaign",
            campaign(claims=[claim("delivery", days=3)]),
            context(
                methods=[
                    method(
                        max_days=3,
                        overrides=(
                            override(
                                2, NOW.date() + timedelta(days=40), NOW.date() + timedelta(days=50)
                            ),
                        ),
                    )
                ]
            ),
            False,
        ),
        (
            "the slowest enabled method counts",
            campaign(claims=[claim("delivery", days=2)]),
            context(methods=[method(1, max_days=2, kind="express"), method(2, max_days=5)]),
            True,
        ),
        (
            "a disabled slow method does not",
            campaign(claims=[claim("delivery", days=2)]),
            context(
                methods=[method(1, max_days=2), method(2, max_days=5, enabled_in_checkout=False)]
            ),
            False,
        ),
        (
            "express claim checked against express methods",
            campaign(claims=[claim("delivery", days=2, shipping_option="express")]),
            context(methods=[method(1, max_days=2, kind="express"), method(2, max_days=5)]),
            False,
        ),
        ("no delivery claim", campaign(), context(methods=[method(max_days=9)]), False),
    ],
    "SHIPPING_COUNTRY_UNCOVERED": [
        (
            "no method to DE",
            campaign(target_countries=("DE",)),
            context(checkout=("FR", "DE")),
            True,
        ),
        (
            "checkout does not sell to DE",
            campaign(target_countries=("DE",)),
            context(methods=[method(countries=frozenset({"DE"}))], checkout=("FR",)),
            True,
        ),
        (
            "native checkout does not need the site's",
            campaign(target_countries=("DE",), checkout_path="native"),
            context(methods=[method(countries=frozenset({"DE"}))], checkout=("FR",)),
            False,
        ),
        ("covered", campaign(), context(), False),
    ],
    "DISPATCH_CLAIM_UNSUPPORTED": [
        (
            "ships the same day, the warehouse takes a day",
            campaign(claims=[claim("dispatch", days=0, text="same day")]),
            context(methods=[method(handling_days=1)]),
            True,
        ),
        (
            "ships within a day, the warehouse takes a day",
            campaign(claims=[claim("dispatch", days=1, text="24h")]),
            context(methods=[method(handling_days=1)]),
            False,
        ),
        (
            "the slowest enabled method decides",
            campaign(claims=[claim("dispatch", days=1, text="24h")]),
            context(methods=[method(1, handling_days=0), method(2, handling_days=2)]),
            True,
        ),
        (
            "a disabled method does not",
            campaign(claims=[claim("dispatch", days=1, text="24h")]),
            context(
                methods=[
                    method(1, handling_days=0),
                    method(2, handling_days=2, enabled_in_checkout=False),
                ]
            ),
            False,
        ),
        (
            "no handling time written down",
            campaign(claims=[claim("dispatch", days=0, text="same day")]),
            context(methods=[method(handling_days=None)]),
            False,
        ),
        (
            "a delivery claim is not a dispatch claim",
            campaign(claims=[claim("delivery", days=3, text="3 days")]),
            context(methods=[method(handling_days=2)]),
            False,
        ),
    ],
    "SHIPPING_OPTION_NOT_IN_CHECKOUT": [
        (
            "express claimed, none offered",
            campaign(claims=[claim("delivery", days=1, shipping_option="express")]),
            context(),
            True,
        ),
        (
            "express claimed and offered",
            campaign(claims=[claim("delivery", days=1, shipping_option="express")]),
            context(methods=[method(), method(2, kind="express", max_days=1)]),
            False,
        ),
        (
            "free shipping claimed, paid above threshold",
            campaign(claims=[claim("free_shipping", is_free=True, text="Free shipping")]),
            context(methods=[method(free_shipping_threshold=E("50"))]),
            True,
        ),
        (
            "free shipping over 50 claimed, free from 50",
            campaign(claims=[claim("free_shipping", is_free=True, amount=E("50"))]),
            context(methods=[method(free_shipping_threshold=E("50"))]),
            False,
        ),
        (
            "free shipping over 49 claimed, free from 50",
            campaign(claims=[claim("free_shipping", is_free=True, amount=E("49"))]),
            context(methods=[method(free_shipping_threshold=E("50"))]),
            True,
        ),
        ("no option claimed", campaign(), context(), False),
    ],
    "SKU_COUNTRY_RESTRICTED": [
        (
            "may not ship to a target",
            campaign(target_countries=("FR", "US")),
            context(
                [sku(restricted_countries=frozenset({"US"}))],
                methods=[method(countries=frozenset({"FR", "US"}))],
            ),
            True,
        ),
        (
            "restricted elsewhere",
            campaign(),
            context([sku(restricted_countries=frozenset({"US"}))]),
            False,
        ),
    ],
    "RETURN_CLAIM_EXCEEDS_POLICY": [
        (
            "free 60 days against paid 30",
            campaign(claims=[claim("returns", days=60, is_free=True)]),
            context(),
            True,
        ),
        ("31 days against 30", campaign(claims=[claim("returns", days=31)]), context(), True),
        ("30 days against 30", campaign(claims=[claim("returns", days=30)]), context(), False),
        (
            "free against free",
            campaign(claims=[claim("returns", days=30, is_free=True)]),
            context(policies=[policy(is_free=True)]),
            False,
        ),
        (
            "country policy wins",
            campaign(target_countries=("DE",), claims=[claim("returns", days=60)]),
            context(policies=[policy(), policy(id=2, window_days=60, countries=frozenset({"DE"}))]),
            False,
        ),
        ("no returns claim", campaign(), context(policies=[]), False),
    ],
    "FINAL_SALE_RETURN_CLAIM": [
        (
            "final sale with returns",
            campaign(claims=[claim("returns", days=14)]),
            context([sku(final_sale=True)]),
            True,
        ),
        (
            "excluded category with returns",
            campaign(claims=[claim("returns", days=14)]),
            context(
                [sku(category="Underwear")],
                policies=[policy(excluded_categories=frozenset({"underwear"}))],
            ),
            True,
        ),
        ("final sale, no returns claim", campaign(), context([sku(final_sale=True)]), False),
    ],
    "NATIVE_CHECKOUT_UNAVAILABLE": [
        (
            "native to DE without it",
            campaign(checkout_path="native", target_countries=("FR", "DE")),
            context(methods=[method(countries=frozenset({"FR", "DE"}))]),
            True,
        ),
        ("native where enabled", campaign(checkout_path="native"), context(), False),
        ("site checkout", campaign(target_countries=("DE",)), context(), False),
    ],
    "SUPPORT_REPLY_CONTRADICTS": [
        (
            "allow five days against 2",
            campaign(claims=[claim("delivery", days=2)]),
            context(methods=[method(max_days=2)], replies=[reply(stated_delivery_days=5)]),
            True,
        ),
        (
            "says 2 days against 2",
            campaign(claims=[claim("delivery", days=2)]),
            context(methods=[method(max_days=2)], replies=[reply(stated_delivery_days=2)]),
            False,
        ),
        (
            "returns 14 days against 30 claimed",
            campaign(claims=[claim("returns", days=30)]),
            context(replies=[reply(stated_delivery_days=None, stated_return_days=14)]),
            True,
        ),
        (
            "no claim to contradict",
            campaign(),
            context(replies=[reply(stated_delivery_days=9)]),
            False,
        ),
    ],
    "CHANNEL_GOVERNANCE_INCOMPLETE": [
        (
            "no calendar owner",
            campaign(channel=channel(governance_gaps=("calendar owner",))),
            context(),
            True,
        ),
        ("all written down", campaign(), context(), False),
    ],
    "CATALOG_SYNC_STALE": [
        (
            "synced 25 hours ago",
            campaign(channel=channel(last_catalog_sync_at=NOW - timedelta(hours=25))),
            context(),
            True,
        ),
        (
            "synced 24 hours ago",
            campaign(channel=channel(last_catalog_sync_at=NOW - timedelta(hours=24))),
            context(),
            False,
        ),
        ("never synced", campaign(channel=channel(last_catalog_sync_at=None)), context(), True),
        (
            "no sync written down",
            campaign(channel=channel(catalog_sync="", last_catalog_sync_at=None)),
            context(),
            False,
        ),
    ],
    "NO_DOWNSTREAM_FUNCTION": [
        ("cites nothing", campaign(cites_stock=False), context(), True),
        ("cites margin only", campaign(cites_stock=False, cites_margin=True), context(), False),
    ],
    "PERFORMANCE_WITHOUT_STOP_RULE": [
        ("no stop rule", campaign(stop_min_roas=None, stop_max_cpa=None), context(), True),
        ("no basket threshold", campaign(qualified_basket_threshold=None), context(), True),
        (
            "max CPA is a stop rule",
            campaign(stop_min_roas=None, stop_max_cpa=E("30")),
            context(),
            False,
        ),
        (
            "branding needs none",
            campaign(objective="branding", stop_min_roas=None, qualified_basket_threshold=None),
            context(),
            False,
        ),
    ],
    "DISCLOSURE_MISSING": [
        (
            "creator post, no disclosure",
            campaign(creator_handle="lea.glow", creator_disclosure_required=True),
            context(),
            True,
        ),
        ("paid partnership, no disclosure", campaign(is_paid_partnership=True), context(), True),
        (
            "#ad in the caption",
            campaign(is_paid_partnership=True, caption="Love it #ad"),
            context(),
            False,
        ),
        (
            "label set",
            campaign(is_paid_partnership=True, disclosure="Paid partnership label"),
            context(),
            False,
        ),
        ("brand's own post", campaign(), context(), False),
    ],
    "STOP_RULE_TRIPPED": [],  # below, with measured performance
}


def _flatten():
    for code_, cases in CASES.items():
        for label, campaign_, ctx, fires in cases:
            yield pytest.param(code_, campaign_, ctx, fires, id=f"{code_}: {label}")


@pytest.mark.parametrize(("code_", "campaign_", "ctx", "fires"), list(_flatten()))
def test_rule(code_, campaign_, ctx, fires):
    findings = fired(code_, campaign_, ctx)
    assert bool(findings) is fires, findings
    for finding in findings:
        assert finding.rule_code == code_
        assert finding.message and finding.evidence


def test_every_rule_has_a_firing_and_a_quiet_case():
    for code_, cases in CASES.items():
        if code_ == "STOP_RULE_TRIPPED":
            continue
        outcomes = {fires for *_, fires in cases}
        assert outcomes == {True, False}, code_


def _measured(net, orders, spend):
    from promises.checks.facts import Performance

    return Performance(E(net), orders, E(spend))


@pytest.mark.parametrize(
    ("status", "measured", "fires"),
    [
        ("live", _measured("150", 10, "100"), True),  # ROAS 1.5 < 2
        ("live", _measured("200", 10, "100"), False),  # ROAS 2.0, on the line
        ("live", _measured("0", 0, "0"), False),  # nothing spent yet
        ("scheduled", _measured("10", 1, "100"), False),  # not live
    ],
)
def test_stop_rule_tripped(status, measured, fires):
    campaign_ = campaign(status=status, performance=measured)
    assert bool(fired("STOP_RULE_TRIPPED", campaign_, context())) is fires


def test_stop_rule_on_cpa():
    campaign_ = campaign(
        status="live",
        stop_min_roas=None,
        stop_max_cpa=E("20"),
        performance=_measured("1000", 4, "100"),
    )  # CPA 25
    [finding] = fired("STOP_RULE_TRIPPED", campaign_, context())
    assert finding.evidence["cpa"] == "25.00"


def test_evidence_names_the_numbers_compared():
    [finding] = fired(
        "DELIVERY_CLAIM_UNSUPPORTED",
        campaign(target_countries=("FR",), claims=[claim("delivery", days=2, text="48h")]),
        context(
            methods=[
                method(
                    max_days=3,
                    overrides=(override(2, NOW.date(), NOW.date() + timedelta(days=10)),),
                )
            ]
        ),
    )
    assert finding.scope == "country:FR"
    assert finding.evidence["claimed_days"] == 2
    assert finding.evidence["max_days_at_campaign_dates"] == 5
    assert finding.evidence["override"] == "Peak season"
    assert "FR" in finding.message and "5" in finding.message


def test_overcommit_names_every_campaign_involved():
    ctx = context(
        [sku(available=100)],
        windows={
            1: [
                window(1, 40, 1, 15),
                window(2, 40, 5, 20),
                window(3, 40, 10, 30),
                window(4, 500, 40, 50),
            ],  # a later campaign is not involved
        },
    )
    [finding] = fired("STOCK_OVERCOMMIT", campaign(id=1, items=[item(expected_units=40)]), ctx)
    assert [c["id"] for c in finding.evidence["campaigns"]] == [1, 2, 3]
    assert finding.evidence["units_counted_on"] == 120


@pytest.mark.parametrize(("code_", "campaign_", "ctx", "fires"), list(_flatten()))
def test_evidence_is_json_native(code_, campaign_, ctx, fires):
    """The reconciler compares evidence with what the JSON column returns: no Decimals."""
    import json

    for finding in fired(code_, campaign_, ctx):
        assert json.loads(json.dumps(finding.evidence)) == finding.evidence


@pytest.mark.parametrize(("spend", "fires"), [("60", False), ("100", False), ("100.01", True)])
def test_stop_rule_on_cpa_with_no_order_yet_waits_for_the_spend(spend, fires):
    campaign_ = campaign(
        status="live",
        stop_min_roas=None,
        stop_max_cpa=E("100"),
        performance=_measured("0", 0, spend),
    )
    assert bool(fired("STOP_RULE_TRIPPED", campaign_, context())) is fires


def test_a_preorder_in_the_copy_concerns_only_items_not_in_stock():
    campaign_ = campaign(
        items=[item(1), item(2, reserved_units=0)], claims=[claim("preorder", text="pre-order")]
    )
    ctx = context([sku(1, available=100), sku(2, available=0, reserved_total=10)])
    findings = fired("PREORDER_WITHOUT_DATE", campaign_, ctx)
    assert [f.sku_id for f in findings] == [2]


def test_a_peak_season_already_over_slows_nothing():
    live = campaign(
        status="live", starts_at=NOW - timedelta(days=20), claims=[claim("delivery", days=3)]
    )
    past_peak = override(4, NOW.date() - timedelta(days=20), NOW.date() - timedelta(days=1))
    assert (
        fired(
            "DELIVERY_CLAIM_UNSUPPORTED",
            live,
            context(methods=[method(max_days=3, overrides=(past_peak,))]),
        )
        == []
    )

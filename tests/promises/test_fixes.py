"""fix_target: the fact that would resolve a conflict, from its rule, scope and evidence."""

import pytest

from promises.fixes import fix_target

CASES = [
    # rule, evidence, sku, country -> key, label
    ("STOCK_OUT", {"sku": "SERUM-30"}, 7, "", "sku_stock:7", "Stock of SERUM-30"),
    ("STOCK_OVERCOMMIT", {"sku": "SERUM-30"}, 7, "", "sku_stock:7", "Stock of SERUM-30"),
    ("STOCK_OUT", {}, None, "", "campaign:3", "Campaign #3"),  # no SKU: nothing to restock
    ("SKU_NOT_SELLABLE", {"sku": "A"}, 7, "", "sku_listing:7", "Product status of A"),
    ("PRICE_MISMATCH", {"sku": "A"}, 7, "", "sku_price:7", "Store price of A"),
    (
        "SKU_COUNTRY_RESTRICTED",
        {"sku": "A"},
        7,
        "",
        "sku_restrictions:7",
        "Shipping restrictions of A",
    ),
    (
        "DELIVERY_CLAIM_UNSUPPORTED",
        {"method": "Colissimo", "country": "FR"},
        None,
        "FR",
        "shipping_method:Colissimo",
        "Shipping method Colissimo",
    ),
    (
        "DISPATCH_CLAIM_UNSUPPORTED",
        {"country": "DE"},
        None,
        "DE",
        "shipping_country:DE",
        "Shipping to DE",
    ),
    (
        "SHIPPING_COUNTRY_UNCOVERED",
        {"country": "ES"},
        None,
        "ES",
        "shipping_country:ES",
        "Shipping to ES",
    ),
    (
        "SHIPPING_OPTION_NOT_IN_CHECKOUT",
        {"option": "free_shipping"},
        None,
        "FR",
        "shipping_option:free_shipping",
        "Checkout option free shipping",
    ),
    (
        "PROMO_CODE_INVALID",
        {"code": "summer20"},
        None,
        "",
        "promo_code:SUMMER20",
        "Promo code SUMMER20",
    ),
    (
        "RETURN_CLAIM_EXCEEDS_POLICY",
        {"policy": "Standard"},
        None,
        "FR",
        "return_policy:Standard",
        "Return policy Standard",
    ),
    (
        "RETURN_CLAIM_EXCEEDS_POLICY",
        {"policy": None},
        None,
        "FR",
        "return_policy:country FR",
        "Return policy for FR",
    ),
    (
        "SUPPORT_REPLY_CONTRADICTS",
        {"reply": "Delivery times"},
        None,
        "",
        "support_reply:Delivery times",
        "Support reply Delivery times",
    ),
    (
        "CHANNEL_GOVERNANCE_INCOMPLETE",
        {"channel": "TikTok"},
        None,
        "",
        "channel_governance:5",
        "Governance of TikTok",
    ),
    (
        "CATALOG_SYNC_STALE",
        {"channel": "TikTok"},
        None,
        "",
        "channel_catalog:5",
        "Catalog sync of TikTok",
    ),
    (
        "NATIVE_CHECKOUT_UNAVAILABLE",
        {"channel": "TikTok"},
        None,
        "DE",
        "channel_checkout:5",
        "Native checkout of TikTok",
    ),
    ("DISCLOSURE_MISSING", {}, None, "", "campaign:3", "Campaign #3"),
    ("NO_RESERVATION", {"sku": "A"}, 7, "", "campaign:3", "Campaign #3"),
]


@pytest.mark.parametrize(("rule", "evidence", "sku", "country", "key", "label"), CASES)
def test_fix_target(rule, evidence, sku, country, key, label):
    target = fix_target(rule, evidence, campaign_id=3, channel_id=5, sku_id=sku, country=country)
    assert (target.key, target.label) == (key, label)


def test_conflicts_of_one_method_in_two_countries_share_one_fix():
    fr = fix_target(
        "DELIVERY_CLAIM_UNSUPPORTED", {"method": "DHL"}, campaign_id=1, channel_id=1, country="FR"
    )
    de = fix_target(
        "DELIVERY_CLAIM_UNSUPPORTED", {"method": "DHL"}, campaign_id=2, channel_id=1, country="DE"
    )
    assert fr == de

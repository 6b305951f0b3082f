"""The demo brand's catalog: Maison Lumen skincare and apparel, three stock locations.

Most stock is drawn at random within believable ranges; the SKUs the planted mistakes
depend on get exact quantities (see SOLD_OUT_SKU and OVERCOMMITTED_SKU).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import product as cartesian
from typing import Any

from catalog.choices import InventoryPolicy, ProductStatus, StockSource
from catalog.models import SKU, Location, Product, StockLevel
from socialops.demo.context import DemoContext, money
from socialops.demo.upsert import sync_rows, upsert

BRAND = "Maison Lumen"

PARIS = "Paris warehouse"
ROTTERDAM = "Rotterdam 3PL"
NEW_JERSEY = "New Jersey warehouse"

# name -> (country, Shopify location id)
LOCATIONS: dict[str, tuple[str, int]] = {
    PARIS: ("FR", 71_000_001),
    ROTTERDAM: ("NL", 71_000_002),
    NEW_JERSEY: ("US", 71_000_003),
}

# The story campaign promotes this shade after the last units went into orders.
SOLD_OUT_SKU = "ML-TINT-ROSE"
# Three overlapping campaigns each expect 120 of these 300 units (see marketing.py).
OVERCOMMITTED_SKU = "ML-GLOW-50"
OVERCOMMITTED_AVAILABLE = 300

# Exact (on hand, committed) per location for the SKUs the planted mistakes rest on.
FIXED_STOCK: dict[str, dict[str, tuple[int, int]]] = {
    SOLD_OUT_SKU: {PARIS: (3, 3), ROTTERDAM: (0, 0), NEW_JERSEY: (0, 0)},
    OVERCOMMITTED_SKU: {PARIS: (150, 10), ROTTERDAM: (115, 5), NEW_JERSEY: (52, 2)},
}

# On-hand ranges per category and location: beauty moves in hundreds, apparel per size in tens.
STOCK_RANGES: dict[str, dict[str, tuple[int, int]]] = {
    "Skincare": {PARIS: (220, 480), ROTTERDAM: (140, 320), NEW_JERSEY: (40, 140)},
    "Makeup": {PARIS: (200, 420), ROTTERDAM: (120, 300), NEW_JERSEY: (30, 120)},
    "Apparel": {PARIS: (30, 70), ROTTERDAM: (20, 45), NEW_JERSEY: (5, 25)},
}
# Share of on-hand units already sold into unfulfilled orders.
COMMITTED_SHARE = (0.0, 0.06)

# Units never promised: more on beauty, whose counts drift with testers and breakage.
SAFETY_BUFFER = {"Skincare": 5, "Makeup": 5, "Apparel": 2}

SHOPIFY_PRODUCT_ID_BASE = 8_812_000_000_000
SHOPIFY_VARIANT_ID_BASE = 45_120_000_000_000
SHOPIFY_INVENTORY_ITEM_ID_BASE = 47_300_000_000_000
# GS1 France prefix + a company number: barcodes look like real EAN-13s.
EAN_COMPANY_PREFIX = "376012345"

SIZES = (("XS", "XS"), ("S", "S"), ("M", "M"), ("L", "L"), ("XL", "XL"))


@dataclass(frozen=True)
class VariantSpec:
    """A SKU of a demo product."""

    code: str
    options: tuple[str, ...]
    price: Decimal
    unit_cost: Decimal
    compare_at_price: Decimal | None = None
    inventory_policy: str = InventoryPolicy.DENY
    available_in_days: int | None = None


@dataclass(frozen=True)
class ProductSpec:
    """A demo product and its variants."""

    handle: str
    title: str
    product_type: str
    category: str
    option_names: tuple[str, ...]
    variants: tuple[VariantSpec, ...]
    description: str
    tags: str = ""
    status: str = ProductStatus.ACTIVE
    published: bool = True
    final_sale: bool = False
    restricted_countries: tuple[str, ...] = ()
    attributes: dict[str, Any] = field(default_factory=dict)


def variants(
    prefix: str,
    price: str,
    cost: str,
    *axes: tuple[tuple[str, str], ...],
    compare_at: str | None = None,
    **kwargs: Any,
) -> tuple[VariantSpec, ...]:
    """One variant per combination of option values; each value is (label, code part)."""
    return tuple(
        VariantSpec(
            code="-".join([prefix, *(part for _label, part in combo)]),
            options=tuple(label for label, _part in combo),
            price=money(price),
            unit_cost=money(cost),
            compare_at_price=money(compare_at) if compare_at else None,
            **kwargs,
        )
        for combo in cartesian(*axes)
    )


PRODUCTS: tuple[ProductSpec, ...] = (
    ProductSpec(
        "glow-serum",
        "Glow Serum, vitamin C & niacinamide",
        "Serum",
        "Skincare",
        ("Size",),
        variants("ML-GLOW", "39.00", "7.80", (("30 ml", "30"),))
        + variants("ML-GLOW", "58.00", "11.20", (("50 ml", "50"),)),
        "A brightening serum with 10% vitamin C and 4% niacinamide.",
        tags="bestseller, vitamin c, glow",
        attributes={"allergens": ["limonene"], "vegan": True, "skin_type": "all"},
    ),
    ProductSpec(
        "velvet-lip-tint",
        "Velvet Lip Tint",
        "Lip",
        "Makeup",
        ("Shade",),
        variants(
            "ML-TINT",
            "22.00",
            "4.10",
            (
                ("Rosewood", "ROSE"),
                ("Coral", "CORAL"),
                ("Nude", "NUDE"),
                ("Berry", "BERRY"),
                ("Brick", "BRICK"),
            ),
        ),
        "A blurring, buildable lip and cheek tint.",
        tags="lip, tint, viral",
        attributes={"allergens": ["carmine"], "vegan": False},
    ),
    ProductSpec(
        "skin-tint-spf30",
        "Skin Tint SPF 30",
        "Complexion",
        "Makeup",
        ("Shade",),
        variants(
            "ML-SKIN",
            "34.00",
            "6.90",
            (
                ("Light", "LIGHT"),
                ("Light-Medium", "LTMED"),
                ("Medium", "MEDIUM"),
                ("Tan", "TAN"),
                ("Deep", "DEEP"),
            ),
        ),
        "Sheer coverage with broad-spectrum SPF 30.",
        tags="spf, complexion",
        # Sunscreens are over-the-counter drugs in the US: this formula is not registered there.
        restricted_countries=("US",),
        attributes={"spf": 30, "vegan": True},
    ),
    ProductSpec(
        "cloud-moisturiser",
        "Cloud Moisturiser",
        "Moisturiser",
        "Skincare",
        ("Size",),
        variants("ML-CLOUD", "32.00", "5.90", (("50 ml", "50"),))
        + variants("ML-CLOUD", "52.00", "9.40", (("100 ml", "100"),)),
        "A whipped ceramide cream for dry and sensitive skin.",
        tags="moisturiser, ceramides",
        attributes={"allergens": [], "fragrance_free": True},
    ),
    ProductSpec(
        "cleansing-balm",
        "Melting Cleansing Balm",
        "Cleanser",
        "Skincare",
        ("Size",),
        variants("ML-BALM", "28.00", "5.10", (("100 ml", "100"),)),
        "Melts away SPF and make-up, rinses clean.",
        tags="cleanser",
    ),
    ProductSpec(
        "overnight-mask",
        "Overnight Recovery Mask",
        "Mask",
        "Skincare",
        ("Size",),
        variants("ML-MASK", "36.00", "6.80", (("75 ml", "75"),)),
        "A sleeping mask with squalane and peptides.",
        tags="mask, night",
    ),
    ProductSpec(
        "brow-gel",
        "Brow Sculpt Gel",
        "Brow",
        "Makeup",
        ("Shade",),
        variants(
            "ML-BROW",
            "18.00",
            "3.20",
            (("Clear", "CLEAR"), ("Taupe", "TAUPE"), ("Brunette", "BRUNETTE")),
        ),
        "A flexible-hold brow gel that lasts all day.",
        tags="brow",
    ),
    ProductSpec(
        "sun-oil-spf50",
        "Dry Sun Oil SPF 50",
        "Sun care",
        "Skincare",
        ("Size",),
        variants("ML-SUN", "29.00", "6.10", (("100 ml", "100"),)),
        "A dry-touch body oil with high protection.",
        tags="spf, summer",
        restricted_countries=("US",),
    ),
    ProductSpec(
        "hand-cream",
        "Hand Cream",
        "Body",
        "Skincare",
        ("Scent",),
        variants("ML-HAND", "14.00", "2.60", (("Fig", "FIG"), ("Neroli", "NEROLI"))),
        "A fast-absorbing hand cream in a pocket tube.",
        tags="gift, body",
    ),
    ProductSpec(
        "discovery-kit",
        "Discovery Kit",
        "Set",
        "Skincare",
        ("Title",),
        variants("ML-KIT", "25.00", "7.50", (("Default Title", "STD"),), compare_at="32.00"),
        "Five minis to find your routine.",
        tags="gift, set, sale",
    ),
    ProductSpec(
        "linen-shirt",
        "Linen Shirt",
        "Shirt",
        "Apparel",
        ("Color", "Size"),
        variants("ML-LSH", "89.00", "24.00", (("Sand", "SAND"), ("White", "WHITE")), SIZES),
        "A relaxed shirt in washed French linen.",
        tags="linen, summer",
        attributes={"material": "100% linen", "origin": "PT"},
    ),
    ProductSpec(
        "cashmere-crew",
        "Cashmere Crew Jumper",
        "Knitwear",
        "Apparel",
        ("Color", "Size"),
        variants("ML-CASH", "149.00", "52.00", (("Oat", "OAT"),), SIZES)
        + variants(
            "ML-CASH", "119.00", "52.00", (("Charcoal", "CHAR"),), SIZES, compare_at="149.00"
        ),
        "A 12-gauge crew in Grade A Mongolian cashmere.",
        tags="cashmere, knitwear",
        attributes={"material": "100% cashmere"},
    ),
    ProductSpec(
        "silk-scrunchie",
        "Silk Scrunchie",
        "Accessory",
        "Apparel",
        ("Color",),
        variants(
            "ML-SCRUN",
            "19.00",
            "3.80",
            (("Ivory", "IVORY"), ("Black", "BLACK"), ("Blush", "BLUSH")),
        ),
        "Mulberry silk, kind to hair.",
        tags="gift, accessory",
    ),
    ProductSpec(
        "organic-cotton-tee",
        "Organic Cotton Tee",
        "T-shirt",
        "Apparel",
        ("Size",),
        variants("ML-TEE", "39.00", "9.50", SIZES),
        "A heavyweight tee in organic cotton, white.",
        tags="basics",
    ),
    ProductSpec(
        "wide-leg-trousers",
        "Wide-leg Trousers",
        "Trousers",
        "Apparel",
        ("Size",),
        variants(
            "ML-TROU",
            "110.00",
            "31.00",
            (("34", "34"), ("36", "36"), ("38", "38"), ("40", "40"), ("42", "42")),
        ),
        "Fluid wide-leg trousers in a crease-resistant twill.",
        tags="trousers",
    ),
    ProductSpec(
        "archive-slip-dress",
        "Archive Slip Dress",
        "Dress",
        "Apparel",
        ("Size",),
        variants("ML-SLIP", "90.00", "38.00", SIZES[:4], compare_at="180.00"),
        "Last season's bias-cut slip dress. Final sale.",
        tags="archive, final sale",
        final_sale=True,
    ),
    ProductSpec(
        "spring-trench",
        "Spring Trench",
        "Coat",
        "Apparel",
        ("Size",),
        variants(
            "ML-TRENCH",
            "240.00",
            "85.00",
            SIZES[:4],
            inventory_policy=InventoryPolicy.CONTINUE,
            available_in_days=50,
        ),
        "Next season's trench, taking preorders once published.",
        tags="preorder",
        status=ProductStatus.DRAFT,
        published=False,
    ),
    ProductSpec(
        "vitamin-c-drops",
        "Vitamin C Drops (discontinued)",
        "Serum",
        "Skincare",
        ("Title",),
        variants("ML-VITC", "45.00", "9.00", (("Default Title", "STD"),)),
        "Replaced by the Glow Serum.",
        status=ProductStatus.ARCHIVED,
        published=False,
    ),
)

SKU_SPECS: dict[str, tuple[ProductSpec, VariantSpec]] = {
    variant.code: (spec, variant) for spec in PRODUCTS for variant in spec.variants
}


def ean13(number: int) -> str:
    """A valid EAN-13 barcode for the n-th item of the company prefix."""
    body = f"{EAN_COMPANY_PREFIX}{number:03d}"
    total = sum(int(digit) * (3 if i % 2 else 1) for i, digit in enumerate(body))
    return f"{body}{(10 - total % 10) % 10}"


def build_catalog(ctx: DemoContext) -> None:
    """Locations, products, SKUs and a stock level for every SKU at every location."""
    for name, (country, shopify_id) in LOCATIONS.items():
        ctx.locations[name] = upsert(
            Location,
            ctx.tally,
            {"name": name},
            {"country": country, "active": True, "shopify_location_id": shopify_id},
        )

    sku_number = 0
    for product_number, spec in enumerate(PRODUCTS, start=1):
        padded = (*spec.option_names, "", "", "")[:3]
        product = upsert(
            Product,
            ctx.tally,
            {"handle": spec.handle},
            {
                "title": spec.title,
                "vendor": BRAND,
                "product_type": spec.product_type,
                "category": spec.category,
                "status": spec.status,
                "published": spec.published,
                "description": spec.description,
                "tags": spec.tags,
                "final_sale": spec.final_sale,
                "restricted_countries": list(spec.restricted_countries),
                "attributes": spec.attributes,
                "option1_name": padded[0],
                "option2_name": padded[1],
                "option3_name": padded[2],
                "shopify_product_id": SHOPIFY_PRODUCT_ID_BASE + product_number,
            },
        )
        ctx.products[spec.handle] = product
        for variant in spec.variants:
            sku_number += 1
            options = (*variant.options, "", "", "")[:3]
            ctx.skus[variant.code] = upsert(
                SKU,
                ctx.tally,
                {"code": variant.code},
                {
                    "product": product,
                    "option1": options[0],
                    "option2": options[1],
                    "option3": options[2],
                    "price": variant.price,
                    "compare_at_price": variant.compare_at_price,
                    "unit_cost": variant.unit_cost,
                    "currency": ctx.currency,
                    "barcode": ean13(sku_number),
                    "inventory_policy": variant.inventory_policy,
                    "available_on": (
                        ctx.day(variant.available_in_days)
                        if variant.available_in_days is not None
                        else None
                    ),
                    "safety_buffer": SAFETY_BUFFER[spec.category],
                    "shopify_variant_id": SHOPIFY_VARIANT_ID_BASE + sku_number,
                    "shopify_inventory_item_id": SHOPIFY_INVENTORY_ITEM_ID_BASE + sku_number,
                },
            )
    build_stock(ctx)


def build_stock(ctx: DemoContext) -> None:
    """One stock level per SKU and location; available = on hand - committed, never below 0."""
    rng = ctx.rng("stock")
    rows = []
    for code, (spec, _variant) in SKU_SPECS.items():
        for location_name, location in ctx.locations.items():
            if code in FIXED_STOCK:
                on_hand, committed = FIXED_STOCK[code][location_name]
                incoming = 0
            elif spec.status != ProductStatus.ACTIVE:
                # Unreleased and discontinued products hold no stock.
                on_hand, committed, incoming = 0, 0, 0
            else:
                low, high = STOCK_RANGES[spec.category][location_name]
                on_hand = rng.randint(low, high)
                committed = int(on_hand * rng.uniform(*COMMITTED_SHARE))
                incoming = rng.choice((0, 0, 0, low))
            rows.append(
                {
                    "sku_id": ctx.skus[code].pk,
                    "location_id": location.pk,
                    "on_hand": on_hand,
                    "committed": committed,
                    "available": on_hand - committed,
                    "incoming": incoming,
                    "source": StockSource.DEMO,
                }
            )
    demo_skus = StockLevel.objects.filter(sku__in=ctx.skus.values())
    sync_rows(StockLevel, ctx.tally, demo_skus, ("sku_id", "location_id"), rows)

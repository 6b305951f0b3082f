"""The classic mistakes, planted one campaign (or trio) each for the checks engine to find.

Each planted campaign is checked (in review, scheduled, live or paused) and current or
upcoming, and is sound in every other respect, so it raises its own codes and no others
(PLANTED_SIDE_EFFECTS lists the few that follow from the same facts). See the table in
socialops.demo.
"""

from __future__ import annotations

from decimal import Decimal

from campaigns.choices import CampaignFormat, CampaignStatus, CheckoutPath, ClaimKind, Objective
from socialops.demo.campaign_specs import (
    EVENING,
    MARGIN,
    SERVICE,
    STOCK,
    CampaignSpec,
    ClaimSpec,
    ItemSpec,
    at,
)
from socialops.demo.context import money
from socialops.demo.operations import EXPIRING_CODE
from socialops.demo.people import CLARA, CREATORS, INSTAGRAM, LIVE, PINTEREST
from socialops.demo.people import TIKTOK_SHOP as TIKTOK
from socialops.demo.store import OVERCOMMITTED_SKU, SOLD_OUT_SKU
from socialops.roles import Role

SOLD_OUT_STORY = "Sold-out story: Velvet Lip Tint Rosewood"
OVERCOMMIT_TIKTOK = "Glow Serum triple push: TikTok Shop"
OVERCOMMIT_INSTAGRAM = "Glow Serum triple push: Instagram"
OVERCOMMIT_LIVE = "Glow Serum triple push: Lumen Live"
UNSUPPORTED_DELIVERY = "48h delivery to Italy: Linen Shirt drop"
UNDISCLOSED_CREATOR = "Undisclosed creator post: @clara.glow"
EXPIRING_CODE_CAMPAIGN = "Expiring code: FLASH15 flash sale"
FREE_RETURNS = "Free 60-day returns reel"
OVERCOMMIT_CAMPAIGNS = (OVERCOMMIT_TIKTOK, OVERCOMMIT_INSTAGRAM, OVERCOMMIT_LIVE)
# Each of the three expects this many units; two fit in the stock, three do not.
OVERCOMMIT_EXPECTED_UNITS = 120
OVERCOMMIT_RESERVED_UNITS = 20
PLANTED: tuple[CampaignSpec, ...] = (
    CampaignSpec(
        SOLD_OUT_STORY,
        INSTAGRAM,
        CampaignFormat.STORY,
        CampaignStatus.LIVE,
        at(-1, 9),
        at(6, 22),
        ("BE", "FR"),
        (ItemSpec(SOLD_OUT_SKU, expected=40, reserved=0),),
        objective=Objective.BRANDING,
        budget=money(800),
        caption="Rosewood, the shade everyone asked for. Tap to shop the Velvet Lip Tint.",
        went_live_ready=False,
    ),
    CampaignSpec(
        OVERCOMMIT_TIKTOK,
        TIKTOK,
        CampaignFormat.SHORT_VIDEO,
        CampaignStatus.LIVE,
        at(-4, 8),
        at(10, EVENING),
        ("DE", "FR"),
        (ItemSpec(OVERCOMMITTED_SKU, OVERCOMMIT_EXPECTED_UNITS, OVERCOMMIT_RESERVED_UNITS),),
        checkout=CheckoutPath.NATIVE,
        budget=money(3000),
        cites=(STOCK, MARGIN),
        stop_min_roas=Decimal("2.00"),
        qualified_basket=money(45),
        caption="The serum behind the glow: vitamin C and niacinamide, now on TikTok Shop.",
        went_live_ready=True,
    ),
    CampaignSpec(
        OVERCOMMIT_INSTAGRAM,
        INSTAGRAM,
        CampaignFormat.CATALOG_AD,
        CampaignStatus.SCHEDULED,
        at(2),
        at(16, EVENING),
        ("BE", "FR", "NL"),
        (ItemSpec(OVERCOMMITTED_SKU, OVERCOMMIT_EXPECTED_UNITS, OVERCOMMIT_RESERVED_UNITS),),
        budget=money(2500),
        cites=(STOCK, MARGIN),
        stop_max_cpa=money(30),
        qualified_basket=money(45),
        caption="Glow Serum 50 ml, the brightening serum our community swears by.",
    ),
    CampaignSpec(
        OVERCOMMIT_LIVE,
        LIVE,
        CampaignFormat.LIVE,
        CampaignStatus.IN_REVIEW,
        at(5, 19),
        at(5, 21),
        ("FR",),
        (ItemSpec(OVERCOMMITTED_SKU, OVERCOMMIT_EXPECTED_UNITS, OVERCOMMIT_RESERVED_UNITS),),
        budget=money(1200),
        cites=(STOCK, SERVICE),
        stop_min_roas=Decimal("2.50"),
        qualified_basket=money(45),
        caption="Glow Serum live with our formulator: textures, routines, your questions.",
        script="Open on the serum texture; formulator Q&A; viewers shop in the player.",
        owner=Role.ADMIN,
    ),
    CampaignSpec(
        UNSUPPORTED_DELIVERY,
        INSTAGRAM,
        CampaignFormat.SHORT_VIDEO,
        CampaignStatus.SCHEDULED,
        at(3, 8),
        at(17, EVENING),
        ("IT",),
        (
            ItemSpec("ML-LSH-SAND-M", 15, 6),
            ItemSpec("ML-LSH-SAND-L", 15, 6),
            ItemSpec("ML-LSH-WHITE-M", 15, 6),
        ),
        budget=money(2000),
        cites=(STOCK, SERVICE),
        stop_min_roas=Decimal("2.50"),
        qualified_basket=money(80),
        caption="Linen shirts for the Italian summer. 48h delivery to Italy.",
        claims=(ClaimSpec(ClaimKind.DELIVERY, "48h delivery", days=2),),
    ),
    CampaignSpec(
        UNDISCLOSED_CREATOR,
        INSTAGRAM,
        CampaignFormat.CREATOR_POST,
        CampaignStatus.IN_REVIEW,
        at(1, 12),
        at(8, EVENING),
        ("BE", "FR"),
        (ItemSpec("ML-CLOUD-50", 60, 25),),
        budget=money(1500),
        cites=(STOCK, MARGIN),
        stop_max_cpa=money(25),
        qualified_basket=money(40),
        creator=CLARA,
        paid_partnership=True,
        disclosure="",
        promo_code="CLARA10",
        caption="My winter skin saviour: the Cloud Moisturiser, 10% off with code CLARA10.",
        claims=(ClaimSpec(ClaimKind.PROMO_CODE, "code CLARA10", code="CLARA10"),),
    ),
    CampaignSpec(
        EXPIRING_CODE_CAMPAIGN,
        TIKTOK,
        CampaignFormat.SHORT_VIDEO,
        CampaignStatus.LIVE,
        at(-1, 10),
        at(9, EVENING),
        ("DE", "ES", "FR"),
        (ItemSpec("ML-BALM-100", 80, 30), ItemSpec("ML-MASK-75", 60, 20)),
        checkout=CheckoutPath.NATIVE,
        budget=money(2000),
        cites=(STOCK, MARGIN),
        stop_min_roas=Decimal("2.00"),
        qualified_basket=money(40),
        promo_code=EXPIRING_CODE,
        caption="Flash sale: 15% off the cleansing balm and the overnight mask with code FLASH15.",
        claims=(ClaimSpec(ClaimKind.PROMO_CODE, "code FLASH15", code=EXPIRING_CODE),),
        went_live_ready=True,
    ),
    CampaignSpec(
        FREE_RETURNS,
        INSTAGRAM,
        CampaignFormat.SHORT_VIDEO,
        CampaignStatus.PAUSED,
        at(-6, 9),
        at(12, EVENING),
        ("BE", "FR", "NL"),
        (ItemSpec("ML-TROU-36", 20, 8), ItemSpec("ML-TROU-38", 20, 8)),
        budget=money(2200),
        cites=(STOCK, SERVICE),
        stop_min_roas=Decimal("2.00"),
        qualified_basket=money(90),
        caption="Wide-leg trousers that move with you. Free 60-day returns, no questions asked.",
        claims=(ClaimSpec(ClaimKind.RETURNS, "Free 60-day returns", days=60, is_free=True),),
        went_live_ready=False,
        paused_for=at(2),
    ),
)

# Planted campaign name -> the rule codes the checks engine must raise on it.
PLANTED_MISTAKES: dict[str, list[str]] = {
    SOLD_OUT_STORY: ["STOCK_OUT"],
    OVERCOMMIT_TIKTOK: ["STOCK_OVERCOMMIT"],
    OVERCOMMIT_INSTAGRAM: ["STOCK_OVERCOMMIT"],
    OVERCOMMIT_LIVE: ["STOCK_OVERCOMMIT"],
    UNSUPPORTED_DELIVERY: ["DELIVERY_CLAIM_UNSUPPORTED", "SUPPORT_REPLY_CONTRADICTS"],
    UNDISCLOSED_CREATOR: ["DISCLOSURE_MISSING"],
    EXPIRING_CODE_CAMPAIGN: ["PROMO_CODE_INVALID"],
    FREE_RETURNS: ["RETURN_CLAIM_EXCEEDS_POLICY", "SUPPORT_REPLY_CONTRADICTS"],
}

# Codes that may fire as well on a planted campaign, because they follow from the same facts:
# a sold-out item was never reserved, and its expected units exceed what is available.
PLANTED_SIDE_EFFECTS: dict[str, list[str]] = {
    SOLD_OUT_STORY: ["NO_RESERVATION", "STOCK_SHORT"],
}

# Channel name -> the warnings every checked campaign on it gets from its governance.
CHANNEL_GOVERNANCE_WARNINGS: dict[str, list[str]] = {
    PINTEREST: ["CHANNEL_GOVERNANCE_INCOMPLETE", "CATALOG_SYNC_STALE"],
    CREATORS: ["CHANNEL_GOVERNANCE_INCOMPLETE"],
    # Site organic is the baseline, not a network: it has no governance to write down.
}

"""Demo data for SocialOps: Maison Lumen, a skincare and apparel brand selling on social.

`load_demo()` (and `manage.py load_demo`) builds a believable store (60+ SKUs over three
locations, shipping to eight countries, codes, support replies), six channels with their
governance filled in unevenly, 26 campaigns in every status, and 90 days of orders, channel
metrics and survey answers. Every date is an offset from today's midnight UTC and every
random draw comes from a seeded generator, so a second run on the same day changes nothing.

Planted mistakes, one campaign (or trio) each, all checked and current or upcoming:

| campaign                                  | rule codes                                  |
|-------------------------------------------|---------------------------------------------|
| Sold-out story: Velvet Lip Tint Rosewood  | STOCK_OUT                                   |
| Glow Serum triple push: TikTok Shop       | STOCK_OVERCOMMIT                            |
| Glow Serum triple push: Instagram         | STOCK_OVERCOMMIT                            |
| Glow Serum triple push: Lumen Live        | STOCK_OVERCOMMIT                            |
| 48h delivery to Italy: Linen Shirt drop   | DELIVERY_CLAIM_UNSUPPORTED,                 |
|                                           | SUPPORT_REPLY_CONTRADICTS                   |
| Undisclosed creator post: @clara.glow     | DISCLOSURE_MISSING                          |
| Expiring code: FLASH15 flash sale         | PROMO_CODE_INVALID                          |
| Free 60-day returns reel                  | RETURN_CLAIM_EXCEEDS_POLICY,                |
|                                           | SUPPORT_REPLY_CONTRADICTS                   |

The facts behind them:

- Sold-out story: a live Instagram story promoting ML-TINT-ROSE, which has 0 available at
  all three locations, inventory policy deny, and no preorder message on the item.
- Triple push: ML-GLOW-50 has 300 available (295 after its safety buffer); each campaign
  expects 120 (and reserves 20), so any two fit and the three (360) do not. They run on
  TikTok, Instagram and live shopping, and all three overlap at the live show on day +5.
- 48h delivery: the caption says "48h delivery to Italy" and a delivery claim says 2 days;
  Italy's only enabled method (Standard Europe South) takes 3 to 5 days, and the delivery
  support reply says "allow five business days" (stated delivery days 5).
- Undisclosed creator post: a paid partnership creator post by @clara.glow, disclosure blank.
- Expiring code: FLASH15 ends on day +3 at 23:59; the campaign announcing it runs to day +9.
- Free 60-day returns: in the caption and as a returns claim (60 days, free); the policy for
  its countries is 30 days, paid, and the returns support reply states 30 days.

PLANTED_SIDE_EFFECTS lists the codes that follow from the same facts and may also fire
(a sold-out SKU also has no reservation and falls short of its expected units). Every other
checked campaign is meant to be sound, apart from the governance warnings of its channel
(CHANNEL_GOVERNANCE_WARNINGS): Pinterest has no response-time commitment and a feed last
synced 9 days ago, the creator program has no calendar owner, creative budget or catalog sync.
"""

from socialops.demo.builder import demo_models, load_demo
from socialops.demo.people import DEMO_PASSWORD
from socialops.demo.planted import (
    CHANNEL_GOVERNANCE_WARNINGS,
    PLANTED_MISTAKES,
    PLANTED_SIDE_EFFECTS,
)

__all__ = [
    "CHANNEL_GOVERNANCE_WARNINGS",
    "DEMO_PASSWORD",
    "PLANTED_MISTAKES",
    "PLANTED_SIDE_EFFECTS",
    "demo_models",
    "load_demo",
]

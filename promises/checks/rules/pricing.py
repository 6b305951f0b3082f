"""Pricing rules: announced prices, promo codes and margins must match what checkout charges."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.utils.translation import gettext_noop, ngettext_lazy

from common import formatting
from promises.checks.facts import CampaignFacts, CheckContext, PromoCodeFacts, SkuFacts
from promises.checks.messages import ENGLISH, SEMICOLON, Moment, Money, Say, counted, listing, say
from promises.checks.registry import Emit, Finding, oldest, rule
from promises.choices import AppliesTo, DiscountKind, Severity

CENT = Decimal("0.01")
# Rounding to cents moves a margin by at most a cent or two: estimates above floor + this are safe.
ROUNDING_SLACK = Decimal("0.05")


def money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(CENT))


def discounted(price: Decimal, code: PromoCodeFacts | None) -> Decimal:
    """The price after a code's discount (never below zero)."""
    if code is None:
        return price
    if code.kind == DiscountKind.PERCENTAGE:
        return (price * (1 - code.value / 100)).quantize(CENT)
    return max(price - code.value, Decimal(0))


def announced_codes(campaign: CampaignFacts) -> list[str]:
    """Every code the campaign announces: entered, creator's, or read from its copy."""
    codes = [
        campaign.promo_code,
        campaign.creator_promo_code,
        *(c.code for c in campaign.claims_of("promo_code")),
    ]
    seen: dict[str, None] = {}
    for code in codes:
        if code and code.strip():
            seen.setdefault(code.strip().upper(), None)
    return list(seen)


def campaign_code(campaign: CampaignFacts, ctx: CheckContext) -> PromoCodeFacts | None:
    for code in announced_codes(campaign):
        if code in ctx.operations.promo_codes:
            return ctx.operations.promo_codes[code]
    return None


@rule("PRICE_MISMATCH", Severity.BLOCKER)
def price_mismatch(campaign: CampaignFacts, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    """The announced price differs from the store price (or the active sale price)."""
    for item in campaign.items:
        if item.announced_price is None:
            continue
        sku = ctx.skus[item.sku_id]
        if item.announced_price != sku.price or item.currency != sku.currency:
            yield emit.sku(
                sku.id,
                say(
                    gettext_noop(
                        "%(sku)s is announced at %(announced)s; the store sells it at %(store)s."
                    ),
                    sku=sku.code,
                    announced=Money(item.announced_price, item.currency),
                    store=Money(sku.price, sku.currency),
                ),
                {
                    "sku": sku.code,
                    "announced": money(item.announced_price),
                    "announced_currency": item.currency,
                    "store": money(sku.price),
                    "store_currency": sku.currency,
                    "compare_at": money(sku.compare_at_price),
                },
                oldest(sku.price_as_of, campaign.updated_at),
            )
    # Prices read from the copy must be the price (or the discounted price) of a promoted SKU.
    price_claims = [c for c in campaign.claims_of("price") if c.amount is not None]
    if not price_claims or not campaign.items:
        return
    code = campaign_code(campaign, ctx)
    skus = [ctx.skus[item.sku_id] for item in campaign.items]
    possible = {(p, s.currency) for s in skus for p in (s.price, discounted(s.price, code))}
    possible |= {(s.compare_at_price, s.currency) for s in skus if _is_strikethrough(s)}
    for claim in price_claims:
        if (claim.amount, claim.currency or campaign.currency) in possible:
            continue
        yield emit.keyed(
            f"price:{money(claim.amount)}:{claim.currency}",
            say(
                gettext_noop('The copy says "%(claim)s", which is no promoted SKU\'s price.'),
                claim=claim.text,
            ),
            {
                "claimed": money(claim.amount),
                "claimed_currency": claim.currency,
                # In English whoever runs the checks, so the evidence does not change with
                # the language of the person whose edit triggered them.
                "store_prices": sorted(
                    {formatting.money(s.price, s.currency, locale=ENGLISH) for s in skus}
                ),
            },
            campaign.updated_at,
        )


def _is_strikethrough(sku: SkuFacts) -> bool:
    # "€19.99 instead of €24.99": the compare-at price may be quoted as the old price.
    return sku.compare_at_price is not None and sku.compare_at_price > sku.price


@rule("PROMO_CODE_INVALID", Severity.BLOCKER)
def promo_code_invalid(campaign: CampaignFacts, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    """The announced code does not exist, is inactive, does not cover the campaign's dates,
    SKUs or channel, or its usage limit is below the expected uses."""
    for announced in announced_codes(campaign):
        code = ctx.operations.promo_codes.get(announced)
        problems = promo_code_problems(code, campaign, ctx.skus)
        if problems:
            yield emit.keyed(
                f"code:{announced}",
                say(
                    gettext_noop("Code %(code)s: %(problems)s."),
                    code=announced,
                    problems=listing(problems, SEMICOLON),
                ),
                {
                    "code": announced,
                    "problems": [problem.english() for problem in problems],
                    "code_starts": code.starts_at.isoformat() if code else None,
                    "code_ends": code.ends_at.isoformat() if code and code.ends_at else None,
                    "campaign_starts": _iso(campaign.starts_at),
                    "campaign_ends": _iso(campaign.ends_at),
                },
                oldest(code.updated_at if code else None, campaign.updated_at),
            )


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


# What PROMO_CODE_INVALID says when it counts (see promises/checks/messages.py).
UNCOVERED_SKUS = counted(
    ngettext_lazy(
        "it does not apply to %(count)s promoted SKU",
        "it does not apply to %(count)s promoted SKUs",
        "count",
    )
)
USES_LEFT = counted(
    ngettext_lazy(
        "%(count)s use left for %(expected)s expected",
        "%(count)s uses left for %(expected)s expected",
        "count",
    )
)


def promo_code_problems(
    code: PromoCodeFacts | None, campaign: CampaignFacts, skus: dict[int, SkuFacts]
) -> list[Say]:
    if code is None:
        return [say(gettext_noop("checkout does not know it"))]
    problems = []
    if not code.active:
        problems.append(say(gettext_noop("it is inactive")))
    if campaign.starts_at is not None and code.starts_at > campaign.starts_at:
        problems.append(
            say(
                gettext_noop("it starts %(starts)s, after the campaign starts"),
                starts=Moment(code.starts_at),
            )
        )
    if code.ends_at is not None and (campaign.ends_at is None or code.ends_at < campaign.ends_at):
        problems.append(
            say(
                gettext_noop("it expires %(ends)s, before the campaign ends"),
                ends=Moment(code.ends_at),
            )
        )
    if code.channel_ids and campaign.channel.id not in code.channel_ids:
        problems.append(
            say(gettext_noop("it is not valid on %(channel)s"), channel=campaign.channel.name)
        )
    uncovered = _uncovered_skus(code, campaign, skus)
    if uncovered:
        problems.append(say(UNCOVERED_SKUS, count=len(uncovered)))
    expected = sum(item.expected_units for item in campaign.items)
    if code.usage_limit is not None:
        left = code.usage_limit - code.usage_count
        if left < expected:
            problems.append(say(USES_LEFT, count=left, expected=expected))
    return problems


def _uncovered_skus(
    code: PromoCodeFacts, campaign: CampaignFacts, skus: dict[int, SkuFacts]
) -> list[int]:
    if code.applies_to == AppliesTo.ALL:
        return []
    if code.applies_to == AppliesTo.SKUS:
        return [i.sku_id for i in campaign.items if i.sku_id not in code.sku_ids]
    return [i.sku_id for i in campaign.items if skus[i.sku_id].product_id not in code.product_ids]


@rule("NEGATIVE_MARGIN", Severity.WARNING)
def negative_margin(campaign: CampaignFacts, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    """The announced price after discount, minus unit cost and channel fees, is below zero
    (or below the configured floor)."""
    code = campaign_code(campaign, ctx)
    native = campaign.checkout_path == "native"
    fee_rate = (campaign.channel.native_checkout_fee_rate if native else Decimal(0)) + (
        campaign.creator_commission_rate if campaign.has_creator else Decimal(0)
    )
    # A quick estimate first: exact cents are worked out only for items near the floor, which
    # keeps this rule cheap over a million items.
    percent_kept = (1 - code.value / 100) if code and code.kind == DiscountKind.PERCENTAGE else 1
    fixed_off = code.value if code and code.kind == DiscountKind.FIXED else 0
    kept_after_fees = 1 - fee_rate
    clearly_fine = ctx.margin_floor + ROUNDING_SLACK
    for item in campaign.items:
        sku = ctx.skus[item.sku_id]
        if sku.unit_cost is None:
            continue
        price = item.announced_price if item.announced_price is not None else sku.price
        currency = item.currency if item.announced_price is not None else sku.currency
        estimate = (price * percent_kept - fixed_off) * kept_after_fees - sku.unit_cost
        if estimate >= clearly_fine:
            continue
        net_price = discounted(price, code)
        fees = (net_price * fee_rate).quantize(CENT)
        margin = net_price - sku.unit_cost - fees
        if margin < ctx.margin_floor:
            yield emit.sku(
                sku.id,
                say(
                    gettext_noop(
                        "%(sku)s sells at %(price)s after discount, for a margin of %(margin)s "
                        "after %(cost)s cost and %(fees)s fees."
                    ),
                    sku=sku.code,
                    price=Money(net_price, currency),
                    margin=Money(margin, currency),
                    cost=Money(sku.unit_cost, sku.currency),
                    fees=Money(fees, currency),
                ),
                {
                    "sku": sku.code,
                    "price": money(price),
                    "price_after_discount": money(net_price),
                    "unit_cost": money(sku.unit_cost),
                    "fees": money(fees),
                    "margin": money(margin),
                    "floor": money(ctx.margin_floor),
                    "code": code.code if code else None,
                },
                oldest(sku.price_as_of, campaign.updated_at),
            )

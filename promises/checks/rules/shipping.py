"""Shipping and checkout rules: promised delivery must be what checkout offers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from django.utils import timezone

from promises.checks.facts import CampaignFacts, CheckContext, ClaimFacts, ShippingMethodFacts
from promises.checks.registry import Emit, Finding, oldest, rule
from promises.choices import Severity

# Which method kinds deliver a claimed option ("express" is kept by next-day and same-day too).
OPTION_KINDS = {
    "express": {"express", "next_day", "same_day"},
    "next_day": {"next_day", "same_day"},
    "same_day": {"same_day"},
    "standard": {"economy", "standard", "express", "next_day", "same_day", "pickup"},
}


def campaign_dates(campaign: CampaignFacts, now: datetime) -> tuple[date, date | None]:
    """The days still ahead of the campaign, in the store's time zone: a peak season that
    is over no longer slows anything down."""
    today = timezone.localdate(now)
    start = max(timezone.localdate(campaign.starts_at), today) if campaign.starts_at else today
    return start, timezone.localdate(campaign.ends_at) if campaign.ends_at else None


def extra_days(method: ShippingMethodFacts, start: date, end: date | None) -> tuple[int, str]:
    """The largest override (extra days, label) that overlaps the campaign's dates."""
    best = (0, "")
    for override in method.overrides:
        overlaps = override.ends_on >= start and (end is None or override.starts_on <= end)
        if overlaps and override.extra_days > best[0]:
            best = (override.extra_days, override.label)
    return best


def methods_for(ctx: CheckContext, country: str, option: str = "") -> list[ShippingMethodFacts]:
    kinds = OPTION_KINDS.get(option)
    return [
        m
        for m in ctx.operations.shipping_methods
        if m.enabled_in_checkout and country in m.countries and (kinds is None or m.kind in kinds)
    ]


def _tightest(claims: list[ClaimFacts]) -> dict[str, ClaimFacts]:
    """Per shipping option, the delivery claim with the fewest days."""
    tightest: dict[str, ClaimFacts] = {}
    for claim in claims:
        if claim.days is None:
            continue
        current = tightest.get(claim.shipping_option)
        if current is None or claim.days < current.days:
            tightest[claim.shipping_option] = claim
    return tightest


@rule("DELIVERY_CLAIM_UNSUPPORTED", Severity.BLOCKER)
def delivery_claim_unsupported(
    campaign: CampaignFacts, ctx: CheckContext, emit: Emit
) -> Iterator[Finding]:
    """The claimed delivery time is shorter than the slowest enabled method's maximum days for
    a target country at the campaign's dates, peak-season overrides included."""
    start, end = campaign_dates(campaign, ctx.now)
    for option, claim in sorted(_tightest(campaign.claims_of("delivery")).items()):
        for country in campaign.target_countries:
            methods = methods_for(ctx, country, option)
            if not methods:
                continue  # no method at all: SHIPPING_COUNTRY_UNCOVERED / OPTION_NOT_IN_CHECKOUT
            slowest, slowest_days, extra, label = None, -1, 0, ""
            for method in methods:
                method_extra, method_label = extra_days(method, start, end)
                if method.max_days + method_extra > slowest_days:
                    slowest = method
                    slowest_days = method.max_days + method_extra
                    extra, label = method_extra, method_label
            if claim.days < slowest_days:
                during = f" during {label}" if label else ""
                yield emit.country(
                    country,
                    f'"{claim.text or f"{claim.days} days"}" promises {claim.days} day(s) to '
                    f"{country}; {slowest.name} takes up to {slowest_days}{during}.",
                    {
                        "claimed_days": claim.days,
                        "claim": claim.text,
                        "country": country,
                        "method": slowest.name,
                        "method_max_days": slowest.max_days,
                        "override": label or None,
                        "override_extra_days": extra,
                        "max_days_at_campaign_dates": slowest_days,
                    },
                    oldest(slowest.updated_at, campaign.updated_at),
                    suffix=option,
                )


@rule("DISPATCH_CLAIM_UNSUPPORTED", Severity.BLOCKER)
def dispatch_claim_unsupported(
    campaign: CampaignFacts, ctx: CheckContext, emit: Emit
) -> Iterator[Finding]:
    """A claimed dispatch time ("ships the same day", "expédiée sous 24h") is shorter than the
    enabled methods' handling time for a target country."""
    claims = [c for c in campaign.claims_of("dispatch") if c.days is not None]
    if not claims:
        return
    claim = min(claims, key=lambda c: c.days)
    for country in campaign.target_countries:
        # A method whose handling time is not written down cannot contradict the claim.
        methods = [m for m in methods_for(ctx, country) if m.handling_days is not None]
        if not methods:
            continue
        slowest = max(methods, key=lambda m: (m.handling_days, m.name))
        if claim.days < slowest.handling_days:
            yield emit.country(
                country,
                f'"{claim.text or f"{claim.days} days"}" promises dispatch in {claim.days} '
                f"day(s) to {country}; {slowest.name} takes {slowest.handling_days} day(s) "
                "to leave the warehouse.",
                {
                    "claimed_days": claim.days,
                    "claim": claim.text,
                    "country": country,
                    "method": slowest.name,
                    "method_handling_days": slowest.handling_days,
                },
                oldest(slowest.updated_at, campaign.updated_at),
            )


@rule("SHIPPING_COUNTRY_UNCOVERED", Severity.BLOCKER)
def shipping_country_uncovered(
    campaign: CampaignFacts, ctx: CheckContext, emit: Emit
) -> Iterator[Finding]:
    """A target country has no enabled shipping method, or the checkout does not sell there."""
    site_checkout = campaign.checkout_path == "site"
    for country in campaign.target_countries:
        problems = []
        if not methods_for(ctx, country):
            problems.append("no enabled shipping method")
        if site_checkout and country not in ctx.operations.checkout_countries:
            problems.append("the site checkout does not sell there")
        if problems:
            yield emit.country(
                country,
                f"{country}: {' and '.join(problems)}.",
                {"country": country, "problems": problems},
                oldest(ctx.operations.checkout_as_of, campaign.updated_at),
            )


@rule("SHIPPING_OPTION_NOT_IN_CHECKOUT", Severity.BLOCKER)
def shipping_option_not_in_checkout(
    campaign: CampaignFacts, ctx: CheckContext, emit: Emit
) -> Iterator[Finding]:
    """A claimed option (express, free shipping under a threshold) is not enabled for a target
    country."""
    options = sorted({c.shipping_option for c in campaign.claims_of("delivery")} - {"", "standard"})
    free_claims = campaign.claims_of("free_shipping")
    for country in campaign.target_countries:
        if not methods_for(ctx, country):
            continue  # SHIPPING_COUNTRY_UNCOVERED says it
        for option in options:
            if not methods_for(ctx, country, option):
                yield emit.country(
                    country,
                    f"The copy promises {option.replace('_', '-')} delivery; checkout offers none "
                    f"to {country}.",
                    {"country": country, "option": option},
                    campaign.updated_at,
                    suffix=option,
                )
        for claim in _strictest_free(free_claims):
            methods = methods_for(ctx, country)
            if not any(_free_for(m, claim) for m in methods):
                thresholds = sorted(
                    str(m.free_shipping_threshold)
                    for m in methods
                    if m.free_shipping_threshold is not None
                )
                yield emit.country(
                    country,
                    f'"{claim.text}" but no method ships free to {country}'
                    + (f" under {claim.amount}" if claim.amount is not None else "")
                    + (f" (free only from {thresholds[0]})" if thresholds else "")
                    + ".",
                    {
                        "country": country,
                        "option": "free_shipping",
                        "claimed_threshold": str(claim.amount)
                        if claim.amount is not None
                        else None,
                        "method_thresholds": thresholds,
                    },
                    campaign.updated_at,
                    suffix="free_shipping",
                )


def _strictest_free(claims: list[ClaimFacts]) -> list[ClaimFacts]:
    """The free-shipping claim hardest to honour: unconditional, else the lowest threshold."""
    if not claims:
        return []
    return [min(claims, key=lambda c: (c.amount is not None, c.amount or 0))]


def _free_for(method: ShippingMethodFacts, claim: ClaimFacts) -> bool:
    # A threshold of 0 is free shipping set at its source, as a price of 0 is.
    if method.price == 0 or method.free_shipping_threshold == 0:
        return True
    threshold = method.free_shipping_threshold
    return threshold is not None and claim.amount is not None and threshold <= claim.amount


@rule("NATIVE_CHECKOUT_UNAVAILABLE", Severity.BLOCKER)
def native_checkout_unavailable(
    campaign: CampaignFacts, ctx: CheckContext, emit: Emit
) -> Iterator[Finding]:
    """In-app checkout is used where the channel's native checkout is not enabled for a target
    country."""
    if campaign.checkout_path != "native":
        return
    channel = campaign.channel
    for country in campaign.target_countries:
        if country not in channel.native_checkout_countries:
            yield emit.country(
                country,
                f"{channel.name} has no in-app checkout in {country}.",
                {
                    "country": country,
                    "channel": channel.name,
                    "native_checkout_countries": sorted(channel.native_checkout_countries),
                },
                oldest(channel.updated_at, campaign.updated_at),
            )


@rule("SKU_COUNTRY_RESTRICTED", Severity.BLOCKER)
def sku_country_restricted(
    campaign: CampaignFacts, ctx: CheckContext, emit: Emit
) -> Iterator[Finding]:
    """A promoted SKU may not ship to a target country."""
    targets = set(campaign.target_countries)
    for item in campaign.items:
        sku = ctx.skus[item.sku_id]
        blocked = sorted(sku.restricted_countries & targets)
        if blocked:
            yield emit.sku(
                sku.id,
                f"{sku.code} may not ship to {', '.join(blocked)}, which the campaign targets.",
                {"sku": sku.code, "restricted_countries": blocked},
                oldest(sku.price_as_of, campaign.updated_at),
            )

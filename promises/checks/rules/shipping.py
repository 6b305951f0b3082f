"""Shipping and checkout rules: promised delivery must be what checkout offers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext_noop, ngettext_lazy

from promises.checks.facts import CampaignFacts, CheckContext, ClaimFacts, ShippingMethodFacts
from promises.checks.messages import COMMA, Money, counted, listing, say
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


# What the shipping rules say (see promises/checks/messages.py).
DAYS = counted(ngettext_lazy("%(count)s day", "%(count)s days", "count"))
# A claimed option by its name in a sentence ("The copy promises express delivery"): every
# option but "standard" (campaigns.choices.ShippingOption).
OPTION_DELIVERY = {
    "express": gettext_noop("express delivery"),
    "next_day": gettext_noop("next-day delivery"),
    "same_day": gettext_noop("same-day delivery"),
}


def _claimed(claim: ClaimFacts):
    """The claim as the copy words it, or its days when it has no words of its own."""
    return claim.text or say(DAYS, count=claim.days)


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
                said = {
                    "claim": _claimed(claim),
                    "days": say(DAYS, count=claim.days),
                    "country": country,
                    "method": slowest.name,
                    "max_days": say(DAYS, count=slowest_days),
                }
                if label:
                    said["season"] = label
                    template = gettext_noop(
                        '"%(claim)s" promises %(days)s to %(country)s; %(method)s takes up to '
                        "%(max_days)s during %(season)s."
                    )
                else:
                    template = gettext_noop(
                        '"%(claim)s" promises %(days)s to %(country)s; %(method)s takes up to '
                        "%(max_days)s."
                    )
                yield emit.country(
                    country,
                    say(template, **said),
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
                say(
                    gettext_noop(
                        '"%(claim)s" promises dispatch in %(days)s to %(country)s; %(method)s '
                        "takes %(handling_days)s to leave the warehouse."
                    ),
                    claim=_claimed(claim),
                    days=say(DAYS, count=claim.days),
                    country=country,
                    method=slowest.name,
                    handling_days=say(DAYS, count=slowest.handling_days),
                ),
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
            problems.append(say(gettext_noop("no enabled shipping method")))
        if site_checkout and country not in ctx.operations.checkout_countries:
            problems.append(say(gettext_noop("the site checkout does not sell there")))
        if problems:
            yield emit.country(
                country,
                say(
                    gettext_noop("%(country)s: %(problems)s."),
                    country=country,
                    problems=listing(problems),
                ),
                {"country": country, "problems": [problem.english() for problem in problems]},
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
                    say(
                        gettext_noop(
                            "The copy promises %(delivery)s; checkout offers none to %(country)s."
                        ),
                        delivery=say(OPTION_DELIVERY[option]),
                        country=country,
                    ),
                    {"country": country, "option": option},
                    campaign.updated_at,
                    suffix=option,
                )
        for claim in _strictest_free(free_claims):
            methods = methods_for(ctx, country)
            if not any(_free_for(m, claim) for m in methods):
                # Lowest first, as amounts (as text, "100.00" would sort before "50.00").
                offering = sorted(
                    (m for m in methods if m.free_shipping_threshold is not None),
                    key=lambda m: m.free_shipping_threshold,
                )
                thresholds = [str(m.free_shipping_threshold) for m in offering]
                said = {
                    "claim": claim.text or say(gettext_noop("Free shipping")),
                    "country": country,
                }
                if claim.amount is not None:
                    said["amount"] = Money(claim.amount, claim.currency or campaign.currency)
                if offering:
                    said["threshold"] = Money(
                        offering[0].free_shipping_threshold, offering[0].currency
                    )
                yield emit.country(
                    country,
                    say(NOT_FREE[("amount" in said, "threshold" in said)], **said),
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


# (a threshold is claimed, some method ships free from a threshold) -> what the rule says.
NOT_FREE = {
    (False, False): gettext_noop('"%(claim)s" but no method ships free to %(country)s.'),
    (True, False): gettext_noop(
        '"%(claim)s" but no method ships free to %(country)s under %(amount)s.'
    ),
    (False, True): gettext_noop(
        '"%(claim)s" but no method ships free to %(country)s (free only from %(threshold)s).'
    ),
    (True, True): gettext_noop(
        '"%(claim)s" but no method ships free to %(country)s under %(amount)s (free only '
        "from %(threshold)s)."
    ),
}


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
                say(
                    gettext_noop("%(channel)s has no in-app checkout in %(country)s."),
                    channel=channel.name,
                    country=country,
                ),
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
                say(
                    gettext_noop(
                        "%(sku)s may not ship to %(countries)s, which the campaign targets."
                    ),
                    sku=sku.code,
                    countries=listing(blocked, COMMA),
                ),
                {"sku": sku.code, "restricted_countries": blocked},
                oldest(sku.price_as_of, campaign.updated_at),
            )

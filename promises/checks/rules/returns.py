"""Return rules: what the copy promises about returns must be what the policy grants."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_noop, ngettext_lazy

from promises.checks.facts import CampaignFacts, CheckContext, ReturnPolicyFacts
from promises.checks.messages import SEMICOLON, counted, listing, say
from promises.checks.registry import Emit, Finding, oldest, rule
from promises.choices import Severity

# What RETURN_CLAIM_EXCEEDS_POLICY says when it counts (see promises/checks/messages.py).
LONGER_THAN_POLICY = counted(
    ngettext_lazy(
        "%(count)s day claimed, the policy gives %(policy_days)s",
        "%(count)s days claimed, the policy gives %(policy_days)s",
        "count",
    )
)


def policy_for(ctx: CheckContext, country: str) -> ReturnPolicyFacts | None:
    """The policy of a country: one naming it, else one for every country."""
    specific = [p for p in ctx.operations.return_policies if country in p.countries]
    if specific:
        return specific[0]
    general = [p for p in ctx.operations.return_policies if not p.countries]
    return general[0] if general else None


@rule("RETURN_CLAIM_EXCEEDS_POLICY", Severity.BLOCKER)
def return_claim_exceeds_policy(
    campaign: CampaignFacts, ctx: CheckContext, emit: Emit
) -> Iterator[Finding]:
    """The claimed return window is longer than the policy, or "free returns" are claimed
    against a paid policy."""
    claims = campaign.claims_of("returns")
    if not claims:
        return
    claimed_days = max((c.days for c in claims if c.days is not None), default=None)
    claimed_free = any(c.is_free for c in claims)
    text = next((c.text for c in claims if c.text), "")
    for country in campaign.target_countries:
        policy = policy_for(ctx, country)
        problems = []
        if policy is None:
            problems.append(say(gettext_noop("no return policy covers it")))
        else:
            if claimed_days is not None and claimed_days > policy.window_days:
                problems.append(
                    say(LONGER_THAN_POLICY, count=claimed_days, policy_days=policy.window_days)
                )
            if claimed_free and not policy.is_free:
                problems.append(
                    say(gettext_noop("free returns claimed, the policy's returns are paid"))
                )
        if problems:
            yield emit.country(
                country,
                say(
                    gettext_noop('"%(claim)s" for %(country)s: %(problems)s.'),
                    claim=text or say(gettext_noop("Returns claim")),
                    country=country,
                    problems=listing(problems, SEMICOLON),
                ),
                {
                    "country": country,
                    "claimed_days": claimed_days,
                    "claimed_free": claimed_free,
                    "policy": policy.name if policy else None,
                    "policy_days": policy.window_days if policy else None,
                    "policy_free": policy.is_free if policy else None,
                    "problems": [problem.english() for problem in problems],
                },
                oldest(policy.updated_at if policy else None, campaign.updated_at),
            )


@rule("FINAL_SALE_RETURN_CLAIM", Severity.WARNING)
def final_sale_return_claim(
    campaign: CampaignFacts, ctx: CheckContext, emit: Emit
) -> Iterator[Finding]:
    """A final-sale SKU (or one whose category the policy excludes) is promoted with a returns
    claim."""
    if not campaign.claims_of("returns"):
        return
    policies = [policy_for(ctx, country) for country in campaign.target_countries]
    excluded = {cat.lower() for p in policies if p for cat in p.excluded_categories}
    for item in campaign.items:
        sku = ctx.skus[item.sku_id]
        category_excluded = bool(sku.category) and sku.category.lower() in excluded
        if sku.final_sale or category_excluded:
            if sku.final_sale:
                said = say(
                    gettext_noop("%(sku)s is final sale, but the campaign promises returns."),
                    sku=sku.code,
                )
            else:
                said = say(
                    gettext_noop(
                        "%(sku)s is in excluded category %(category)s, but the campaign "
                        "promises returns."
                    ),
                    sku=sku.code,
                    category=sku.category,
                )
            yield emit.sku(
                sku.id,
                said,
                {
                    "sku": sku.code,
                    "final_sale": sku.final_sale,
                    "category": sku.category,
                    "category_excluded": category_excluded,
                },
                oldest(sku.price_as_of, campaign.updated_at),
            )

"""Campaign rules: governance, disclosure, planning discipline, support replies, stop rules."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

from promises.checks.facts import CampaignFacts, CheckContext
from promises.checks.registry import Emit, Finding, oldest, rule
from promises.choices import Severity

# Below this spend (store currency) a ROAS or CPA says more about luck than about the
# campaign: a stop rule is not judged on the first euros.
MIN_SPEND_TO_JUDGE = Decimal("50")

# Words that disclose a paid partnership when written in the copy itself.
DISCLOSURE_IN_COPY = re.compile(
    r"#(?:ad|advert|sponsored|sponsorisé|partenariat|collab|pub|paidpartnership)\b"
    r"|paid partnership|partenariat rémunéré|collaboration commerciale|sponsored by",
    re.I,
)


@rule("CHANNEL_GOVERNANCE_INCOMPLETE", Severity.WARNING)
def channel_governance_incomplete(
    campaign: CampaignFacts, ctx: CheckContext, emit: Emit
) -> Iterator[Finding]:
    """The channel lacks a calendar owner, a creative budget, a catalog sync or a response-time
    commitment."""
    gaps = campaign.channel.governance_gaps
    if gaps:
        yield emit.campaign_wide(
            f"{campaign.channel.name} has no {', '.join(gaps)} written down.",
            {"channel": campaign.channel.name, "missing": list(gaps)},
            campaign.channel.updated_at,
        )


@rule("CATALOG_SYNC_STALE", Severity.WARNING)
def catalog_sync_stale(campaign: CampaignFacts, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    """The channel's catalog sync is older than its allowed age."""
    channel = campaign.channel
    if not channel.catalog_sync:
        return  # no sync written down: CHANNEL_GOVERNANCE_INCOMPLETE says it
    allowed = timedelta(hours=channel.catalog_sync_max_age_hours)
    last = channel.last_catalog_sync_at
    if last is None or ctx.now - last > allowed:
        age_hours = None if last is None else int((ctx.now - last).total_seconds() // 3600)
        yield emit.campaign_wide(
            f"{channel.name}'s catalog was last synced "
            + ("never" if last is None else f"{age_hours} hours ago")
            + f"; allowed: {channel.catalog_sync_max_age_hours} hours.",
            {
                "channel": channel.name,
                "last_sync": last.isoformat() if last else None,
                "age_hours": age_hours,
                "allowed_hours": channel.catalog_sync_max_age_hours,
            },
            last,
        )


@rule("NO_DOWNSTREAM_FUNCTION", Severity.WARNING)
def no_downstream_function(
    campaign: CampaignFacts, ctx: CheckContext, emit: Emit
) -> Iterator[Finding]:
    """The campaign cites none of stock, customer service or margin."""
    if not (campaign.cites_stock or campaign.cites_customer_service or campaign.cites_margin):
        yield emit.campaign_wide(
            "The brief cites none of stock, customer service or margin.",
            {"cites_stock": False, "cites_customer_service": False, "cites_margin": False},
            campaign.updated_at,
        )


@rule("PERFORMANCE_WITHOUT_STOP_RULE", Severity.WARNING)
def performance_without_stop_rule(
    campaign: CampaignFacts, ctx: CheckContext, emit: Emit
) -> Iterator[Finding]:
    """A performance campaign has no stop rule or no qualified basket threshold."""
    if campaign.objective != "performance":
        return
    missing = []
    if campaign.stop_min_roas is None and campaign.stop_max_cpa is None:
        missing.append("stop rule (minimum ROAS or maximum CPA)")
    if campaign.qualified_basket_threshold is None:
        missing.append("qualified basket threshold")
    if missing:
        yield emit.campaign_wide(
            f"Performance campaign without {' and '.join(missing)}.",
            {"missing": missing},
            campaign.updated_at,
        )


@rule("DISCLOSURE_MISSING", Severity.BLOCKER)
def disclosure_missing(campaign: CampaignFacts, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    """A creator or paid-partnership campaign has no disclosure."""
    needs = campaign.is_paid_partnership or (
        campaign.has_creator and campaign.creator_disclosure_required
    )
    if not needs or campaign.disclosure.strip():
        return
    if DISCLOSURE_IN_COPY.search(campaign.caption) or DISCLOSURE_IN_COPY.search(campaign.script):
        return
    who = f"@{campaign.creator_handle}" if campaign.has_creator else "a paid partner"
    yield emit.campaign_wide(
        f"Post by {who} without a disclosure (#ad, paid-partnership label).",
        {
            "creator": campaign.creator_handle or None,
            "paid_partnership": campaign.is_paid_partnership,
        },
        campaign.updated_at,
    )


@rule("SUPPORT_REPLY_CONTRADICTS", Severity.WARNING)
def support_reply_contradicts(
    campaign: CampaignFacts, ctx: CheckContext, emit: Emit
) -> Iterator[Finding]:
    """A standard support reply states a delivery time or return window that contradicts the
    campaign's claim."""
    delivery = [c.days for c in campaign.claims_of("delivery") if c.days is not None]
    returns = [c.days for c in campaign.claims_of("returns") if c.days is not None]
    claimed_delivery = min(delivery, default=None)
    claimed_returns = max(returns, default=None)
    for reply in ctx.operations.support_replies:
        said = []
        if (
            claimed_delivery is not None
            and reply.stated_delivery_days is not None
            and reply.stated_delivery_days > claimed_delivery
        ):
            said.append(
                f"delivery in {reply.stated_delivery_days} days against {claimed_delivery} claimed"
            )
        if (
            claimed_returns is not None
            and reply.stated_return_days is not None
            and reply.stated_return_days < claimed_returns
        ):
            said.append(
                f"returns within {reply.stated_return_days} days against {claimed_returns} claimed"
            )
        if said:
            yield emit.keyed(
                f"reply:{reply.id}",
                f'Support reply "{reply.title}" says {"; ".join(said)}.',
                {
                    "reply": reply.title,
                    "stated_delivery_days": reply.stated_delivery_days,
                    "stated_return_days": reply.stated_return_days,
                    "claimed_delivery_days": claimed_delivery,
                    "claimed_return_days": claimed_returns,
                },
                oldest(reply.updated_at, campaign.updated_at),
            )


@rule("STOP_RULE_TRIPPED", Severity.BLOCKER)
def stop_rule_tripped(campaign: CampaignFacts, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    """A live (or paused) performance campaign's measured ROAS or CPA has crossed its stop
    rule; a paused one stays blocked so it cannot go live again unchanged."""
    measured = campaign.performance
    if (
        campaign.status not in ("live", "paused")
        or campaign.objective != "performance"
        or measured is None
        or measured.spend < MIN_SPEND_TO_JUDGE
    ):
        return
    roas = measured.net_revenue / measured.spend
    cpa = measured.spend / measured.orders if measured.orders else None
    crossed = []
    if campaign.stop_min_roas is not None and roas < campaign.stop_min_roas:
        crossed.append(f"ROAS {roas:.2f} below {campaign.stop_min_roas}")
    # With no order yet, the CPA is crossed only once the spend alone exceeds it.
    max_cpa = campaign.stop_max_cpa
    if max_cpa is not None and (cpa > max_cpa if cpa is not None else measured.spend > max_cpa):
        shown = "no order" if cpa is None else f"CPA {cpa:.2f}"
        crossed.append(f"{shown} above {campaign.stop_max_cpa}")
    if crossed:
        yield emit.campaign_wide(
            f"Stop rule crossed: {'; '.join(crossed)}.",
            {
                "roas": f"{roas:.2f}",
                "cpa": f"{cpa:.2f}" if cpa is not None else None,
                "spend": str(measured.spend),
                "net_revenue": str(measured.net_revenue),
                "orders": measured.orders,
                "stop_min_roas": str(campaign.stop_min_roas) if campaign.stop_min_roas else None,
                "stop_max_cpa": str(campaign.stop_max_cpa) if campaign.stop_max_cpa else None,
            },
            campaign.updated_at,
        )

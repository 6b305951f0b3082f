"""Campaign rules: governance, disclosure, planning discipline, support replies, stop rules."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

from django.utils.translation import gettext_noop, ngettext_lazy

from promises.checks.facts import CampaignFacts, CheckContext
from promises.checks.messages import COMMA, SEMICOLON, Figure, Money, counted, listing, say
from promises.checks.registry import Emit, Finding, oldest, rule
from promises.choices import Severity

# Below this spend (store currency) a ROAS or CPA says more about luck than about the
# campaign: a stop rule is not judged on the first euros.
MIN_SPEND_TO_JUDGE = Decimal("50")
CENT = Decimal("0.01")

# Words that disclose a paid partnership when written in the copy itself.
DISCLOSURE_IN_COPY = re.compile(
    r"#(?:ad|advert|sponsored|sponsorisé|partenariat|collab|pub|paidpartnership)\b"
    r"|paid partnership|partenariat rémunéré|collaboration commerciale|sponsored by",
    re.I,
)


# What the campaign rules say (see promises/checks/messages.py).
HOURS = counted(ngettext_lazy("%(count)s hour", "%(count)s hours", "count"))
# campaigns.models.governance_gaps names the four gaps in English (the API's words too).
GAPS = {
    "calendar owner": gettext_noop("calendar owner"),
    "creative budget": gettext_noop("creative budget"),
    "catalog sync": gettext_noop("catalog sync"),
    "response-time commitment": gettext_noop("response-time commitment"),
}
DELIVERY_LONGER = counted(
    ngettext_lazy(
        "delivery in %(count)s day against %(claimed)s claimed",
        "delivery in %(count)s days against %(claimed)s claimed",
        "count",
    )
)
RETURNS_SHORTER = counted(
    ngettext_lazy(
        "returns within %(count)s day against %(claimed)s claimed",
        "returns within %(count)s days against %(claimed)s claimed",
        "count",
    )
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
            say(
                gettext_noop("%(channel)s has no %(missing)s written down."),
                channel=campaign.channel.name,
                missing=listing((say(GAPS[g]) if g in GAPS else str(g) for g in gaps), COMMA),
            ),
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
        allowed_hours = say(HOURS, count=channel.catalog_sync_max_age_hours)
        if last is None:
            said = say(
                gettext_noop("%(channel)s's catalog was never synced; allowed: %(allowed)s."),
                channel=channel.name,
                allowed=allowed_hours,
            )
        else:
            said = say(
                gettext_noop(
                    "%(channel)s's catalog was last synced %(age)s ago; allowed: %(allowed)s."
                ),
                channel=channel.name,
                age=say(HOURS, count=age_hours),
                allowed=allowed_hours,
            )
        yield emit.campaign_wide(
            said,
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
            say(gettext_noop("The brief cites none of stock, customer service or margin.")),
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
        missing.append(say(gettext_noop("stop rule (minimum ROAS or maximum CPA)")))
    if campaign.qualified_basket_threshold is None:
        missing.append(say(gettext_noop("qualified basket threshold")))
    if missing:
        yield emit.campaign_wide(
            say(
                gettext_noop("Performance campaign without %(missing)s."), missing=listing(missing)
            ),
            {"missing": [gap.english() for gap in missing]},
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
    if campaign.has_creator:
        said = say(
            gettext_noop(
                "Post by @%(creator)s without a disclosure (#ad, paid-partnership label)."
            ),
            creator=campaign.creator_handle,
        )
    else:
        said = say(
            gettext_noop(
                "Post by a paid partner without a disclosure (#ad, paid-partnership label)."
            )
        )
    yield emit.campaign_wide(
        said,
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
                say(DELIVERY_LONGER, count=reply.stated_delivery_days, claimed=claimed_delivery)
            )
        if (
            claimed_returns is not None
            and reply.stated_return_days is not None
            and reply.stated_return_days < claimed_returns
        ):
            said.append(
                say(RETURNS_SHORTER, count=reply.stated_return_days, claimed=claimed_returns)
            )
        if said:
            yield emit.keyed(
                f"reply:{reply.id}",
                say(
                    gettext_noop('Support reply "%(reply)s" says %(said)s.'),
                    reply=reply.title,
                    said=listing(said, SEMICOLON),
                ),
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
        crossed.append(
            say(
                gettext_noop("ROAS %(roas)s below %(floor)s"),
                roas=Figure(f"{roas:.2f}"),
                floor=Figure(str(campaign.stop_min_roas)),
            )
        )
    # With no order yet, the CPA is crossed only once the spend alone exceeds it.
    max_cpa = campaign.stop_max_cpa
    if max_cpa is not None and (cpa > max_cpa if cpa is not None else measured.spend > max_cpa):
        ceiling = Money(max_cpa, campaign.currency)
        if cpa is None:
            crossed.append(
                say(gettext_noop("no order yet, spend above %(ceiling)s"), ceiling=ceiling)
            )
        else:
            crossed.append(
                say(
                    gettext_noop("CPA %(cpa)s above %(ceiling)s"),
                    cpa=Money(cpa.quantize(CENT), campaign.currency),
                    ceiling=ceiling,
                )
            )
    if crossed:
        yield emit.campaign_wide(
            say(
                gettext_noop("Stop rule crossed: %(crossed)s."), crossed=listing(crossed, SEMICOLON)
            ),
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

"""Stock rules: what a campaign promotes must exist, be reserved, and not be promised twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext_noop, ngettext_lazy

from promises.checks.facts import CampaignFacts, CheckContext, DemandWindow, ItemFacts, SkuFacts
from promises.checks.messages import Day, counted, say
from promises.checks.registry import Emit, Finding, oldest, rule
from promises.choices import Severity

# What the stock rules say when they count (see promises/checks/messages.py).
UNITS = counted(ngettext_lazy("%(count)s unit", "%(count)s units", "count"))
NOTHING_TO_PROMISE = counted(
    ngettext_lazy(
        "%(sku)s has nothing available to promise (%(count)s unit) and is not marked preorder.",
        "%(sku)s has nothing available to promise (%(count)s units) and is not marked preorder.",
        "count",
    )
)
EXPECTS_MORE = gettext_noop("%(sku)s: the campaign expects %(expected)s, %(available)s.")
AVAILABLE = counted(
    ngettext_lazy(
        "%(count)s is available to promise", "%(count)s are available to promise", "count"
    )
)
AVAILABLE_TO_IT = counted(
    ngettext_lazy(
        "%(count)s is available to it (%(reserved)s reserved for it, %(atp)s available to promise)",
        "%(count)s are available to it (%(reserved)s reserved for it, %(atp)s available to "
        "promise)",
        "count",
    )
)
OVERLAPPING = counted(
    ngettext_lazy(
        "%(sku)s: %(campaigns)s overlapping campaigns count on %(units)s, %(count)s exists.",
        "%(sku)s: %(campaigns)s overlapping campaigns count on %(units)s, %(count)s exist.",
        "count",
    )
)
ALONE = counted(
    ngettext_lazy(
        "%(sku)s: %(campaign)s alone reserves %(units)s, %(count)s exists.",
        "%(sku)s: %(campaign)s alone reserves %(units)s, %(count)s exist.",
        "count",
    )
)


def free_for(item: ItemFacts, sku: SkuFacts) -> int:
    """Units this item can still count on: available - safety buffer - what others reserved."""
    reserved_by_others = sku.reserved_total - item.reserved_units
    return sku.available - sku.safety_buffer - reserved_by_others


def available_to_promise(sku: SkuFacts) -> int:
    """The SKU's available to promise, as its page, the API and the feeds show it: available
    - every checked campaign's reservation - safety buffer, never below zero."""
    return max(sku.available - sku.reserved_total - sku.safety_buffer, 0)


def is_preorder(item: ItemFacts) -> bool:
    return bool(item.preorder_message.strip())


@rule("STOCK_OUT", Severity.BLOCKER, reads_stock=True)
def stock_out(campaign: CampaignFacts, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    """A promoted SKU has nothing available to promise during the campaign, and the item is
    not honestly marked preorder."""
    for item in campaign.items:
        sku = ctx.skus[item.sku_id]
        free = free_for(item, sku)
        if free <= 0 and not is_preorder(item):
            yield emit.sku(
                sku.id,
                say(NOTHING_TO_PROMISE, sku=sku.code, count=max(free, 0)),
                {
                    "sku": sku.code,
                    "available": sku.available,
                    "safety_buffer": sku.safety_buffer,
                    "reserved_by_other_campaigns": sku.reserved_total - item.reserved_units,
                    # Never below zero, as on the SKU's page (a buffer larger than the stock
                    # leaves nothing, not a debt).
                    "available_to_promise": max(free, 0),
                    "expected": item.expected_units,
                },
                oldest(sku.stock_as_of, campaign.updated_at),
            )


@rule("STOCK_SHORT", Severity.WARNING, reads_stock=True)
def stock_short(campaign: CampaignFacts, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    """The campaign's expected units exceed what is available to promise."""
    for item in campaign.items:
        sku = ctx.skus[item.sku_id]
        free = free_for(item, sku)
        # Nothing at all is STOCK_OUT's business; preorders sell what is not there yet.
        if 0 < free < item.expected_units and not is_preorder(item):
            evidence = {
                "sku": sku.code,
                "expected": item.expected_units,
                "available_to_promise": free,
                "available": sku.available,
                "shortfall": item.expected_units - free,
            }
            counted_on = say(AVAILABLE, count=free)
            if item.reserved_units:
                # What it reserved is held for it, but no longer available to promise on the
                # SKU's page: say both, so the two figures do not seem to contradict.
                atp = available_to_promise(sku)
                counted_on = say(AVAILABLE_TO_IT, count=free, reserved=item.reserved_units, atp=atp)
                evidence["reserved_for_this_campaign"] = item.reserved_units
                evidence["sku_available_to_promise"] = atp
            yield emit.sku(
                sku.id,
                say(
                    EXPECTS_MORE,
                    sku=sku.code,
                    expected=say(UNITS, count=item.expected_units),
                    available=counted_on,
                ),
                evidence,
                oldest(sku.stock_as_of, campaign.updated_at),
            )


@rule("STOCK_OVERCOMMIT", Severity.BLOCKER, reads_stock=True)
def stock_overcommit(campaign: CampaignFacts, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    """Overlapping campaigns, on any channels, together expect or reserve more units of a SKU
    than exist, or one campaign alone reserves more than exist; every campaign involved is
    named."""
    for item in campaign.items:
        windows = ctx.demand_windows.get(item.sku_id)
        if not windows:
            continue
        sku = ctx.skus[item.sku_id]
        supply = sku.available - sku.safety_buffer
        peak, involved = peak_overlapping_demand(campaign.id, windows)
        # Expecting more than exists alone is STOCK_SHORT's, and nothing at all is STOCK_OUT's;
        # holding more than exists is not a reservation at all.
        alone = 0 < supply < item.reserved_units
        if peak > supply and (len(involved) > 1 or alone):
            if len(involved) > 1:
                said = say(
                    OVERLAPPING,
                    sku=sku.code,
                    campaigns=len(involved),
                    units=say(UNITS, count=peak),
                    count=max(supply, 0),
                )
            else:
                said = say(
                    ALONE,
                    sku=sku.code,
                    campaign=campaign.name,
                    units=say(UNITS, count=item.reserved_units),
                    count=max(supply, 0),
                )
            yield emit.sku(
                sku.id,
                said,
                {
                    "sku": sku.code,
                    "units_counted_on": peak,
                    "units_that_exist": max(supply, 0),
                    "campaigns": [
                        {
                            "id": w.campaign_id,
                            "name": w.campaign_name,
                            "channel": w.channel_name,
                            "units": w.units,
                        }
                        for w in involved
                    ],
                },
                oldest(sku.stock_as_of, campaign.updated_at),
            )


def peak_overlapping_demand(
    campaign_id: int, windows: list[DemandWindow]
) -> tuple[int, list[DemandWindow]]:
    """The largest total demand on a SKU at any moment of this campaign, and who makes it.

    Demand peaks when some campaign starts, so it is enough to add up, at each start inside
    this campaign's window, the campaigns running then. Open ends count as forever.
    """
    own = next(w for w in windows if w.campaign_id == campaign_id)
    best: tuple[int, list[DemandWindow]] = (own.units, [own])
    for start in {own.starts_at, *(w.starts_at for w in windows)}:
        if not _running(own, start):
            continue
        running = [w for w in windows if _running(w, start)]
        total = sum(w.units for w in running)
        if total > best[0]:
            best = (total, running)
    return best


def _running(window: DemandWindow, moment) -> bool:
    if moment is None:
        return window.starts_at is None
    starts_ok = window.starts_at is None or window.starts_at <= moment
    ends_ok = window.ends_at is None or window.ends_at > moment
    return starts_ok and ends_ok


@rule("NO_RESERVATION", Severity.WARNING)
def no_reservation(campaign: CampaignFacts, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    """A publicly promoted SKU has neither a reservation nor a preorder message."""
    for item in campaign.items:
        if item.reserved_units == 0 and not is_preorder(item):
            sku = ctx.skus[item.sku_id]
            yield emit.sku(
                sku.id,
                say(
                    gettext_noop(
                        "%(sku)s is promoted with no units reserved and no preorder message."
                    ),
                    sku=sku.code,
                ),
                {"sku": sku.code, "reserved": 0, "expected": item.expected_units},
                campaign.updated_at,
            )


@rule("PREORDER_WITHOUT_DATE", Severity.BLOCKER, reads_stock=True)
def preorder_without_date(
    campaign: CampaignFacts, ctx: CheckContext, emit: Emit
) -> Iterator[Finding]:
    """A preorder is announced but the SKU has no availability date, or the date is later than
    the delivery claimed."""
    preorder_claims = campaign.claims_of("preorder")
    campaign_preorder = bool(preorder_claims)
    promised_by = _promised_delivery_date(campaign)
    for item in campaign.items:
        sku = ctx.skus[item.sku_id]
        # Copy announcing a preorder concerns the items that are not there to sell now.
        if not (is_preorder(item) or (campaign_preorder and free_for(item, sku) <= 0)):
            continue
        as_of = oldest(sku.price_as_of, campaign.updated_at)
        if sku.available_on is None:
            yield emit.sku(
                sku.id,
                say(
                    gettext_noop("%(sku)s is sold as a preorder but has no availability date."),
                    sku=sku.code,
                ),
                {
                    "sku": sku.code,
                    "availability_date": None,
                    "preorder_message": item.preorder_message,
                },
                as_of,
            )
        elif promised_by is not None and sku.available_on > promised_by:
            yield emit.sku(
                sku.id,
                say(
                    gettext_noop(
                        "%(sku)s is available on %(available_on)s, after the promised "
                        "%(promised_by)s."
                    ),
                    sku=sku.code,
                    available_on=Day(sku.available_on),
                    promised_by=Day(promised_by),
                ),
                {
                    "sku": sku.code,
                    "availability_date": sku.available_on.isoformat(),
                    "promised_by": promised_by.isoformat(),
                },
                as_of,
            )


def _promised_delivery_date(campaign: CampaignFacts) -> date | None:
    """The preorder date claimed, else the first buyers' delivery date from a delivery claim."""
    dated = [c.date for c in campaign.claims_of("preorder") if c.date is not None]
    if dated:
        return min(dated)
    days = [c.days for c in campaign.claims_of("delivery") if c.days is not None]
    if days and campaign.starts_at is not None:
        return timezone.localdate(campaign.starts_at) + timedelta(days=min(days))
    return None


# One sentence per state, so each reads naturally in French (a draft, archived...).
NOT_SELLABLE = {
    "draft": gettext_noop("%(sku)s's product is draft: the campaign's link leads nowhere."),
    "archived": gettext_noop("%(sku)s's product is archived: the campaign's link leads nowhere."),
    "unpublished": gettext_noop(
        "%(sku)s's product is unpublished: the campaign's link leads nowhere."
    ),
}
NOT_SELLABLE_OTHER = gettext_noop(
    "%(sku)s's product is %(state)s: the campaign's link leads nowhere."
)


@rule("SKU_NOT_SELLABLE", Severity.BLOCKER)
def sku_not_sellable(campaign: CampaignFacts, ctx: CheckContext, emit: Emit) -> Iterator[Finding]:
    """The promoted product is draft, archived or unpublished: the link leads nowhere."""
    for item in campaign.items:
        sku = ctx.skus[item.sku_id]
        if sku.sellable_status != "active" or not sku.published:
            state = sku.sellable_status if sku.sellable_status != "active" else "unpublished"
            yield emit.sku(
                sku.id,
                say(NOT_SELLABLE[state], sku=sku.code)
                if state in NOT_SELLABLE
                else say(NOT_SELLABLE_OTHER, sku=sku.code, state=state),
                {
                    "sku": sku.code,
                    "product_status": sku.sellable_status,
                    "published": sku.published,
                },
                sku.price_as_of,
            )

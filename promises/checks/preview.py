"""The rules on a campaign as typed, before it is saved: facts built in memory, nothing written.

The live preview and a draft's page ask "what would the checks say if this were saved and
submitted?". The campaign's facts are built from the unsaved rows as the loader would read
them back once saved (claims read from the copy included), the SKU and operations facts are
loaded as for a re-check, and the registry's rules run over them. No row is written or
locked: no CheckRun, no conflict, no event, no savepoint.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from campaigns.choices import CampaignStatus
from campaigns.models import Campaign, CampaignClaim, CampaignItem
from campaigns.querysets import checked_q
from campaigns.services import claims_in_copy
from promises.checks import loader
from promises.checks.facts import (
    CampaignFacts,
    ChannelFacts,
    CheckContext,
    ClaimFacts,
    DemandWindow,
    ItemFacts,
    SkuFacts,
)
from promises.checks.registry import Finding, all_rules

# The id an unsaved campaign's findings carry: no saved campaign has it.
UNSAVED_ID = 0
# Performance is measured only for these (as the loader does).
MEASURED = (CampaignStatus.LIVE, CampaignStatus.PAUSED)


@dataclass
class Preview:
    """What the rules say about one campaign as typed."""

    checked: bool  # False: it would not be checked (ended by status or by date)
    findings: list[Finding] = field(default_factory=list)  # one per (rule, scope), as stored
    severities: dict[str, str] = field(default_factory=dict)  # rule code -> configured severity
    errors: list[dict] = field(default_factory=list)


def campaign_facts(
    campaign: Campaign,
    items: Iterable[CampaignItem],
    claims: Iterable[CampaignClaim],
    channels: dict[int, ChannelFacts],
    *,
    status: str | None = None,
    updated_at: datetime | None = None,
) -> CampaignFacts:
    """The facts `loader.load_campaigns` reads back for these rows once saved, in memory.

    `status` and `updated_at` stand in for the stored ones (a draft judged as submitted, an
    edit judged as saved now).
    """
    creator = campaign.creator
    facts = CampaignFacts(
        id=campaign.pk or UNSAVED_ID,
        name=campaign.name,
        status=status or campaign.status,
        objective=campaign.objective,
        format=campaign.format,
        starts_at=campaign.starts_at,
        ends_at=campaign.ends_at,
        target_countries=tuple(sorted(loader.countries(campaign.target_countries))),
        checkout_path=campaign.checkout_path,
        channel=channels[campaign.channel_id],
        cites_stock=campaign.cites_stock,
        cites_customer_service=campaign.cites_customer_service,
        cites_margin=campaign.cites_margin,
        stop_min_roas=campaign.stop_min_roas,
        stop_max_cpa=campaign.stop_max_cpa,
        qualified_basket_threshold=campaign.qualified_basket_threshold,
        creator_handle=creator.handle if creator else "",
        creator_disclosure_required=bool(creator and creator.disclosure_required),
        creator_commission_rate=(creator.commission_rate if creator else None) or Decimal(0),
        creator_promo_code=(creator.promo_code if creator else "") or "",
        is_paid_partnership=campaign.is_paid_partnership,
        disclosure=campaign.disclosure,
        promo_code=campaign.promo_code,
        caption=campaign.caption,
        script=campaign.script,
        currency=campaign.currency,
        updated_at=updated_at or campaign.updated_at,
    )
    facts.items = [
        ItemFacts(
            campaign_id=facts.id,
            id=item.pk,
            sku_id=item.sku_id,
            announced_price=item.announced_price,
            currency=item.currency,
            expected_units=item.expected_units,
            reserved_units=item.reserved_units,
            preorder_message=item.preorder_message,
        )
        for item in items
    ]
    facts.claims = [
        ClaimFacts(
            kind=claim.kind,
            source=claim.source,
            text=claim.text,
            days=claim.days,
            is_free=claim.is_free,
            shipping_option=claim.shipping_option,
            amount=claim.amount,
            currency=claim.currency,
            code=claim.code,
            date=claim.date,
        )
        for claim in claims
    ]
    return facts


def preview_checks(
    campaign: Campaign,
    items: Iterable[CampaignItem],
    entered_claims: Iterable[CampaignClaim],
    *,
    edited: bool = True,
    now: datetime | None = None,
) -> Preview:
    """Run the enabled rules on `campaign` with these items and entered claims, unsaved.

    The claims its caption and script make are read from them, as saving would. A draft is
    judged as if submitted for review (drafts are not checked otherwise). `edited`: the rows
    are about to be saved, so the campaign's data is as of `now`.
    """
    now = now or timezone.now()
    items = list(items)  # read twice: for the copy's product names and for the facts
    status = (
        CampaignStatus.IN_REVIEW if campaign.status == CampaignStatus.DRAFT else campaign.status
    )
    if status not in CampaignStatus.checked() or (
        campaign.ends_at is not None and campaign.ends_at <= now
    ):
        return Preview(checked=False)
    operations = loader.current_operations()
    facts = campaign_facts(
        campaign,
        items,
        [*claims_in_copy(campaign, items), *entered_claims],
        operations.channels,
        status=status,
        updated_at=now if edited else None,
    )
    if facts.status in MEASURED and facts.objective == "performance":
        # The loader's own reading of orders and spend, so the stop rules compare the same.
        loader._load_performance([facts])
    skus = loader.load_skus({item.sku_id for item in facts.items}, now)
    _count_own_demand(campaign, facts, skus, now)
    over = loader.over_demanded(skus)
    windows = loader.load_demand_windows(over, now)
    _own_windows(facts, windows, set(over))
    ctx = CheckContext(
        now=now,
        operations=operations,
        skus=skus,
        demand_windows=windows,
        margin_floor=settings.CHECKS_MARGIN_FLOOR,
    )
    preview = Preview(checked=True)
    seen: set[tuple[str, str]] = set()
    for rule in all_rules():
        severity, enabled = operations.rule_settings.get(rule.code, (rule.severity, True))
        if not enabled:
            continue
        preview.severities[rule.code] = severity
        try:
            found = list(rule.check(facts, ctx))
        except Exception as exc:  # one broken rule must not hide what the others say
            preview.errors.append(
                {
                    "campaign": facts.id,
                    "name": facts.name,
                    "error": f"{type(exc).__name__}: {exc}",
                    "where": traceback.format_exc(limit=-1).strip()[-300:],
                }
            )
            continue
        for finding in found:
            # A rule may find the same thing twice (two claims): the first is kept, as stored.
            if (finding.rule_code, finding.scope) not in seen:
                seen.add((finding.rule_code, finding.scope))
                preview.findings.append(finding)
    return preview


def _count_own_demand(
    campaign: Campaign, facts: CampaignFacts, skus: dict[int, SkuFacts], now: datetime
) -> None:
    """Count the campaign's reservations and demand as typed instead of as stored.

    The loaded totals include what the stored campaign reserves when it is checked; saved
    as typed, it would reserve what the form says.
    """
    if campaign.pk is not None:
        stored = CampaignItem.objects.filter(
            checked_q("campaign__", now), campaign_id=campaign.pk, sku_id__in=list(skus)
        ).values_list("sku_id", "expected_units", "reserved_units")
        for sku_id, expected, reserved in stored:
            skus[sku_id].reserved_total -= reserved
            skus[sku_id].demand_total -= max(expected, reserved)
    for item in facts.items:
        skus[item.sku_id].reserved_total += item.reserved_units
        skus[item.sku_id].demand_total += max(item.expected_units, item.reserved_units)


def _own_windows(
    facts: CampaignFacts, windows: dict[int, list[DemandWindow]], over: set[int]
) -> None:
    """Replace the stored campaign's demand windows on over-demanded SKUs with the typed one's."""
    for sku_id, sku_windows in windows.items():
        windows[sku_id] = [w for w in sku_windows if w.campaign_id != facts.id]
    for item in facts.items:
        if item.sku_id in over:
            own = DemandWindow(
                facts.id,
                facts.name,
                facts.channel.name,
                facts.starts_at,
                facts.ends_at,
                max(item.expected_units, item.reserved_units),
            )
            sku_windows = windows.setdefault(item.sku_id, [])
            sku_windows.append(own)
            sku_windows.sort(key=lambda w: w.campaign_id)  # the loader's order

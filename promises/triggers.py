"""Re-check the campaigns a change touches, right after the change commits.

Signal handlers work out which campaigns a change concerns (one query) and add them to a
per-transaction set; one callback on commit enqueues the re-check in chunks. A rolled-back
change enqueues nothing of its own. Two kinds of signal, one per kind of write: model signals
for a row saved or deleted (forms, API, admin), and the apps' bulk signals
(`catalog.signals`, `insights.signals`, `campaigns.signals`) that importers, webhooks and feed
fetches send once per chunk. A writer sending a bulk signal for rows it saves one by one mutes
their model signals (`common.signals.row_signals_muted`), so one change is heard once.
`suspended()` turns all of this off for bulk loads, which run a sweep instead.

Each touched campaign is also marked (a CampaignRecheck row, in the change's own
transaction): the periodic sweep re-checks what is marked, so a re-check that could not be
enqueued, or died, is not lost, and the sweep need not look at anything else.

A change to stock only (stock levels; a campaign's reservations, demand, dates or status as
they weigh on the other campaigns sharing its SKUs) marks (campaign, SKU) instead, and its
re-check runs only the stock rules for those SKUs (`recheck_stock`): one SKU's stock is one
item in each campaign promoting it, not the campaign's fifty.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.models import F, Q
from django.db.models.lookups import Regex
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from campaigns import signals as campaign_signals
from campaigns.models import Campaign, CampaignClaim, CampaignItem, Channel, Creator
from catalog import signals as catalog_signals
from catalog.models import SKU, Product, StockLevel
from common.enqueue import best_effort, enqueue
from common.signals import row_signals_are_muted
from insights import signals as insights_signals
from promises.checks.loader import bump_operations_version, stock_pairs
from promises.models import (
    CampaignRecheck,
    CheckoutCountry,
    PromoCode,
    ReturnPolicy,
    RuleSetting,
    ShippingMethod,
    ShippingOverride,
    SupportReply,
)

# Campaign ids per re-check task: small enough to finish in well under a second.
CHANGE_BATCH = 500
# SKU ids per stock re-check task: ~10 campaigns each, one item per campaign.
STOCK_CHANGE_BATCH = 500
# Past this many changed SKUs per campaign (on average, in one change) the campaigns are
# marked whole instead: a stock-only check of 10 of a campaign's ~50 items saves less than
# the rows marking them cost (an inventory import touching every SKU marks each campaign
# once, not fifty times).
STOCK_PAIRS_PER_CAMPAIGN = 10

logger = logging.getLogger(__name__)

_state = threading.local()


class _Recheck:
    """The campaigns one transaction touched; re-checked once, when it commits.

    Registered with on_commit, so a rolled-back transaction drops it with its ids.
    """

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.stock_skus: set[int] = set()  # SKUs whose stock rules to re-run
        self.operations_changed = False

    def __call__(self) -> None:
        from promises.tasks import check_campaigns, check_stock

        if self.operations_changed:
            _bump_operations_version()  # before the re-check reads operations facts
        for task, ids, size, what in (
            (check_campaigns, sorted(self.ids), CHANGE_BATCH, "campaign(s)"),
            (check_stock, sorted(self.stock_skus), STOCK_CHANGE_BATCH, "SKU(s)' stock"),
        ):
            for start in range(0, len(ids), size):
                chunk = ids[start : start + size]
                # The write has committed: a broker outage must not turn its answer into a 500.
                if not enqueue(task, chunk):
                    logger.warning(
                        "Re-check of %s %s not sent (%s...); the next sweep re-checks them",
                        len(chunk),
                        what,
                        chunk[:10],
                    )


def _bump_operations_version() -> None:
    """Invalidate the cached operations facts; with the cache down the memo expires by age."""
    best_effort(bump_operations_version, "Operations cache bump")


@contextmanager
def suspended() -> Iterator[None]:
    """Ignore changes inside the block (the caller re-checks what it loaded)."""
    previous = getattr(_state, "suspended", False)
    _state.suspended = True
    try:
        yield
    finally:
        _state.suspended = previous


def recheck(campaign_ids: Iterable[int], *, operations_changed: bool = False) -> None:
    """Re-check these campaigns once the current transaction commits.

    `operations_changed`: shipping, returns, checkout, codes or replies changed, so cached
    copies of them are stale from the commit on.
    """
    if operations_changed:
        # Even with no campaign to re-check, the cached operations must go.
        transaction.on_commit(_bump_operations_version)
    if getattr(_state, "suspended", False):
        return
    ids = set(campaign_ids)
    if not ids:
        return
    # Marked again even if this transaction marked them before: a check inside the same
    # transaction may have read and deleted those marks since.
    mark_changed(ids)
    _queue(ids, operations_changed=operations_changed)


def recheck_stock(sku_ids: Iterable[int]) -> None:
    """The stock of these SKUs changed (their stock levels, or a campaign's reservations or
    demand on them): once the current transaction commits, re-run the stock rules of every
    campaign promoting them, for these SKUs only.

    Marked (campaign, SKU) in the transaction, for the periodic sweep; a change touching many
    SKUs of each campaign marks and re-checks the campaigns whole instead.
    """
    if getattr(_state, "suspended", False):
        return
    skus = set(sku_ids)
    pairs = stock_pairs(skus) if skus else []
    if not pairs:
        return
    campaigns = {campaign_id for campaign_id, _ in pairs}
    if len(pairs) > STOCK_PAIRS_PER_CAMPAIGN * len(campaigns):
        recheck(campaigns)
        return
    mark_stock_changed(pairs)
    _queue(stock_skus=skus)


def _queue(
    ids: Iterable[int] = (), stock_skus: Iterable[int] = (), operations_changed: bool = False
) -> None:
    """Add to this transaction's re-check, registered on commit the first time."""
    connection = transaction.get_connection()
    for entry in connection.run_on_commit:
        if isinstance(entry[1], _Recheck):
            pending = entry[1]
            break
    else:
        pending = None
    fresh = pending is None
    if fresh:
        pending = _Recheck()
    pending.ids.update(ids)
    pending.stock_skus.update(stock_skus)
    pending.operations_changed |= operations_changed
    if fresh:
        transaction.on_commit(pending)  # outside a transaction this runs at once


def mark_changed(campaign_ids: Iterable[int]) -> None:
    """Mark these campaigns for the periodic sweep, in the current transaction."""
    ids = sorted(set(campaign_ids))
    if ids:
        at = timezone.now()
        CampaignRecheck.objects.bulk_create(
            [CampaignRecheck(campaign_id=cid, marked_at=at) for cid in ids], batch_size=1000
        )


def mark_stock_changed(pairs: Iterable[tuple[int, int]]) -> None:
    """Mark these (campaign, SKU) for the periodic sweep as a change to that SKU's stock
    only, in the current transaction."""
    rows = sorted(set(pairs))
    if rows:
        at = timezone.now()
        CampaignRecheck.objects.bulk_create(
            [CampaignRecheck(campaign_id=cid, sku_id=sku, marked_at=at) for cid, sku in rows],
            batch_size=1000,
        )


# --- Which campaigns a change concerns ------------------------------------------------------


def _ids(queryset) -> list[int]:
    return list(queryset.order_by().values_list("pk", flat=True).distinct())


def campaigns_promoting(sku_ids: Iterable[int]) -> list[int]:
    return _ids(Campaign.objects.checked().filter(items__sku_id__in=list(sku_ids)))


def campaigns_promoting_products(product_ids: Iterable[int]) -> list[int]:
    """Campaigns promoting any SKU of these products."""
    return _ids(Campaign.objects.checked().filter(items__sku__product_id__in=list(product_ids)))


def campaigns_targeting(countries: Iterable[str]) -> list[int]:
    codes = sorted({str(c) for c in countries if c})
    if not codes:
        return []
    pattern = rf"(^|,)({'|'.join(codes)})(,|$)"
    return _ids(Campaign.objects.checked().filter(Regex(F("target_countries"), pattern)))


def campaigns_announcing(codes: Iterable[str]) -> list[int]:
    query = Q()
    for code in {c for c in codes if c}:
        query |= (
            Q(promo_code__iexact=code)
            | Q(creator__promo_code__iexact=code)
            | Q(claims__code__iexact=code)
        )
    return _ids(Campaign.objects.checked().filter(query)) if query else []


def _codes(value) -> set[str]:
    return {str(getattr(c, "code", c)) for c in (value or [])}


# --- Handlers of the apps' bulk signals -----------------------------------------------------


def _products_changed(sender, product_ids: Iterable[int], **kwargs) -> None:
    recheck(campaigns_promoting_products(product_ids))


def _skus_changed(sender, sku_ids: Iterable[int], **kwargs) -> None:
    recheck(campaigns_promoting(sku_ids))


def _stock_levels_changed(sender, sku_ids: Iterable[int], **kwargs) -> None:
    recheck_stock(sku_ids)


def _performance_changed(sender, campaign_ids: Iterable[int], **kwargs) -> None:
    # Measured ROAS and CPA feed the stop rules of these campaigns.
    recheck(campaign_ids)


def _catalog_synced(sender, channel_id: int, was_stale: bool, **kwargs) -> None:
    # The engine caches channel facts, so every sync refreshes them; only a sync that ends a
    # stale spell can change a verdict (CATALOG_SYNC_STALE), so only then are campaigns due.
    campaigns = _ids(Campaign.objects.checked().filter(channel_id=channel_id)) if was_stale else []
    recheck(campaigns, operations_changed=True)


BULK_SIGNALS = [
    (catalog_signals.products_changed, _products_changed),
    (catalog_signals.skus_changed, _skus_changed),
    (catalog_signals.stock_levels_changed, _stock_levels_changed),
    (insights_signals.orders_changed, _performance_changed),
    (insights_signals.channel_metrics_changed, _performance_changed),
    (campaign_signals.channel_catalog_synced, _catalog_synced),
]


# --- Handlers of model signals (one row saved or deleted) -----------------------------------


def _stock_changed(sender, instance: StockLevel, **kwargs) -> None:
    if row_signals_are_muted():  # the writer sends stock_levels_changed for the batch
        return
    recheck_stock([instance.sku_id])


def _sku_changed(sender, instance: SKU, **kwargs) -> None:
    if row_signals_are_muted():  # the writer sends skus_changed or products_changed
        return
    recheck(campaigns_promoting([instance.pk]))


def _product_changed(sender, instance: Product, **kwargs) -> None:
    if row_signals_are_muted():  # the writer sends products_changed for the batch
        return
    recheck(campaigns_promoting(instance.skus.values_list("pk", flat=True)))


def _campaign_changed(sender, instance: Campaign, **kwargs) -> None:
    if kwargs.get("signal") is post_save and not kwargs.get("raw"):
        from campaigns.services import (
            CLAIM_SOURCE_FIELDS,
            SAVING_FLAG,
            refresh_extracted_claims,
        )

        # save_campaign refreshes the claims itself, from the stored copy (this instance's
        # copy may be an older read); a save writing no copy field leaves them as they are.
        # Only writes bypassing the service (admin, raw saves, demo) are refreshed here.
        fields = kwargs.get("update_fields")
        if not getattr(instance, SAVING_FLAG, False) and (
            fields is None or set(fields) & set(CLAIM_SOURCE_FIELDS)
        ):
            refresh_extracted_claims(instance)
    recheck([instance.pk])
    # Its reservations and demand (its status and dates say whether it holds any, its name is
    # in their evidence) weigh on the stock rules of every campaign sharing its SKUs.
    if instance.pk:
        recheck_stock(instance.items.values_list("sku_id", flat=True))


def _item_changed(sender, instance: CampaignItem, **kwargs) -> None:
    # Its units weigh on the stock rules of the campaigns sharing its SKU; moved to another
    # SKU, the campaigns on the old one lose its demand too.
    skus = {instance.sku_id, getattr(instance, "_old_value", None)} - {None}
    recheck([instance.campaign_id])
    recheck_stock(skus)


def _claim_changed(sender, instance: CampaignClaim, **kwargs) -> None:
    recheck([instance.campaign_id])


def _channel_changed(sender, instance: Channel, **kwargs) -> None:
    recheck(_ids(Campaign.objects.checked().filter(channel=instance)), operations_changed=True)


def _rule_setting_changed(sender, instance, **kwargs) -> None:
    # Every campaign may be judged differently: the next sweep re-checks them all.
    if not getattr(_state, "suspended", False):
        mark_changed(_ids(Campaign.objects.checked()))
    recheck([], operations_changed=True)


def _creator_changed(sender, instance: Creator, **kwargs) -> None:
    recheck(_ids(Campaign.objects.checked().filter(creator=instance)))


def _remember_old(field: str):
    """pre_save: keep the stored value of `field`, for changes that move it (FR -> DE)."""

    def handler(sender, instance, **kwargs) -> None:
        if instance.pk and not kwargs.get("raw"):
            instance._old_value = (
                sender.objects.filter(pk=instance.pk).values_list(field, flat=True).first()
            )

    return handler


def _countries_changed(field: str):
    def handler(sender, instance, **kwargs) -> None:
        old = getattr(instance, "_old_value", None)
        value = getattr(instance, field)
        codes = _codes(value if isinstance(value, list | tuple) else [value])
        codes |= _codes(old.split(",") if isinstance(old, str) else old)
        if sender is ReturnPolicy and not codes:  # a policy for every country
            recheck(_ids(Campaign.objects.checked()), operations_changed=True)
        else:
            recheck(campaigns_targeting(codes), operations_changed=True)

    return handler


def _override_changed(sender, instance: ShippingOverride, **kwargs) -> None:
    method = (
        ShippingMethod.objects.filter(pk=instance.method_id)
        .values_list("countries", flat=True)
        .first()
    )
    codes = _codes(method.split(",") if isinstance(method, str) else method)
    recheck(campaigns_targeting(codes), operations_changed=True)


def _code_changed(sender, instance: PromoCode, **kwargs) -> None:
    codes = {instance.code, getattr(instance, "_old_value", None)}
    recheck(campaigns_announcing(codes), operations_changed=True)


def _code_scope_changed(
    sender, instance, action: str = "", reverse: bool = False, pk_set=None, **kwargs
) -> None:
    """A code's products, SKUs or channels changed, from either side of the relation."""
    if not action.startswith("post_"):
        return
    if not reverse:
        codes = {instance.code}
    elif pk_set:  # sku.promo_codes.add(code): pk_set holds the codes
        codes = set(PromoCode.objects.filter(pk__in=pk_set).values_list("code", flat=True))
    else:  # reverse clear(): every code that named this product, SKU or channel
        codes = set(PromoCode.objects.values_list("code", flat=True))
    recheck(campaigns_announcing(codes), operations_changed=True)


def _support_reply_changed(sender, instance: SupportReply, **kwargs) -> None:
    claiming = Campaign.objects.checked().filter(claims__kind__in=["delivery", "returns"])
    recheck(_ids(claiming), operations_changed=True)


def connect() -> None:
    """Wire the handlers (called once, from PromisesConfig.ready)."""
    for signal, handler in BULK_SIGNALS:
        signal.connect(handler, weak=False, dispatch_uid=f"recheck-bulk-{handler.__name__}")
    both = (post_save, post_delete)
    wiring = [
        (StockLevel, _stock_changed),
        (SKU, _sku_changed),
        (Product, _product_changed),
        (Campaign, _campaign_changed),
        (CampaignItem, _item_changed),
        (CampaignClaim, _claim_changed),
        (Channel, _channel_changed),
        (Creator, _creator_changed),
        (ShippingOverride, _override_changed),
        (PromoCode, _code_changed),
        (SupportReply, _support_reply_changed),
        (RuleSetting, _rule_setting_changed),
    ]
    for model, handler in wiring:
        for signal in both:
            signal.connect(
                handler,
                sender=model,
                weak=False,
                dispatch_uid=f"recheck-{model.__name__}-{signal is post_save}",
            )
    for model, field in (
        (ShippingMethod, "countries"),
        (ReturnPolicy, "countries"),
        (CheckoutCountry, "country"),
    ):
        pre_save.connect(
            _remember_old(field),
            sender=model,
            weak=False,
            dispatch_uid=f"recheck-old-{model.__name__}",
        )
        for signal in both:
            signal.connect(
                _countries_changed(field),
                sender=model,
                weak=False,
                dispatch_uid=f"recheck-{model.__name__}-{signal is post_save}",
            )
    pre_save.connect(
        _remember_old("code"), sender=PromoCode, weak=False, dispatch_uid="recheck-old-PromoCode"
    )
    pre_save.connect(
        _remember_old("sku_id"),
        sender=CampaignItem,
        weak=False,
        dispatch_uid="recheck-old-CampaignItem",
    )
    for through in (PromoCode.products.through, PromoCode.skus.through, PromoCode.channels.through):
        m2m_changed.connect(
            _code_scope_changed,
            sender=through,
            weak=False,
            dispatch_uid=f"recheck-m2m-{through.__name__}",
        )

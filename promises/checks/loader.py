"""Loads the facts the rules read, set-based: a fixed handful of queries per batch of
campaigns, never one per campaign or per item. Rows come back as tuples (values_list) and
become slotted dataclasses, which keeps a million items within the memory budget."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Max, Q, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest
from django.utils import timezone

from campaigns.choices import CampaignStatus, Network
from campaigns.models import Campaign, CampaignClaim, CampaignItem, Channel, governance_gaps
from campaigns.querysets import checked_q, reserved_units_q
from catalog.choices import InventoryPolicy
from catalog.models import SKU, StockLevel
from catalog.querysets import counted_stock_q
from insights.models import ChannelMetric, Order
from promises.checks.facts import (
    CampaignFacts,
    ChannelFacts,
    ClaimFacts,
    DemandWindow,
    ItemFacts,
    Operations,
    Performance,
    PromoCodeFacts,
    ReturnPolicyFacts,
    ShippingMethodFacts,
    ShippingOverrideFacts,
    SkuFacts,
    SupportReplyFacts,
)
from promises.choices import CheckRunStatus, ConflictState
from promises.models import (
    CampaignCheckState,
    CampaignRecheck,
    CheckoutCountry,
    CheckRun,
    CheckRunSkuTotals,
    Conflict,
    PromoCode,
    ReturnPolicy,
    RuleSetting,
    ShippingMethod,
    ShippingOverride,
    SupportReply,
)

# Rows fetched per round trip when streaming large results (server-side cursor on PostgreSQL).
ROW_CHUNK = 10_000
ID_CHUNK = 10_000

# (campaign id, SKU id) of one campaign item: the grain of a stock re-check.
Pair = tuple[int, int]
# Unchecked changes per campaign, as read before the facts: (CampaignRecheck id, SKU id or
# None); a SKU id says only that SKU's stock changed, None that anything may have.
Marks = dict[int, list[tuple[int, int | None]]]


def id_filter(ids: Iterable[int]):
    """What `field__in` should match for these ids: on PostgreSQL one array parameter
    (`IN (SELECT unnest(...))`), elsewhere the list. Django sends a list as one parameter per
    id, and building a query of 40,000 parameters costs more than running it."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (list(ids),))
    return list(ids)


def id_chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    """The ids, sorted, in chunks a query can take: all at once on PostgreSQL (one array
    parameter), ID_CHUNK at a time elsewhere (SQLite's limit on parameters)."""
    ids = sorted(set(ids))
    step = (len(ids) or 1) if connection.vendor == "postgresql" else ID_CHUNK
    for start in range(0, len(ids), step):
        yield ids[start : start + step]


NO_COUNTRIES: frozenset[str] = frozenset()


def countries(value) -> frozenset[str]:
    """A multiple CountryField as values_list returns it ("FR,DE" or a list) -> codes."""
    if not value:
        return NO_COUNTRIES
    if isinstance(value, str):
        return frozenset(code for code in value.split(",") if code)
    return frozenset(str(getattr(code, "code", code)) for code in value)


# Operations (shipping, returns, checkout, codes, replies, channels, rule settings) change
# rarely and cost a dozen queries
# to load: re-checks after a change reuse them while OPERATIONS_VERSION_KEY in the shared
# cache has not moved (every change to those tables moves it on commit) and for at most
# OPERATIONS_MAX_AGE seconds, a bound for writes that bypass signals. Full sweeps reload.
OPERATIONS_VERSION_KEY = "socialops:checks:operations-version"
OPERATIONS_MAX_AGE = 30
_operations_memo: tuple[int | None, float, Operations] | None = None


def bump_operations_version() -> None:
    try:
        cache.incr(OPERATIONS_VERSION_KEY)
    except ValueError:  # not set yet, or evicted: a fresh value no process can have cached
        cache.set(OPERATIONS_VERSION_KEY, time.time_ns(), timeout=None)


def current_operations() -> Operations:
    global _operations_memo
    try:
        version = cache.get(OPERATIONS_VERSION_KEY, 0)
    except Exception:  # the cache (Redis) is down: no version to trust, load them fresh
        version = None
    memo = _operations_memo
    if (
        memo
        and version is not None
        and memo[0] == version
        and time.monotonic() - memo[1] < OPERATIONS_MAX_AGE
    ):
        return memo[2]
    operations = load_operations()
    _operations_memo = (version, time.monotonic(), operations)
    return operations


def forget_operations() -> None:
    global _operations_memo
    _operations_memo = None


def load_operations() -> Operations:
    """Shipping, checkout, returns, codes and support replies: small tables, loaded whole."""
    overrides: dict[int, list[ShippingOverrideFacts]] = defaultdict(list)
    for method_id, label, starts_on, ends_on, extra in ShippingOverride.objects.values_list(
        "method_id", "label", "starts_on", "ends_on", "extra_days"
    ):
        overrides[method_id].append(ShippingOverrideFacts(label, starts_on, ends_on, extra))
    rows = ShippingMethod.objects.order_by("pk").values_list(
        "pk",
        "name",
        "kind",
        "countries",
        "min_days",
        "max_days",
        "price",
        "currency",
        "free_shipping_threshold",
        "handling_days",
        "enabled_in_checkout",
        "updated_at",
    )
    methods = []
    for (
        pk,
        name,
        kind,
        codes,
        min_days,
        max_days,
        price,
        currency,
        threshold,
        handling,
        enabled,
        updated,
    ) in rows:
        methods.append(
            ShippingMethodFacts(
                id=pk,
                name=name,
                kind=kind,
                countries=countries(codes),
                min_days=min_days,
                max_days=max_days,
                price=price,
                currency=currency,
                free_shipping_threshold=threshold,
                handling_days=handling,
                enabled_in_checkout=enabled,
                overrides=tuple(overrides[pk]),
                updated_at=updated,
            )
        )
    checkout = list(CheckoutCountry.objects.values_list("country", "enabled", "updated_at"))
    policies = [
        ReturnPolicyFacts(
            pk,
            name,
            days,
            free,
            countries(codes),
            frozenset(c.lower() for c in (excluded or [])),
            updated,
        )
        for pk, name, days, free, codes, excluded, updated in ReturnPolicy.objects.filter(
            active=True
        )
        .order_by("name")
        .values_list(
            "pk", "name", "window_days", "is_free", "countries", "excluded_categories", "updated_at"
        )
    ]
    replies = [
        SupportReplyFacts(*row)
        for row in SupportReply.objects.filter(active=True)
        .order_by("pk")
        .values_list(
            "pk", "topic", "title", "stated_delivery_days", "stated_return_days", "updated_at"
        )
    ]
    return Operations(
        shipping_methods=methods,
        checkout_countries=countries([code for code, enabled, _ in checkout if enabled]),
        checkout_as_of=max((updated for *_, updated in checkout), default=None),
        return_policies=policies,
        promo_codes=load_promo_codes(),
        support_replies=replies,
        channels=load_channels(),
        rule_settings={
            code: (severity, enabled)
            for code, severity, enabled in RuleSetting.objects.values_list(
                "rule_code", "severity", "enabled"
            )
        },
    )


def load_promo_codes() -> dict[str, PromoCodeFacts]:
    through = {
        "product_ids": PromoCode.products.through.objects.values_list("promocode_id", "product_id"),
        "sku_ids": PromoCode.skus.through.objects.values_list("promocode_id", "sku_id"),
        "channel_ids": PromoCode.channels.through.objects.values_list("promocode_id", "channel_id"),
    }
    links: dict[str, dict[int, set[int]]] = {}
    for name, rows in through.items():
        links[name] = defaultdict(set)
        for code_id, target_id in rows:
            links[name][code_id].add(target_id)
    codes = {}
    for row in PromoCode.objects.values_list(
        "pk",
        "code",
        "kind",
        "value",
        "starts_at",
        "ends_at",
        "active",
        "usage_limit",
        "usage_count",
        "applies_to",
        "updated_at",
    ):
        pk, code, kind, value, starts, ends, active, limit, count, applies_to, updated = row
        codes[code.upper()] = PromoCodeFacts(
            id=pk,
            code=code.upper(),
            kind=kind,
            value=value,
            starts_at=starts,
            ends_at=ends,
            active=active,
            usage_limit=limit,
            usage_count=count,
            applies_to=applies_to,
            product_ids=frozenset(links["product_ids"][pk]),
            sku_ids=frozenset(links["sku_ids"][pk]),
            channel_ids=frozenset(links["channel_ids"][pk]),
            updated_at=updated,
        )
    return codes


def load_skus(
    sku_ids: Iterable[int] | None = None,
    now: datetime | None = None,
    *,
    totals_run: int | None = None,
) -> dict[int, SkuFacts]:
    """Facts of the given SKUs (all when None): store data, stock, and campaign demand.

    `totals_run`: stock and demand as that run counted them once for all its batches
    (`write_sku_totals`); a SKU it did not count (promoted since) is counted here.
    """
    if sku_ids is None:
        return _load_skus({}, now=now)
    facts: dict[int, SkuFacts] = {}
    for chunk in id_chunks(sku_ids):
        if totals_run is None:
            ids = id_filter(chunk)
            facts.update(_load_skus({"pk__in": ids}, {"sku_id__in": ids}, now=now))
            continue
        loaded, uncounted = _load_counted_skus(chunk, totals_run, now)
        if uncounted:
            ids = id_filter(uncounted)
            loaded.update(_load_skus({"pk__in": ids}, {"sku_id__in": ids}, now=now))
        facts.update(loaded)
    return facts


# What is read of a SKU and its product, in SkuFacts' order up to `price_as_of`.
SKU_FIELDS = (
    "pk",
    "code",
    "product_id",
    "price",
    "compare_at_price",
    "unit_cost",
    "currency",
    "product__status",
    "product__published",
    "product__final_sale",
    "product__category",
    "product__restricted_countries",
    "available_on",
    "inventory_policy",
    "safety_buffer",
    "updated_at",
    "product__updated_at",
)


def _sku_facts(row: tuple, same: dict) -> SkuFacts:
    """A SkuFacts from a row of SKU_FIELDS (positional: a million of these per sweep).

    `same` holds one copy of each repeated value (currency, status, category, price) for the
    SKUs loaded together: a worker keeps up to MAX_CACHED_SKUS of them, ~500 bytes each so."""
    (
        pk,
        code,
        product_id,
        price,
        compare_at,
        cost,
        currency,
        status,
        published,
        final_sale,
        category,
        restricted,
        available_on,
        policy,
        buffer,
        updated,
        product_updated,
    ) = row[:17]
    return SkuFacts(
        pk,
        code or f"#{pk}",
        product_id,
        same.setdefault(price, price),
        compare_at if compare_at is None else same.setdefault(compare_at, compare_at),
        cost if cost is None else same.setdefault(cost, cost),
        same.setdefault(currency, currency),
        same.setdefault(status, status),
        published,
        final_sale,
        same.setdefault(category, category),
        countries(restricted) if restricted else NO_COUNTRIES,
        available_on,
        policy == InventoryPolicy.CONTINUE,
        buffer,
        price_as_of=min(updated, product_updated),
    )


def _load_counted_skus(
    chunk: list[int], run_id: int, now: datetime | None
) -> tuple[dict[int, SkuFacts], list[int]]:
    """The SKUs' facts with the stock and demand the run counted; and the SKUs it did not.

    On PostgreSQL one query joins the totals to the SKU rows (the same SKU_FIELDS query the
    ORM builds, read with its cursor): every worker process reads its batches' SKUs this way,
    so each row costs a few microseconds, not a second query's. Elsewhere, two queries."""
    rows = SKU.objects.filter(pk__in=id_filter(chunk)).order_by().values_list(*SKU_FIELDS)
    facts: dict[int, SkuFacts] = {}
    counted: set[int] = set()
    if connection.vendor == "postgresql":
        sql, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            # The totals are read by (run, SKU) for these SKUs only: joined to the whole run's
            # (every SKU it counted) the planner hashes all of them for each batch, a cost
            # that grows with the store rather than with the batch.
            totals = CheckRunSkuTotals._meta.db_table
            cursor.execute(
                "SELECT q.*, t.available, t.stock_as_of, t.reserved_total, t.demand_total, "
                f't.sku_id FROM ({sql}) q LEFT JOIN (SELECT * FROM "{totals}" WHERE run_id = %s '
                'AND sku_id = ANY(%s::bigint[])) t ON t.sku_id = q."pk"',
                (*params, run_id, chunk),
            )
            same: dict = {}
            for row in cursor.fetchall():
                sku = facts[row[0]] = _sku_facts(row, same)
                if row[21] is not None:
                    sku.available, sku.stock_as_of, sku.reserved_total, sku.demand_total = row[
                        17:21
                    ]
                    counted.add(sku.id)
    else:
        same = {}
        facts = {row[0]: _sku_facts(row, same) for row in rows}
        for sku_id, available, as_of, reserved, demand in CheckRunSkuTotals.objects.filter(
            run_id=run_id, sku_id__in=chunk
        ).values_list("sku_id", "available", "stock_as_of", "reserved_total", "demand_total"):
            sku = facts.get(sku_id)
            if sku is not None:
                sku.available, sku.stock_as_of = available, as_of
                sku.reserved_total, sku.demand_total = reserved, demand
                counted.add(sku_id)
    return facts, [pk for pk in facts if pk not in counted]


def _load_skus(
    sku_filter: dict,
    related_filter: dict | None = None,
    now: datetime | None = None,
) -> dict[int, SkuFacts]:
    """SKU facts, with their stock and demand summed over `related_filter`'s rows."""
    related_filter = related_filter or {}
    rows = SKU.objects.filter(**sku_filter).order_by().values_list(*SKU_FIELDS)
    if not sku_filter:  # every SKU: stream the rows instead of holding them all at once
        rows = rows.iterator(chunk_size=ROW_CHUNK)
    same: dict = {}
    facts = {row[0]: _sku_facts(row, same) for row in rows}
    for sku_id, total, as_of in stock_totals(Q(**related_filter)):
        if sku_id in facts:
            facts[sku_id].available = total or 0
            facts[sku_id].stock_as_of = as_of
    for sku_id, reserved, total_demand in demand_totals(Q(**related_filter), now):
        if sku_id in facts:
            facts[sku_id].reserved_total = reserved or 0
            facts[sku_id].demand_total = total_demand or 0
    return facts


# Available to promise as every page and feed counts it (campaigns.querysets'
# annotate_available_to_promise): stock at active locations, reservations of checked
# campaigns; the rules take off the safety buffer.
def stock_totals(related: Q):
    """(SKU id, units available at active locations, when last updated), per SKU."""
    return (
        StockLevel.objects.filter(counted_stock_q(), related)
        .order_by()
        .values("sku_id")
        .annotate(total=Sum("available"), as_of=Max("updated_at"))
        .values_list("sku_id", "total", "as_of")
    )


def demand_totals(related: Q, now: datetime | None):
    """(SKU id, units reserved, units counted on), per SKU, over the checked campaigns."""
    return (
        CampaignItem.objects.filter(reserved_units_q(now=now), related)
        .order_by()
        .values("sku_id")
        .annotate(
            reserved=Sum("reserved_units"),
            demand=Sum(Greatest(F("expected_units"), F("reserved_units"))),
        )
        .values_list("sku_id", "reserved", "demand")
    )


def write_sku_totals(
    run_id: int,
    now: datetime,
    promoted_by: list[int] | None = None,
    sku_ids: Iterable[int] | None = None,
) -> None:
    """Count once, for every batch of a large run, the stock and demand of the SKUs it
    checks: those promoted by the campaigns `promoted_by` plus `sku_ids` (every promoted SKU
    when both are None). One INSERT ... SELECT, summing with the same querysets as
    `_load_skus`; without it each worker process summed every campaign item's demand again,
    a fixed cost per process whatever its share of the run."""
    related = Q()
    if promoted_by is not None or sku_ids is not None:
        skus = sorted(set(sku_ids or ()))
        if not skus and not promoted_by:
            return
        related = Q(pk__in=[])  # matches nothing: the ORs below say what it matches
        if skus:
            related |= Q(sku_id__in=id_filter(skus))
        if promoted_by:
            items = CampaignItem.objects.filter(campaign_id__in=id_filter(promoted_by))
            related |= Q(sku_id__in=items.values("sku_id"))
    demand_sql, demand_params = demand_totals(related, now).query.sql_with_params()
    stock_sql, stock_params = stock_totals(related).query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Past 1,000,000 items the statement's estimated cost crosses PostgreSQL's JIT
            # threshold, and compiling it took longer (0.2 s) than the part it would speed.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            f'INSERT INTO "{CheckRunSkuTotals._meta.db_table}" '
            "(run_id, sku_id, available, stock_as_of, reserved_total, demand_total) "
            'SELECT %s, d."sku_id", COALESCE(s."total", 0), s."as_of", '
            'COALESCE(d."reserved", 0), COALESCE(d."demand", 0) '
            f'FROM ({demand_sql}) d LEFT JOIN ({stock_sql}) s ON s."sku_id" = d."sku_id"',
            (run_id, *demand_params, *stock_params),
        )
        if connection.vendor == "postgresql":
            # The table is empty between runs, and statistics taken then (autovacuum's, or
            # a VACUUM ANALYZE) say a run has one row: the planner then scans a run's 100,000
            # rows once per SKU a batch looks up (5 s instead of 20 ms). Counted afresh now.
            cursor.execute(f'ANALYZE "{CheckRunSkuTotals._meta.db_table}"')


def forget_sku_totals(run_ids: Iterable[int] | None = None) -> None:
    """Delete the SKU totals of these runs (None: of every run that is not running)."""
    if run_ids is None:
        if CheckRunSkuTotals.objects.exists():
            running = CheckRun.objects.filter(status=CheckRunStatus.RUNNING).values("pk")
            CheckRunSkuTotals.objects.exclude(run_id__in=running).delete()
    else:
        CheckRunSkuTotals.objects.filter(run_id__in=list(run_ids)).delete()


def over_demanded(skus: dict[int, SkuFacts]) -> list[int]:
    """SKUs whose campaigns together count on more than exists: candidates for overcommitment."""
    return [s.id for s in skus.values() if s.demand_total > s.available - s.safety_buffer]


def load_demand_windows(
    sku_ids: Iterable[int], now: datetime | None = None
) -> dict[int, list[DemandWindow]]:
    windows: dict[int, list[DemandWindow]] = defaultdict(list)
    for chunk in id_chunks(sku_ids):
        for row in (
            CampaignItem.objects.filter(checked_q("campaign__", now), sku_id__in=id_filter(chunk))
            .order_by()
            .values_list(
                "sku_id",
                "campaign_id",
                "campaign__name",
                "campaign__channel__name",
                "campaign__starts_at",
                "campaign__ends_at",
                "expected_units",
                "reserved_units",
            )
        ):
            sku_id, campaign_id, name, channel, starts, ends, expected, reserved = row
            windows[sku_id].append(
                DemandWindow(campaign_id, name, channel, starts, ends, max(expected, reserved))
            )
    for sku_windows in windows.values():
        sku_windows.sort(key=lambda w: w.campaign_id)  # stable evidence from run to run
    return dict(windows)


def load_channels() -> dict[int, ChannelFacts]:
    channels = {}
    for row in Channel.objects.values_list(
        "pk",
        "name",
        "network",
        "native_checkout_countries",
        "native_checkout_fee_rate",
        "calendar_owner_id",
        "creative_budget_monthly",
        "catalog_sync",
        "response_time_commitment_hours",
        "last_catalog_sync_at",
        "catalog_sync_max_age_hours",
        "updated_at",
    ):
        (
            pk,
            name,
            network,
            native,
            fee_rate,
            owner,
            budget,
            sync,
            response,
            last_sync,
            max_age,
            updated,
        ) = row
        # The site's organic traffic is the baseline, not a network with governance.
        baseline = network == Network.ORGANIC
        gaps = () if baseline else tuple(governance_gaps(owner, budget, sync, response))
        channels[pk] = ChannelFacts(
            id=pk,
            name=name,
            network=network,
            native_checkout_countries=countries(native),
            native_checkout_fee_rate=fee_rate,
            governance_gaps=gaps,
            catalog_sync=sync,
            last_catalog_sync_at=last_sync,
            catalog_sync_max_age_hours=max_age,
            updated_at=updated,
        )
    return channels


def load_campaigns(
    campaign_ids: list[int],
    channels: dict[int, ChannelFacts],
    now: datetime | None = None,
    stock_skus: dict[int, set[int]] | None = None,
) -> list[CampaignFacts]:
    """The checked campaigns among `campaign_ids`, with their items, claims and results.

    `stock_skus`: campaigns re-checked for the stock of some SKUs only; they come with their
    items on those SKUs alone, and without results (no stock rule reads them).
    """
    campaigns: dict[int, CampaignFacts] = {}
    for row in (
        Campaign.objects.filter(checked_q(now=now), pk__in=id_filter(campaign_ids))
        .order_by("pk")
        .values_list(
            "pk",
            "name",
            "status",
            "objective",
            "format",
            "starts_at",
            "ends_at",
            "target_countries",
            "checkout_path",
            "channel_id",
            "cites_stock",
            "cites_customer_service",
            "cites_margin",
            "stop_min_roas",
            "stop_max_cpa",
            "qualified_basket_threshold",
            "creator__handle",
            "creator__disclosure_required",
            "creator__commission_rate",
            "creator__promo_code",
            "is_paid_partnership",
            "disclosure",
            "promo_code",
            "caption",
            "script",
            "currency",
            "updated_at",
        )
    ):
        (
            pk,
            name,
            status,
            objective,
            fmt,
            starts,
            ends,
            targets,
            checkout,
            channel_id,
            c_stock,
            c_service,
            c_margin,
            min_roas,
            max_cpa,
            basket,
            creator,
            disclosure_required,
            commission,
            creator_code,
            paid,
            disclosure,
            code,
            caption,
            script,
            currency,
            updated,
        ) = row
        campaigns[pk] = CampaignFacts(
            id=pk,
            name=name,
            status=status,
            objective=objective,
            format=fmt,
            starts_at=starts,
            ends_at=ends,
            target_countries=tuple(sorted(countries(targets))),
            checkout_path=checkout,
            channel=channels[channel_id],
            cites_stock=c_stock,
            cites_customer_service=c_service,
            cites_margin=c_margin,
            stop_min_roas=min_roas,
            stop_max_cpa=max_cpa,
            qualified_basket_threshold=basket,
            creator_handle=creator or "",
            creator_disclosure_required=bool(disclosure_required),
            creator_commission_rate=commission or Decimal(0),
            creator_promo_code=creator_code or "",
            is_paid_partnership=paid,
            disclosure=disclosure,
            promo_code=code,
            # DISCLOSURE_MISSING reads "#ad" / "paid partnership" in the copy itself.
            caption=caption,
            script=script,
            currency=currency,
            updated_at=updated,
        )
    if not campaigns:
        return []
    ids = list(campaigns)
    stock_skus = stock_skus or {}
    whole = [cid for cid in ids if cid not in stock_skus]
    partial = [cid for cid in ids if cid in stock_skus]
    if whole:
        rows = (
            CampaignItem.objects.filter(campaign_id__in=id_filter(whole))
            .order_by()
            .values_list(*ItemFacts._fields)
            .iterator(chunk_size=ROW_CHUNK)
        )
        for item in map(ItemFacts._make, rows):
            campaigns[item.campaign_id].items.append(item)
    if partial:
        skus = {sku for cid in partial for sku in stock_skus[cid]}
        rows = (
            CampaignItem.objects.filter(
                campaign_id__in=id_filter(partial), sku_id__in=id_filter(skus)
            )
            .order_by()
            .values_list(*ItemFacts._fields)
        )
        for item in map(ItemFacts._make, rows):
            if item.sku_id in stock_skus[item.campaign_id]:
                campaigns[item.campaign_id].items.append(item)
    for row in (
        CampaignClaim.objects.filter(campaign_id__in=id_filter(ids))
        .order_by("pk")
        .values_list(
            "campaign_id",
            "kind",
            "source",
            "text",
            "days",
            "is_free",
            "shipping_option",
            "amount",
            "currency",
            "code",
            "date",
        )
    ):
        campaigns[row[0]].claims.append(ClaimFacts(*row[1:]))
    _load_performance(
        [
            c
            for c in campaigns.values()
            if c.status in (CampaignStatus.LIVE, CampaignStatus.PAUSED)
            and c.objective == "performance"
            and c.id not in stock_skus
        ]
    )
    return list(campaigns.values())


def _load_performance(campaigns: list[CampaignFacts]) -> None:
    if not campaigns:
        return
    by_id = {c.id: c for c in campaigns}
    # Net revenue as the KPI pages count it (insights.querysets' one definition).
    revenue = Order.objects.filter(campaign_id__in=by_id).net_revenue_by_campaign()
    spend = dict(
        ChannelMetric.objects.filter(campaign_id__in=by_id)
        .order_by()
        .values("campaign_id")
        .annotate(total=Sum("spend"))
        .values_list("campaign_id", "total")
    )
    for cid, campaign in by_id.items():
        net, count = revenue.get(cid, (Decimal(0), 0))
        campaign.performance = Performance(net, count or 0, spend.get(cid) or Decimal(0))


# --- What the periodic sweep re-checks ------------------------------------------------------


def pending_rechecks(campaign_ids: Iterable[int] | None = None) -> Marks:
    """The unchecked changes per campaign (CampaignRecheck id, SKU id or None), as visible
    right now.

    Read before the facts: a check deletes exactly these rows, so a change that commits while
    it runs keeps its row and is re-checked by the next sweep.
    """
    pending: Marks = defaultdict(list)
    chunks = [None] if campaign_ids is None else id_chunks(campaign_ids)
    for chunk in chunks:
        rows = CampaignRecheck.objects.order_by()
        if chunk is not None:
            rows = rows.filter(campaign_id__in=id_filter(chunk))
        for pk, campaign_id, sku_id in rows.values_list("pk", "campaign_id", "sku_id"):
            pending[campaign_id].append((pk, sku_id))
    return dict(pending)


def stock_pairs(sku_ids: Iterable[int], now: datetime | None = None) -> list[Pair]:
    """(campaign, SKU) of the checked campaigns' items on these SKUs: whose stock rules a
    change to the SKUs' stock (or to a campaign's demand on them) can change."""
    pairs: list[Pair] = []
    for chunk in id_chunks(sku_ids):
        pairs.extend(
            CampaignItem.objects.filter(reserved_units_q(now=now), sku_id__in=id_filter(chunk))
            .order_by()
            .values_list("campaign_id", "sku_id")
        )
    return pairs


def _due_by_clock(now: datetime) -> tuple:
    due = (
        CampaignCheckState.objects.filter(next_check_at__lte=now)
        .order_by()
        .values_list("campaign_id", flat=True)
    )
    lapsed = (
        Conflict.objects.filter(state=ConflictState.WAIVED, waived_until__lte=now)
        .order_by()
        .values_list("campaign_id", flat=True)
    )
    never = (
        Campaign.objects.filter(checked_q(now=now), check_state__isnull=True)
        .order_by()
        .values_list("pk", flat=True)
    )
    return due, lapsed, never


def due_by_clock(now: datetime) -> set[int]:
    """Campaigns due whatever their marks: next_check_at passed, holding a waiver that has
    lapsed, or checked campaigns never checked at all (created by a bulk load with the
    triggers suspended). One query of index scans."""
    due, lapsed, never = _due_by_clock(now)
    return set(due.union(lapsed, never))


def due_campaigns(now: datetime) -> list[int]:
    """Campaigns the periodic sweep must re-check (whole, or for some SKUs' stock): changed
    since their last check, or due by the clock (`due_by_clock`). One query of index scans,
    whatever the number of campaigns that are neither."""
    changed = CampaignRecheck.objects.order_by().values_list("campaign_id", flat=True)
    return sorted(set(changed.union(*_due_by_clock(now))))


def midnight(day, days: int = 0) -> datetime:
    """The start of `day` (+ `days`) in the store's time zone, where dates change."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=days), clock.min))


def clock_moments(operations: Operations) -> list[datetime]:
    """Moments every campaign may be judged differently, whatever its own facts: a peak
    season override starting, or ending (a campaign already running counts its days from
    today, so an override stops overlapping the day after it ends)."""
    moments = set()
    for method in operations.shipping_methods:
        for override in method.overrides:
            moments.add(midnight(override.starts_on))
            moments.add(midnight(override.ends_on, days=1))
    return sorted(moments)


def next_check_at(
    campaign: CampaignFacts, moments: list[datetime], now: datetime
) -> datetime | None:
    """The next moment after `now` at which time alone could change a rule's outcome for
    this campaign: it ends (it stops being checked and stops holding stock), its channel's
    catalog sync goes stale, an override starts or ends. Waivers lapsing are found by
    `due_campaigns` from the conflicts themselves. Codes and preorder dates are compared
    with the campaign's dates, not with the clock, so only their edits (dirty) matter.
    """
    candidates = [m for m in moments if m > now][:1]
    if campaign.ends_at is not None:
        candidates.append(campaign.ends_at)
    channel = campaign.channel
    if channel.catalog_sync and channel.last_catalog_sync_at is not None:
        candidates.append(
            channel.last_catalog_sync_at + timedelta(hours=channel.catalog_sync_max_age_hours)
        )
    return min((c for c in candidates if c > now), default=None)


def sharing_skus_with_ended(campaign_ids: list[int], now: datetime) -> list[Pair]:
    """(campaign, SKU) of the checked campaigns' items on a SKU of one of `campaign_ids`
    that has ended since its last check: its reservation and demand no longer weigh on
    them, for that SKU."""
    ended = Campaign.objects.filter(pk__in=id_filter(campaign_ids), ends_at__lte=now).filter(
        Q(check_state__isnull=True) | Q(check_state__checked_at__lt=F("ends_at"))
    )
    skus = CampaignItem.objects.filter(campaign__in=ended).values("sku_id")
    return list(
        CampaignItem.objects.filter(reserved_units_q(now=now), sku_id__in=skus)
        .order_by()
        .values_list("campaign_id", "sku_id")
    )

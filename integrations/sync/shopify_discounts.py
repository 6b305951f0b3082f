"""Shopify code discounts (`codeDiscountNodes`) -> promises.PromoCode.

A discount is found again through its id (integrations.ExternalRef, kind "discount"), else
through its code (case-insensitively, as checkout matches codes), so a code keyed in by hand is
adopted, not duplicated. Saved through the model: the checks engine re-checks the campaigns
announcing the code. What only SocialOps knows about a code (its channels) is left alone.

Amount-off codes (DiscountCodeBasic) become promo codes. Free-shipping, buy-X-get-Y and app
codes have no equivalent in SocialOps' promo codes: they are listed on the connection's page.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_noop

from catalog.models import SKU, Product
from common.texts import say
from integrations.choices import IssueKind
from integrations.clients.shopify import (
    DISCOUNT_PAGE_SIZE,
    DISCOUNT_QUERY,
    DISCOUNTS_QUERY,
    ShopifyClient,
    gid_number,
)
from integrations.models import Connection, ExternalRef
from integrations.sync.base import MISSING, ItemError, Tally, money, text, upsert
from promises.choices import AppliesTo, DiscountKind
from promises.models import PromoCode

DISCOUNT = "discount"
# Shopify statuses: ACTIVE, SCHEDULED (starts later: usable from startsAt), EXPIRED.
USABLE_STATUSES = {"ACTIVE", "SCHEDULED"}


def when(value: Any, field: str, *, required: bool = False) -> datetime | None:
    """A Shopify DateTime (ISO 8601, UTC)."""
    if value in (None, ""):
        if required:
            raise ItemError(say(MISSING, field=field))
        return None
    try:
        parsed = parse_datetime(str(value).replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None:
        raise ItemError(
            say(
                gettext_noop("%(field)s must be a date and time, got %(value)s."),
                field=field,
                value=repr(value),
            )
        )
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, timezone.UTC)


def _value(discount: dict) -> tuple[str, Decimal, str]:
    """(kind, value, currency) from customerGets.value."""
    value = (discount.get("customerGets") or {}).get("value") or {}
    if not isinstance(value, dict):
        raise ItemError(
            say(
                gettext_noop("customerGets.value must be an object, got %(value)s."),
                value=repr(value),
            )
        )
    if value.get("__typename") == "DiscountPercentage" or "percentage" in value:
        # Shopify sends a fraction: 0.2 is 20 %.
        share = money(value.get("percentage"), "percentage", required=True)
        percent = (Decimal(str(value["percentage"])) * 100).quantize(Decimal("0.01"))
        if share is None or not 0 < percent <= 100:
            raise ItemError(
                say(
                    gettext_noop("percentage must be in (0, 1], got %(value)s."),
                    value=repr(value.get("percentage")),
                )
            )
        return DiscountKind.PERCENTAGE, percent, settings.STORE_CURRENCY
    amount = value.get("amount")
    if isinstance(amount, dict):
        fixed = money(amount.get("amount"), "amount", required=True)
        if not fixed:
            raise ItemError(say(gettext_noop("amount must be more than 0.")))
        currency = text(amount.get("currencyCode"), 3).upper() or settings.STORE_CURRENCY
        return DiscountKind.FIXED, fixed, currency
    raise ItemError(
        say(
            gettext_noop("customerGets.value is neither a percentage nor an amount: %(value)s."),
            value=repr(value),
        )
    )


def _scope(discount: dict, gid: str, tally: Tally) -> tuple[str, list[int], list[int]]:
    """(applies_to, product pks, SKU pks) from customerGets.items."""
    items = (discount.get("customerGets") or {}).get("items") or {}
    typename = items.get("__typename") if isinstance(items, dict) else None
    if typename == "AllDiscountItems" or (isinstance(items, dict) and items.get("allItems")):
        return AppliesTo.ALL, [], []
    if typename == "DiscountProducts":
        product_ids, variant_ids = [], []
        for key, into in (("products", product_ids), ("productVariants", variant_ids)):
            connection = items.get(key) or {}
            for node in connection.get("nodes") or []:
                try:
                    into.append(gid_number((node or {}).get("id")))
                except ValueError:
                    raise ItemError(
                        say(
                            gettext_noop("%(field)s holds a node without an id: %(value)s."),
                            field=key,
                            value=repr(node),
                        )
                    ) from None
            if (connection.get("pageInfo") or {}).get("hasNextPage"):
                tally.note(
                    IssueKind.UNKNOWN_FIELD,
                    gid,
                    say(
                        gettext_noop(
                            "The code applies to more %(field)s than SocialOps reads (50); the "
                            "rest are not known to the checks."
                        ),
                        field=key,
                    ),
                )
        products = list(
            Product.objects.filter(shopify_product_id__in=product_ids).values_list("pk", flat=True)
        )
        skus = list(
            SKU.objects.filter(shopify_variant_id__in=variant_ids).values_list("pk", flat=True)
        )
        missing = len(product_ids) - len(products) + len(variant_ids) - len(skus)
        if missing:
            tally.note(
                IssueKind.UNMATCHED,
                gid,
                say(
                    gettext_noop(
                        "The code applies to %(count)s product(s) or variant(s) SocialOps does "
                        "not have."
                    ),
                    count=missing,
                ),
            )
        if variant_ids:
            # Some variants and maybe some products: the SKUs of both, exactly.
            skus += list(SKU.objects.filter(product__in=products).values_list("pk", flat=True))
            return AppliesTo.SKUS, [], sorted(set(skus))
        return AppliesTo.PRODUCTS, sorted(products), []
    # Collections: SocialOps has none. Kept as applying to no product, so a campaign promoting
    # the code is flagged until someone checks, rather than trusted on every SKU.
    tally.note(
        IssueKind.UNKNOWN_FIELD,
        gid,
        say(
            gettext_noop(
                "The code applies to %(what)s SocialOps cannot match (collections); it is kept "
                "as covering no product: set its products on the promo code page."
            ),
            what=typename or "?",
        ),
    )
    return AppliesTo.PRODUCTS, [], []


def _values(node: dict, tally: Tally) -> tuple[str, dict, list[int], list[int]] | None:
    """(code, PromoCode values, products, SKUs), or None for a kind SocialOps does not keep."""
    gid = text(node.get("id"), 255)
    discount = node.get("codeDiscount")
    if not isinstance(discount, dict):
        raise ItemError(say(MISSING, field="codeDiscount"))
    typename = discount.get("__typename")
    if typename != "DiscountCodeBasic":
        tally.note(
            IssueKind.UNKNOWN_FIELD,
            gid,
            say(
                gettext_noop(
                    "%(discount)s is a %(kind)s discount: SocialOps keeps percentage and "
                    "amount-off codes only."
                ),
                discount=discount.get("title") or gid,
                kind=typename,
            ),
        )
        return None
    codes = [
        text((c or {}).get("code"), 64) for c in (discount.get("codes") or {}).get("nodes") or []
    ]
    codes = [c for c in codes if c]
    if not codes:
        raise ItemError(say(gettext_noop("The discount has no code.")))
    if len(codes) > 1:
        tally.note(
            IssueKind.UNKNOWN_FIELD,
            gid,
            say(
                gettext_noop(
                    "The discount has several codes; SocialOps keeps the first (%(code)s)."
                ),
                code=codes[0],
            ),
        )
    kind, value, currency = _value(discount)
    starts_at = when(discount.get("startsAt"), "startsAt", required=True)
    ends_at = when(discount.get("endsAt"), "endsAt")
    if ends_at is not None and ends_at < starts_at:
        raise ItemError(
            say(
                gettext_noop("endsAt %(end)s is before startsAt %(start)s."),
                end=str(ends_at),
                start=str(starts_at),
            )
        )
    limit, used = discount.get("usageLimit"), discount.get("asyncUsageCount") or 0
    for name, number in (("usageLimit", limit), ("asyncUsageCount", used)):
        if number is not None and (not isinstance(number, int) or number < 0):
            raise ItemError(
                say(
                    gettext_noop("%(field)s must be a whole number, got %(value)s."),
                    field=name,
                    value=repr(number),
                )
            )
    applies_to, products, skus = _scope(discount, gid, tally)
    values = {
        "code": codes[0],
        "kind": kind,
        "value": value,
        "currency": currency,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "active": str(discount.get("status") or "").upper() in USABLE_STATUSES,
        "usage_limit": limit,
        "usage_count": used,
        "applies_to": applies_to,
    }
    return codes[0], values, products, skus


def apply_discounts(connection: Connection, nodes: list, tally: Tally) -> list[str]:
    """Create or update the promo codes of `nodes`; returns the discount ids seen."""
    now = timezone.now()
    nodes = [n for n in nodes if isinstance(n, dict)]
    ids = [text(n.get("id"), 255) for n in nodes]
    refs = {
        r.external_id: r
        for r in ExternalRef.objects.filter(
            connection=connection, kind=DISCOUNT, external_id__in=ids
        )
    }
    codes = PromoCode.objects.in_bulk([r.object_id for r in refs.values()])
    content_type = ContentType.objects.get_for_model(PromoCode)
    seen = []
    for node in nodes:
        gid = text(node.get("id"), 255)
        with tally.item(gid or repr(node)[:100]):
            if not gid:
                raise ItemError(say(gettext_noop("The discount has no id.")))
            seen.append(gid)
            parsed = _values(node, tally)
            if parsed is None:
                continue
            code, values, products, skus = parsed
            ref = refs.get(gid)
            promo = codes.get(ref.object_id) if ref else None
            if promo is None:
                promo = PromoCode.objects.filter(code__iexact=code).first() or PromoCode()
            outcome = upsert(promo, values)
            # The scope only when it differs: set() would announce a change either way.
            scope_changed = False
            if set(promo.products.values_list("pk", flat=True)) != set(products):
                promo.products.set(products)
                scope_changed = True
            if set(promo.skus.values_list("pk", flat=True)) != set(skus):
                promo.skus.set(skus)
                scope_changed = True
            tally.count("updated" if outcome == "unchanged" and scope_changed else outcome)
            if ref is None:
                ExternalRef.objects.update_or_create(
                    connection=connection,
                    kind=DISCOUNT,
                    external_id=gid,
                    defaults={
                        "content_type": content_type,
                        "object_id": promo.pk,
                        "last_seen_at": now,
                    },
                )
    ExternalRef.objects.filter(connection=connection, kind=DISCOUNT, external_id__in=seen).update(
        last_seen_at=now
    )
    return seen


def deactivate_discounts(
    connection: Connection, tally: Tally, *, keep: list[str] | None = None, gone: list[str] = ()
) -> int:
    """Switch off the codes of discounts Shopify no longer has: those not in `keep` (a full
    listing), or those in `gone` (discounts/delete). Kept, not deleted: a campaign announcing
    the code is then flagged instead of silently losing it."""
    refs = ExternalRef.objects.filter(connection=connection, kind=DISCOUNT)
    refs = (
        refs.exclude(external_id__in=keep)
        if keep is not None
        else refs.filter(external_id__in=list(gone))
    )
    count = 0
    for promo in PromoCode.objects.filter(pk__in=refs.values("object_id"), active=True):
        promo.active = False
        promo.save()  # through the model: the campaigns announcing it are re-checked
        count += 1
    tally.updated += count
    return count


def sync_discounts(client: ShopifyClient, connection: Connection, tally: Tally) -> None:
    """Every code discount of the store, a page at a time; codes gone from Shopify go off."""
    seen: list[str] = []
    for page in client.paginate(
        DISCOUNTS_QUERY, ("codeDiscountNodes",), page_size=DISCOUNT_PAGE_SIZE
    ):
        with transaction.atomic():
            seen += apply_discounts(connection, page, tally)
    with transaction.atomic():
        deactivate_discounts(connection, tally, keep=seen)


def refresh_discount(client: ShopifyClient, connection: Connection, gid: str, tally: Tally) -> None:
    """Re-read one discount (after a discounts/create or discounts/update webhook) and apply
    it with the code a sync uses; a discount Shopify no longer has is switched off."""
    node = client.query(DISCOUNT_QUERY, {"id": gid}).get("codeDiscountNode")
    with transaction.atomic():
        if node is None:
            deactivate_discounts(connection, tally, gone=[gid])
        else:
            apply_discounts(connection, [node], tally)

"""Re-check the campaigns a change touches, right after the change commits.

Signal handlers work out which campaigns a saved or deleted row concerns (one query) and
add them to a per-transaction set; one callback on commit enqueues the re-check in chunks.
A rolled-back change enqueues nothing of its own. `suspended()` turns this off for bulk
loads, which run a sweep instead.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.models import F, Q
from django.db.models.lookups import Regex
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from campaigns.models import Campaign, CampaignClaim, CampaignItem, Channel, Creator
from catalog.models import SKU, Product, StockLevel
from promises.checks.loader import bump_operations_version
from promises.models import (
    CheckoutCountry,
    PromoCode,
    ReturnPolicy,
    ShippingMethod,
    ShippingOverride,
    SupportReply,
)

# Campaign ids per re-check task: small enough to finish in well under a second.
CHANGE_BATCH = 500

_state = threading.local()


class _Recheck:
    """The campaigns one transaction touched; re-checked once, when it commits.

    Registered with on_commit, so a rolled-back transaction drops it with its ids.
    """

    def __init__(self) -> None:
        self.ids: set[int] = set()

    def __call__(self) -> None:
        from promises.tasks import check_campaigns

        ids = sorted(self.ids)
        for start in range(0, len(ids), CHANGE_BATCH):
            check_campaigns.delay(ids[start : start + CHANGE_BATCH])


@contextmanager
def suspended() -> Iterator[None]:
    """Ignore changes inside the block (the caller re-checks what it loaded)."""
    previous = getattr(_state, "suspended", False)
    _state.suspended = True
    try:
        yield
    finally:
        _state.suspended = previous


def recheck(campaign_ids: Iterable[int]) -> None:
    """Re-check these campaigns once the current transaction commits."""
    if getattr(_state, "suspended", False):
        return
    ids = set(campaign_ids)
    if not ids:
        return
    connection = transaction.get_connection()
    for entry in connection.run_on_commit:
        if isinstance(entry[1], _Recheck):
            entry[1].ids.update(ids)
            return
    pending = _Recheck()
    pending.ids.update(ids)
    transaction.on_commit(pending)  # outside a transaction this runs at once


# --- Which campaigns a change concerns ------------------------------------------------------


def _ids(queryset) -> list[int]:
    return list(queryset.order_by().values_list("pk", flat=True).distinct())


def campaigns_promoting(sku_ids: Iterable[int]) -> list[int]:
    return _ids(Campaign.objects.checked().filter(items__sku_id__in=list(sku_ids)))


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


# --- Handlers -------------------------------------------------------------------------------


def _stock_changed(sender, instance: StockLevel, **kwargs) -> None:
    recheck(campaigns_promoting([instance.sku_id]))


def _sku_changed(sender, instance: SKU, **kwargs) -> None:
    recheck(campaigns_promoting([instance.pk]))


def _product_changed(sender, instance: Product, **kwargs) -> None:
    recheck(campaigns_promoting(instance.skus.values_list("pk", flat=True)))


def _campaign_changed(sender, instance: Campaign, **kwargs) -> None:
    if kwargs.get("signal") is post_save and not kwargs.get("raw"):
        from promises.services import refresh_extracted_claims

        refresh_extracted_claims(instance)
    # Its reservations and demand weigh on every campaign sharing its SKUs.
    shared = (
        campaigns_promoting(instance.items.values_list("sku_id", flat=True))
        if (instance.pk)
        else []
    )
    recheck([instance.pk, *shared])


def _item_changed(sender, instance: CampaignItem, **kwargs) -> None:
    recheck([instance.campaign_id, *campaigns_promoting([instance.sku_id])])


def _claim_changed(sender, instance: CampaignClaim, **kwargs) -> None:
    recheck([instance.campaign_id])


def _channel_changed(sender, instance: Channel, **kwargs) -> None:
    recheck(_ids(Campaign.objects.checked().filter(channel=instance)))


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


def _operations_changed() -> None:
    """Operations facts changed: cached copies are stale once this commits."""
    transaction.on_commit(bump_operations_version)


def _countries_changed(field: str):
    def handler(sender, instance, **kwargs) -> None:
        _operations_changed()
        old = getattr(instance, "_old_value", None)
        value = getattr(instance, field)
        codes = _codes(value if isinstance(value, list | tuple) else [value])
        codes |= _codes(old.split(",") if isinstance(old, str) else old)
        if sender is ReturnPolicy and not codes:
            recheck(_ids(Campaign.objects.checked()))  # a policy for every country
        else:
            recheck(campaigns_targeting(codes))

    return handler


def _override_changed(sender, instance: ShippingOverride, **kwargs) -> None:
    _operations_changed()
    method = (
        ShippingMethod.objects.filter(pk=instance.method_id)
        .values_list("countries", flat=True)
        .first()
    )
    recheck(campaigns_targeting(_codes(method.split(",") if isinstance(method, str) else method)))


def _code_changed(sender, instance: PromoCode, **kwargs) -> None:
    _operations_changed()
    recheck(campaigns_announcing({instance.code, getattr(instance, "_old_value", None)}))


def _code_scope_changed(sender, instance, **kwargs) -> None:
    if kwargs.get("action", "").startswith("post_") and isinstance(instance, PromoCode):
        _operations_changed()
        recheck(campaigns_announcing({instance.code}))


def _support_reply_changed(sender, instance: SupportReply, **kwargs) -> None:
    _operations_changed()
    recheck(_ids(Campaign.objects.checked().filter(claims__kind__in=["delivery", "returns"])))


def connect() -> None:
    """Wire the handlers (called once, from PromisesConfig.ready)."""
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
    for through in (PromoCode.products.through, PromoCode.skus.through, PromoCode.channels.through):
        m2m_changed.connect(
            _code_scope_changed,
            sender=through,
            weak=False,
            dispatch_uid=f"recheck-m2m-{through.__name__}",
        )

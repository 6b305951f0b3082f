"""Shopify delivery profiles -> promises.ShippingMethod.

Each rate (method definition) of each zone becomes a shipping method: its name (suffixed with
the zone's when several zones use the name), the zone's countries, the rate's price, the kind
guessed from the name, whether it is active. The Shopify idiom "Standard 4.90, Free shipping
from 50" (a 0.00 rate with a minimum order total) becomes the free-shipping threshold of the
zone's paid methods of the same kind.

Shopify keeps no delivery days for a rate: they are SocialOps' own configuration. A method
Shopify adds gets SHOPIFY_NEW_METHOD_DAYS (slow on purpose, so a fast-delivery claim is flagged)
and is listed on the connection's page until someone sets its days; the sync never writes the
days of a method that exists. Return rules: the Admin API has no structured return window
(only the refund policy's text), so return policies stay SocialOps' own too.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_countries import countries as known_countries

from common.texts import say
from integrations.choices import IssueKind
from integrations.clients.shopify import (
    DELIVERY_PAGE_SIZE,
    DELIVERY_PROFILES_QUERY,
    ShopifyClient,
)
from integrations.models import Connection, ExternalRef
from integrations.sync.base import ItemError, Tally, money, text, upsert
from promises.choices import ShippingKind
from promises.models import ShippingMethod

DELIVERY_METHOD = "delivery_method"

# The kind a rate's name says (first match wins); anything else is standard.
KIND_WORDS = [
    (re.compile(r"same[- ]?day", re.I), ShippingKind.SAME_DAY),
    (re.compile(r"next[- ]?day|overnight|24 ?h", re.I), ShippingKind.NEXT_DAY),
    (re.compile(r"express|expedited|priority|fast", re.I), ShippingKind.EXPRESS),
    (re.compile(r"econom|saver|slow", re.I), ShippingKind.ECONOMY),
    (re.compile(r"pick[- ]?up|relay|point|locker|collect", re.I), ShippingKind.PICKUP),
]


def kind_from_name(name: str) -> str:
    for pattern, kind in KIND_WORDS:
        if pattern.search(name):
            return kind
    return ShippingKind.STANDARD


def _minimum_total(definition: dict) -> Decimal | None:
    """The order total from which the rate applies (a TOTAL_PRICE >= condition)."""
    for condition in definition.get("methodConditions") or []:
        if not isinstance(condition, dict):
            continue
        if condition.get("field") == "TOTAL_PRICE" and condition.get("operator") == (
            "GREATER_THAN_OR_EQUAL_TO"
        ):
            criteria = condition.get("conditionCriteria") or {}
            return money(criteria.get("amount"), "conditionCriteria.amount", required=True)
    return None


def _zone_countries(zone: dict, gid: str, tally: Tally) -> list[str]:
    codes = []
    for country in zone.get("countries") or []:
        code = (country or {}).get("code") or {}
        if code.get("restOfWorld"):
            tally.note(
                IssueKind.UNKNOWN_FIELD,
                gid,
                say(
                    gettext_noop(
                        "Zone %(zone)s covers the rest of the world: its countries are "
                        "not listed, so SocialOps keeps only the ones named."
                    ),
                    zone=repr(zone.get("name")),
                ),
            )
            continue
        value = text(code.get("countryCode"), 2).upper()
        if value in known_countries:
            codes.append(value)
    return sorted(set(codes))


def _rates(profiles: list, tally: Tally) -> tuple[list[dict], bool]:
    """Every rate of every zone, flattened: (rates, complete)."""
    rates, complete = [], True
    for profile in profiles:
        if not isinstance(profile, dict):
            tally.note(
                IssueKind.MALFORMED,
                "",
                say(
                    gettext_noop("A profile must be an object, got %(value)s."),
                    value=repr(profile)[:400],
                ),
            )
            continue
        for group in profile.get("profileLocationGroups") or []:
            zones = (group or {}).get("locationGroupZones") or {}
            if (zones.get("pageInfo") or {}).get("hasNextPage"):
                complete = False
                tally.note(
                    IssueKind.UNKNOWN_FIELD,
                    profile.get("id", ""),
                    say(gettext_noop("The profile has more zones than SocialOps reads (20).")),
                )
            for zone_node in zones.get("nodes") or []:
                zone = (zone_node or {}).get("zone") or {}
                definitions = (zone_node or {}).get("methodDefinitions") or {}
                if (definitions.get("pageInfo") or {}).get("hasNextPage"):
                    complete = False
                    tally.note(
                        IssueKind.UNKNOWN_FIELD,
                        zone.get("id", ""),
                        say(gettext_noop("The zone has more rates than SocialOps reads (20).")),
                    )
                for definition in definitions.get("nodes") or []:
                    if isinstance(definition, dict):
                        rates.append({"zone": zone, "definition": definition})
    return rates, complete


def _plan(rates: list[dict], tally: Tally) -> list[tuple[str, tuple[str, str], dict]]:
    """(definition id, its two possible names, ShippingMethod values) for each rate kept."""
    names = Counter(text(r["definition"].get("name"), 120) for r in rates)
    parsed = []
    for rate in rates:
        definition, zone = rate["definition"], rate["zone"]
        gid = text(definition.get("id"), 255)
        with tally.item(gid):
            if not gid:
                raise ItemError(say(gettext_noop("The rate has no id.")))
            name = text(definition.get("name"), 120)
            if not name:
                raise ItemError(say(gettext_noop("The rate has no name.")))
            provider = definition.get("rateProvider") or {}
            if provider.get("__typename") != "DeliveryRateDefinition":
                tally.note(
                    IssueKind.UNKNOWN_FIELD,
                    gid,
                    say(
                        gettext_noop(
                            "%(name)s is carrier-calculated: its price is known at checkout "
                            "only, so it is not kept as a shipping method."
                        ),
                        name=name,
                    ),
                )
                continue
            price = provider.get("price") or {}
            amount = money(price.get("amount"), "price.amount", required=True)
            countries = _zone_countries(zone, gid, tally)
            if not countries:
                raise ItemError(
                    say(
                        gettext_noop("Zone %(zone)s names no country."),
                        zone=repr(zone.get("name")),
                    )
                )
            plain, suffixed = name, f"{name} ({text(zone.get('name'), 60)})"[:120]
            if names[name] > 1:
                name = suffixed
            parsed.append(
                {
                    "gid": gid,
                    "names": (plain, suffixed),
                    "zone": zone.get("id"),
                    "minimum": _minimum_total(definition),
                    "values": {
                        "name": name,
                        "kind": kind_from_name(name),
                        "countries": countries,
                        "price": amount,
                        "currency": text(price.get("currencyCode"), 3).upper()
                        or settings.STORE_CURRENCY,
                        "free_shipping_threshold": None,
                        "enabled_in_checkout": bool(definition.get("active", True)),
                    },
                }
            )
    # "Free from X" rates become the threshold of their zone's paid rates of the same kind.
    kept = []
    for rate in parsed:
        values = rate["values"]
        if values["price"] == 0 and rate["minimum"] is not None:
            siblings = [
                other
                for other in parsed
                if other["zone"] == rate["zone"]
                and other["values"]["price"] > 0
                and other["values"]["kind"] == values["kind"]
            ]
            for other in siblings:
                threshold = other["values"]["free_shipping_threshold"]
                if threshold is None or rate["minimum"] < threshold:
                    other["values"]["free_shipping_threshold"] = rate["minimum"]
            if siblings:
                continue
            values["free_shipping_threshold"] = rate["minimum"]
        kept.append(rate)
    return [(rate["gid"], rate["names"], rate["values"]) for rate in kept]


def apply_delivery_profiles(connection: Connection, profiles: list, tally: Tally) -> None:
    now = timezone.now()
    rates, complete = _rates(profiles, tally)
    planned = _plan(rates, tally)
    refs = {
        r.external_id: r
        for r in ExternalRef.objects.filter(connection=connection, kind=DELIVERY_METHOD)
    }
    methods = ShippingMethod.objects.in_bulk([r.object_id for r in refs.values()])
    by_name = {
        m.name: m
        for m in ShippingMethod.objects.filter(name__in=[v["name"] for _, _, v in planned])
    }
    content_type = ContentType.objects.get_for_model(ShippingMethod)
    min_days, max_days = settings.SHOPIFY_NEW_METHOD_DAYS
    seen = []
    for gid, names, values in planned:
        with tally.item(gid):
            ref = refs.get(gid)
            method = (methods.get(ref.object_id) if ref else None) or by_name.get(values["name"])
            if method is not None and method.name in names:
                # A zone added or removed elsewhere must not rename the method back and forth.
                values = {**values, "name": method.name}
            if method is None:
                # Days are SocialOps' own: a new method starts slow, listed until they are set.
                method = ShippingMethod(min_days=min_days, max_days=max(min_days, max_days))
            tally.count(upsert(method, values))
            seen.append(gid)
            ExternalRef.objects.update_or_create(
                connection=connection,
                kind=DELIVERY_METHOD,
                external_id=gid,
                defaults={
                    "content_type": content_type,
                    "object_id": method.pk,
                    "last_seen_at": now,
                },
            )
    if complete:
        # Rates Shopify no longer has: off at checkout (kept, with the days someone set).
        gone = [r.object_id for gid, r in refs.items() if gid not in seen]
        for method in ShippingMethod.objects.filter(pk__in=gone, enabled_in_checkout=True):
            tally.count(upsert(method, {"enabled_in_checkout": False}))
    _list_methods_needing_days(connection, tally)


def _list_methods_needing_days(connection: Connection, tally: Tally) -> None:
    min_days, max_days = settings.SHOPIFY_NEW_METHOD_DAYS
    synced = ExternalRef.objects.filter(connection=connection, kind=DELIVERY_METHOD)
    waiting = ShippingMethod.objects.filter(
        pk__in=synced.values("object_id"), min_days=min_days, max_days=max(min_days, max_days)
    )
    for method in waiting:
        tally.note(
            IssueKind.UNKNOWN_FIELD,
            method.name,
            say(
                gettext_noop(
                    "Shipping method %(method)s needs its delivery days: Shopify keeps none, so "
                    "it has the default %(min)s-%(max)s days until you set them."
                ),
                method=repr(method.name),
                min=method.min_days,
                max=method.max_days,
            ),
        )


def sync_delivery_profiles(client: ShopifyClient, connection: Connection, tally: Tally) -> None:
    profiles: list = []
    for page in client.paginate(
        DELIVERY_PROFILES_QUERY, ("deliveryProfiles",), page_size=DELIVERY_PAGE_SIZE
    ):
        profiles += page
    with transaction.atomic():
        apply_delivery_profiles(connection, profiles, tally)

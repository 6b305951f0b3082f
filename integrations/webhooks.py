"""Shopify's discount webhooks, applied with the code a sync uses.

A discounts/* payload names the discount (`admin_graphql_api_id`) but not its codes, value or
scope, so the discount is re-read from the Admin API through the store's connection and
applied by integrations/sync/shopify_discounts.py; discounts/delete switches the code off.
Registered with the catalog's webhook inbox at start-up (IntegrationsConfig.ready).
"""

from __future__ import annotations

from datetime import datetime

from catalog.webhooks import topics
from catalog.webhooks.apply import PayloadError, Target
from catalog.webhooks.inbox import DISCOUNT_TOPICS, parse_timestamp
from integrations.choices import ConnectionKind, ConnectionStatus
from integrations.clients.http import IntegrationError
from integrations.clients.shopify import ShopifyClient
from integrations.crypto import CredentialsUnreadable
from integrations.models import Connection
from integrations.sync.base import Tally
from integrations.sync.shopify_discounts import deactivate_discounts, refresh_discount

CODE_DISCOUNT = "gid://shopify/DiscountCodeNode/"


def _gid(payload: dict) -> str:
    gid = payload.get("admin_graphql_api_id")
    if not isinstance(gid, str) or not gid.startswith("gid://shopify/"):
        raise PayloadError(f"admin_graphql_api_id must be a Shopify id, got {gid!r}.")
    return gid


def discount_target(payload: dict, triggered_at: datetime | None) -> Target:
    updated = parse_timestamp(payload.get("updated_at")) or triggered_at
    return Target(f"discount:{_gid(payload)}", updated)


def _connection(shop_domain: str) -> Connection:
    stores = Connection.objects.filter(kind=ConnectionKind.SHOPIFY)
    store = stores.filter(account_id=shop_domain).first() if shop_domain else None
    if store is None and not shop_domain and stores.count() == 1:
        store = stores.first()
    if store is None:
        raise PayloadError(
            f"No Shopify connection for {shop_domain or 'this shop'}: add it on the "
            "connections page, then reprocess this delivery."
        )
    return store


def apply_discount_delivery(payload: dict, delivery) -> str:
    gid = _gid(payload)
    if not gid.startswith(CODE_DISCOUNT):
        return f"{gid} is an automatic discount: SocialOps keeps codes only."
    store = _connection(delivery.shop_domain)
    tally = Tally(run=None)  # type: ignore[arg-type]  # issues are reported on the delivery
    if delivery.topic == "discounts/delete":
        count = deactivate_discounts(store, tally, gone=[gid])
        return f"Discount {gid} deleted in Shopify: {count} code(s) switched off."
    if store.status == ConnectionStatus.PAUSED:
        return f"{store.name} is paused: the next sync after it resumes reads {gid}."
    try:
        client = ShopifyClient(store.account_id, store.credentials())
        refresh_discount(client, store, gid, tally)
    except (IntegrationError, CredentialsUnreadable) as error:
        raise PayloadError(f"Shopify could not be read: {error} Reprocess it later.") from None
    if tally.errors:
        raise PayloadError("; ".join(issue.message for issue in tally.issues[:3]))
    notes = " ".join(issue.message for issue in tally.issues[:3])
    return f"Discount {gid}: {tally.created} created, {tally.updated} updated. {notes}".strip()


def register() -> None:
    handler = topics.TopicHandler(target=discount_target, apply=apply_discount_delivery)
    for topic in DISCOUNT_TOPICS:
        topics.register(topic, handler)

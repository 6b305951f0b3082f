"""The Shopify webhook endpoint: verify the signature, store in the inbox, answer at once.

Nothing here parses the body: a forged request is refused before its JSON is read, and the
work of applying a delivery belongs to a task, so Shopify gets its answer in milliseconds.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from catalog.webhooks.inbox import HANDLED_TOPICS, Envelope, parse_timestamp, store_delivery
from catalog.webhooks.services import enqueue_inbox_processing
from catalog.webhooks.verify import is_authentic

logger = logging.getLogger(__name__)


@csrf_exempt
@login_not_required
@require_POST
def shopify_webhook(request: HttpRequest) -> JsonResponse:
    """Acknowledge a Shopify webhook: 401 unless signed with SHOPIFY_WEBHOOK_SECRET."""
    body = _read_body(request)
    if body is None:
        return JsonResponse(
            {
                "error": f"The body is over the webhook limit of {settings.WEBHOOK_MAX_BODY_MB} MB "
                "(WEBHOOK_MAX_BODY_MB)."
            },
            status=413,
        )
    secret = settings.SHOPIFY_WEBHOOK_SECRET
    if not secret:
        logger.error("Shopify webhook refused: SHOPIFY_WEBHOOK_SECRET is not set")
    if not is_authentic(secret, body, request.headers.get("X-Shopify-Hmac-Sha256")):
        return JsonResponse({"error": "Invalid or missing X-Shopify-Hmac-Sha256."}, status=401)
    webhook_id = request.headers.get("X-Shopify-Webhook-Id", "").strip()
    topic = request.headers.get("X-Shopify-Topic", "").strip()
    if not webhook_id or not topic:
        # Without its id a delivery cannot be deduplicated; Shopify always sends both.
        return JsonResponse(
            {"error": "X-Shopify-Webhook-Id and X-Shopify-Topic are required."}, status=400
        )
    envelope = Envelope(
        webhook_id=webhook_id,
        topic=topic,
        shop_domain=request.headers.get("X-Shopify-Shop-Domain", "").strip(),
        api_version=request.headers.get("X-Shopify-API-Version", "").strip(),
        event_id=request.headers.get("X-Shopify-Event-Id", "").strip(),
        triggered_at=parse_timestamp(request.headers.get("X-Shopify-Triggered-At")),
    )
    with transaction.atomic():
        delivery_id = store_delivery(envelope, body)
        if delivery_id is not None and topic in HANDLED_TOPICS:
            transaction.on_commit(enqueue_inbox_processing)
    if delivery_id is None:
        return JsonResponse({"status": "duplicate"})
    return JsonResponse({"status": "accepted" if topic in HANDLED_TOPICS else "ignored"})


def _read_body(request: HttpRequest) -> bytes | None:
    """The raw body, or None when it is over WEBHOOK_MAX_BODY_MB.

    Read from the stream, not `request.body`: Django refuses bodies over
    DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), a limit meant for forms; a products/update with many
    variants is larger, and refusing it once refuses it forever (Shopify resends the same body).
    """
    limit = settings.WEBHOOK_MAX_BODY_MB * 1024 * 1024
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body

"""Feed pages: the public per-channel feed URLs, and the channel's feed problems page."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from campaigns.feeds.formats import BY_FILENAME, FORMATS
from campaigns.feeds.items import feed_items
from campaigns.feeds.services import (
    catalog_fingerprint,
    channel_fingerprint,
    feed_report,
    format_of,
    record_feed_fetch,
)
from campaigns.feeds.writers import write_feed
from campaigns.models import Channel, new_feed_token

# Problems per page of the channel's feed page.
PROBLEMS_PER_PAGE = 50
# Longer than any token new_feed_token() makes: refused before touching the database.
MAX_TOKEN_LENGTH = 64
assert len(new_feed_token()) <= MAX_TOKEN_LENGTH


def _channel_by_token(token: str) -> Channel:
    """The channel whose feed token is `token`, compared in constant time; else 404."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise Http404("No such feed.")
    channel = Channel.objects.filter(feed_token=token).first()
    if channel is None or not hmac.compare_digest(channel.feed_token.encode(), token.encode()):
        raise Http404("No such feed.")
    return channel


@require_GET
@login_not_required
def public_feed(request: HttpRequest, token: str, filename: str) -> HttpResponse:
    """The channel's catalog feed, for the network to fetch on its schedule.

    Every format is served for every channel: a brand may list an Instagram catalog in
    Google Merchant Center too. The channel page recommends its network's format.
    """
    fmt = BY_FILENAME.get(filename)
    channel = _channel_by_token(token)
    if fmt is None:
        raise Http404("No such feed format.")
    etag = f'"{fmt.key}-{channel_fingerprint(channel)}-{catalog_fingerprint()}"'
    record_feed_fetch(channel)
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = StreamingHttpResponse(
            write_feed(fmt, feed_items(channel=channel), title=channel.name),
            content_type=fmt.content_type,
        )
        response["Content-Disposition"] = f'inline; filename="{fmt.filename}"'
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
@permission_required("campaigns.view_channel", raise_exception=True)
def channel_feed(request: HttpRequest, pk: int) -> HttpResponse:
    """The channel's feed URLs, last fetch, and the feed's problems per item."""
    channel = get_object_or_404(Channel, pk=pk)
    fmt = format_of(channel, request.GET.get("format"))
    report = feed_report(channel, fmt.key)
    page = Paginator(report.problems, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    recommended = format_of(channel)
    # The URLs carry the channel's secret token: only who sets feeds up sees them.
    can_see_urls = request.user.has_perm("campaigns.view_feed_channel")
    urls = [
        {
            "format": f,
            "url": request.build_absolute_uri(
                reverse("feeds:public", args=[channel.feed_token, f.filename])
            )
            if can_see_urls
            else "",
            "recommended": f.key == recommended.key,
            "current": f.key == fmt.key,
        }
        for f in FORMATS.values()
    ]
    context = {
        "channel": channel,
        "report": report,
        "page": page,
        "feed_urls": urls,
        "store_url": settings.STORE_URL,
    }
    return render(request, "feeds/channel.html", context)


@require_GET
@permission_required("campaigns.view_channel", raise_exception=True)
def channel_feeds(request: HttpRequest) -> HttpResponse:
    """Every channel with its feed: network format, last fetch, link to its problems."""
    channels = list(
        Channel.objects.only("pk", "name", "network", "last_catalog_sync_at", "catalog_sync")
    )
    for channel in channels:
        channel.feed_format = format_of(channel)
    return render(
        request, "feeds/index.html", {"channels": channels, "store_url": settings.STORE_URL}
    )

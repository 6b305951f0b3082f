"""Pinterest API v5 client: an ad account's campaigns, ad groups, ads, their pins, analytics.

Lists page with `bookmark` (`{"items": [...], "bookmark": "..."}`; no bookmark, no more
pages). Errors are `{"code", "message"}`; 401 means the token is expired or revoked, 403 that
it lacks `ads:read` / `pins:read`: both need a new token. 429 is retried after
`Retry-After`, or the `X-RateLimit-Reset` seconds the rate-limit headers name.
"""

from __future__ import annotations

from collections.abc import Iterator

import requests
from django.conf import settings
from django.utils.translation import gettext_noop

from common.texts import say
from integrations.clients.http import (
    NOT_JSON,
    STATUS_CHANGE_NOT_JSON,
    Http,
    IntegrationError,
    ReconnectNeeded,
    Refused,
)

API_VERSION = "v5"
# The largest page the v5 list endpoints accept.
PAGE_SIZE = 250
# ads/analytics takes at most this many ad ids a request.
ANALYTICS_BATCH = 100
# Statuses listed: the default leaves archived ones out, and an archived ad has ended.
ENTITY_STATUSES = "ACTIVE,PAUSED,ARCHIVED"
ANALYTICS_COLUMNS = [
    "SPEND_IN_MICRO_DOLLAR",
    "TOTAL_IMPRESSION",
    "TOTAL_CLICKTHROUGH",
    "TOTAL_CHECKOUT",
    "TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR",
]
CLICK_WINDOW_DAYS = 30
VIEW_WINDOW_DAYS = 1
ATTRIBUTION_LABEL = f"{CLICK_WINDOW_DAYS}-day click, {VIEW_WINDOW_DAYS}-day view"


PINTEREST_REFUSED_CHANGE = gettext_noop("Pinterest refused the status change (%(error)s).")


class NotFound(IntegrationError):
    """Pinterest knows no such object (a pin deleted since its ad was made)."""


def _rate_limit_wait(response: requests.Response) -> float | None:
    if response.status_code != 429 or response.headers.get("Retry-After"):
        return None  # Retry-After is honoured by Http itself
    try:
        return max(float(response.headers.get("X-RateLimit-Reset", "")), 0.0)
    except ValueError:
        return None


def _error(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(body, dict) and "message" in body:
        return f"code {body.get('code')}: {body.get('message')}"
    return f"HTTP {response.status_code}"


class PinterestClient:
    """Requests against one ad account: reads, and the status of an ad (enforcement)."""

    def __init__(self, ad_account_id: str, token: str) -> None:
        self.account = ad_account_id.strip()
        self.base = f"{settings.PINTEREST_API_URL.rstrip('/')}/{API_VERSION}"
        self.http = Http(
            "Pinterest",
            headers={"Authorization": f"Bearer {token}"},
            backoff_for=_rate_limit_wait,
        )

    @property
    def requests_made(self) -> int:
        return self.http.requests_made

    def get(self, path: str, params: dict | None = None):
        response = self.http.send("GET", f"{self.base}/{path}", params=params or {})
        if response.status_code == 401:
            raise ReconnectNeeded(
                say(
                    gettext_noop(
                        "Pinterest refused the access token (%(error)s). "
                        "Reconnect the ad account with a new token."
                    ),
                    error=_error(response),
                )
            )
        if response.status_code == 403:
            raise ReconnectNeeded(
                say(
                    gettext_noop(
                        "Pinterest refused a permission (%(error)s). "
                        "The token needs ads:read and pins:read."
                    ),
                    error=_error(response),
                )
            )
        if response.status_code == 404:
            raise NotFound(
                say(
                    gettext_noop("Pinterest knows no %(path)s (%(error)s)."),
                    path=path,
                    error=_error(response),
                )
            )
        if response.status_code != 200:
            raise IntegrationError(
                say(
                    gettext_noop("Pinterest refused the request (%(error)s)."),
                    error=_error(response),
                )
            )
        try:
            return response.json()
        except ValueError:
            raise IntegrationError(say(NOT_JSON, platform="Pinterest")) from None

    def pages(self, edge: str, params: dict | None = None) -> Iterator[list[dict]]:
        """Every page of an ad account list, following the bookmark."""
        query = {"page_size": PAGE_SIZE, **(params or {})}
        while True:
            body = self.get(f"ad_accounts/{self.account}/{edge}", query)
            items = body.get("items") if isinstance(body, dict) else None
            if not isinstance(items, list):
                raise IntegrationError(
                    say(gettext_noop("Pinterest answered %(edge)s without items."), edge=edge)
                )
            yield items
            bookmark = body.get("bookmark")
            if not bookmark:
                return
            query = {**query, "bookmark": bookmark}

    def campaigns(self) -> Iterator[list[dict]]:
        return self.pages("campaigns", {"entity_statuses": ENTITY_STATUSES})

    def ad_groups(self) -> Iterator[list[dict]]:
        return self.pages("ad_groups", {"entity_statuses": ENTITY_STATUSES})

    def ads(self) -> Iterator[list[dict]]:
        return self.pages("ads", {"entity_statuses": ENTITY_STATUSES})

    def pin(self, pin_id: str) -> dict:
        """A promoted pin's title, description and link."""
        body = self.get(f"pins/{pin_id}", {"ad_account_id": self.account})
        if not isinstance(body, dict):
            raise IntegrationError(
                say(gettext_noop("Pinterest answered pin %(pin)s with no object."), pin=pin_id)
            )
        return body

    def daily_analytics(self, ad_ids: list[str], start: str, end: str) -> Iterator[list[dict]]:
        """Spend, impressions, clicks and checkouts per ad and day, in batches of ad ids."""
        for first in range(0, len(ad_ids), ANALYTICS_BATCH):
            rows = self.get(
                f"ad_accounts/{self.account}/ads/analytics",
                {
                    "ad_ids": ",".join(ad_ids[first : first + ANALYTICS_BATCH]),
                    "start_date": start,
                    "end_date": end,
                    "columns": ",".join(ANALYTICS_COLUMNS),
                    "granularity": "DAY",
                    "click_window_days": CLICK_WINDOW_DAYS,
                    "view_window_days": VIEW_WINDOW_DAYS,
                },
            )
            if not isinstance(rows, list):
                raise IntegrationError(
                    say(gettext_noop("Pinterest answered ads/analytics without a list."))
                )
            yield rows

    def account_info(self) -> dict:
        """The ad account's name and currency: the connection test."""
        body = self.get(f"ad_accounts/{self.account}")
        if not isinstance(body, dict):
            raise IntegrationError(
                say(gettext_noop("Pinterest answered the ad account with no object."))
            )
        return body

    def ad_status(self, ad_id: str) -> str:
        """The status an ad is set to now (ACTIVE, PAUSED, ARCHIVED)."""
        body = self.get(f"ad_accounts/{self.account}/ads/{ad_id}")
        return str(body.get("status") or "") if isinstance(body, dict) else ""

    def set_ad_status(self, ad_id: str, status: str) -> None:
        """PATCH /ad_accounts/{id}/ads with [{"id", "status"}]: each item of the answer has
        the ad as `data` or what went wrong as `exceptions`. Needs ads:write."""
        response = self.http.send(
            "PATCH",
            f"{self.base}/ad_accounts/{self.account}/ads",
            json=[{"id": ad_id, "status": status}],
        )
        if response.status_code in (401, 403):
            raise Refused(
                say(
                    gettext_noop(
                        "Pinterest refused the status change (%(error)s). "
                        "The token needs ads:write."
                    ),
                    error=_error(response),
                )
            )
        if response.status_code != 200:
            raise Refused(say(PINTEREST_REFUSED_CHANGE, error=_error(response)))
        try:
            body = response.json()
        except ValueError:
            raise Refused(say(STATUS_CHANGE_NOT_JSON, platform="Pinterest")) from None
        items = body.get("items") if isinstance(body, dict) else None
        if not isinstance(items, list) or not items:
            raise Refused(say(gettext_noop("Pinterest answered the status change without items.")))
        for item in items:
            problems = item.get("exceptions") if isinstance(item, dict) else None
            if isinstance(problems, dict):
                problems = [problems]
            problems = [p for p in problems or [] if isinstance(p, dict)]
            if problems:
                said = "; ".join(f"code {p.get('code')}: {p.get('message')}" for p in problems)
                raise Refused(say(PINTEREST_REFUSED_CHANGE, error=said))

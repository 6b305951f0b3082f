"""Meta Marketing API (Graph API) client, pinned to one Graph API version.

The token travels in the Authorization header, never in a URL (URLs end up in logs and in
the `paging.next` links Meta sends back). Rate limits: error codes 4, 17, 32, 613 and
80000-80014 are retried after the wait the usage headers name
(X-Business-Use-Case-Usage `estimated_time_to_regain_access`, in minutes); near the limit
(a usage figure at USAGE_SLOWDOWN_PERCENT or more) the client slows down before it is cut off.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import requests
from django.conf import settings
from django.utils.translation import gettext_noop

from common.texts import say
from integrations.clients.http import (
    ANSWERED,
    BACKOFF_BASE_SECONDS,
    NOT_JSON,
    RATE_LIMIT,
    REFUSED_REQUEST,
    STATUS_CHANGE_ANSWERED,
    STATUS_CHANGE_NOT_JSON,
    STATUS_CHANGE_REFUSED,
    Http,
    IntegrationError,
    RateLimited,
    ReconnectNeeded,
    Refused,
    wait,
)

GRAPH_VERSION = "v21.0"
# Rows per page: Graph API edges accept a few hundred with field expansion before they
# answer "reduce the amount of data"; 500 keeps 1,000 ads to two requests.
PAGE_SIZE = 500
EXPIRED_TOKEN = 190
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, *range(80000, 80015)})
# Above this share of a usage limit, pause between requests so the account is not blocked.
USAGE_SLOWDOWN_PERCENT = 90
SLOWDOWN_SECONDS = 5.0

CAMPAIGN_FIELDS = "id,name,status,effective_status,objective,start_time,stop_time"
ADSET_FIELDS = "id,name,campaign_id,status,effective_status,start_time,end_time,targeting"
# The creative is expanded in the ads request itself, so no request per ad.
AD_FIELDS = (
    "id,name,campaign_id,adset_id,status,effective_status,updated_time,"
    "creative{id,body,title,link_url,product_set_id,object_story_spec,asset_feed_spec}"
)
PRODUCT_FIELDS = "id,retailer_id"
ACCOUNT_FIELDS = "id,name,currency,account_status"
INSIGHT_FIELDS = (
    "ad_id,date_start,date_stop,account_currency,spend,impressions,clicks,actions,action_values"
)
# Purchases as the pixel reports them; `purchase` already counts the pixel's, so the first
# of these an ad reports is taken, never both.
PURCHASE_ACTIONS = ("purchase", "offsite_conversion.fb_pixel_purchase")
ATTRIBUTION_WINDOWS = ("7d_click", "1d_view")
ATTRIBUTION_LABEL = "7-day click, 1-day view"


def _usage(response: requests.Response) -> tuple[float, float]:
    """(highest usage percent, minutes to regain access) from the usage headers."""
    highest, regain = 0.0, 0.0
    for header in ("X-App-Usage", "X-Ad-Account-Usage", "X-Business-Use-Case-Usage"):
        raw = response.headers.get(header)
        if not raw:
            continue
        try:
            usage = json.loads(raw)
        except ValueError:
            continue
        entries = []
        if header == "X-Business-Use-Case-Usage" and isinstance(usage, dict):
            for values in usage.values():
                entries.extend(v for v in values or [] if isinstance(v, dict))
        elif isinstance(usage, dict):
            entries.append(usage)
        for entry in entries:
            for key in ("call_count", "total_cputime", "total_time", "acc_id_util_pct"):
                value = entry.get(key)
                if isinstance(value, int | float):
                    highest = max(highest, float(value))
            value = entry.get("estimated_time_to_regain_access")
            if isinstance(value, int | float):
                regain = max(regain, float(value))
    return highest, regain


def _error(response: requests.Response) -> dict | None:
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else None


def _rate_limited(response: requests.Response) -> float | None:
    error = _error(response) if response.status_code >= 400 else None
    if error is None or error.get("code") not in RATE_LIMIT_CODES:
        return None
    _, regain_minutes = _usage(response)
    return regain_minutes * 60 if regain_minutes else BACKOFF_BASE_SECONDS * 4


class MetaClient:
    """Requests against one ad account: reads, and the status of an ad (enforcement)."""

    def __init__(self, account_id: str, token: str) -> None:
        account = account_id if account_id.startswith("act_") else f"act_{account_id}"
        self.base = f"{settings.META_GRAPH_URL.rstrip('/')}/{GRAPH_VERSION}"
        self.account = account
        self.http = Http(
            "Meta", headers={"Authorization": f"Bearer {token}"}, backoff_for=_rate_limited
        )

    @property
    def requests_made(self) -> int:
        return self.http.requests_made

    def get(self, path: str, params: dict) -> dict:
        response = self.http.send("GET", f"{self.base}/{path}", params=params)
        error = _error(response) if response.status_code != 200 else None
        if response.status_code != 200:
            if error is None:
                raise IntegrationError(say(ANSWERED, platform="Meta", status=response.status_code))
            code = error.get("code")
            message = str(error.get("message") or "no message")
            if code == EXPIRED_TOKEN or (error.get("type") == "OAuthException" and code == 102):
                raise ReconnectNeeded(
                    say(
                        gettext_noop(
                            "Meta refused the access token (code %(code)s): %(message)s "
                            "Reconnect the ad account with a new token."
                        ),
                        code=code,
                        message=message,
                    )
                )
            if code in RATE_LIMIT_CODES:
                raise RateLimited(say(RATE_LIMIT, platform="Meta", code=code, message=message))
            if code in (10, *range(200, 300)):
                raise ReconnectNeeded(
                    say(
                        gettext_noop(
                            "Meta refused a permission (code %(code)s): %(message)s The token "
                            "needs ads_read."
                        ),
                        code=code,
                        message=message,
                    )
                )
            raise IntegrationError(
                say(REFUSED_REQUEST, platform="Meta", code=code, message=message)
            )
        highest, _ = _usage(response)
        if highest >= USAGE_SLOWDOWN_PERCENT:
            wait(SLOWDOWN_SECONDS, "Meta")
        try:
            return response.json()
        except ValueError:
            raise IntegrationError(say(NOT_JSON, platform="Meta")) from None

    def pages(self, edge: str, fields: str) -> Iterator[list[dict]]:
        """Pages of an account edge (campaigns, adsets, ads)."""
        return self.pages_at(f"{self.account}/{edge}", {"fields": fields})

    def product_set_products(self, product_set_id: str) -> Iterator[list[dict]]:
        """The products of a catalog product set, with their retailer ids."""
        return self.pages_at(f"{product_set_id}/products", {"fields": PRODUCT_FIELDS})

    def daily_insights(self, since: str, until: str) -> Iterator[list[dict]]:
        """One row per ad and day between two dates (YYYY-MM-DD), as the insights edge
        reports them with time_increment=1."""
        params = {
            "level": "ad",
            "time_increment": 1,
            "fields": INSIGHT_FIELDS,
            "time_range": json.dumps({"since": since, "until": until}),
            "action_attribution_windows": json.dumps(list(ATTRIBUTION_WINDOWS)),
        }
        return self.pages_at(f"{self.account}/insights", params)

    def pages_at(self, path: str, params: dict) -> Iterator[list[dict]]:
        """Pages of any edge, following paging.cursors.after for as long as Meta gives a
        paging.next link."""
        edge = path.rsplit("/", 1)[-1]
        params = {**params, "limit": PAGE_SIZE}
        while True:
            body = self.get(path, params)
            data = body.get("data")
            if not isinstance(data, list):
                raise IntegrationError(
                    say(gettext_noop("Meta answered %(edge)s without a data list."), edge=edge)
                )
            yield data
            paging = body.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after")
            if not paging.get("next") or not after:
                return
            params = {**params, "after": after}

    def account_info(self) -> dict:
        """The ad account's name and currency: the connection test."""
        return self.get(self.account, {"fields": ACCOUNT_FIELDS})

    def ad_status(self, ad_id: str) -> str:
        """The status an ad is set to now (ACTIVE, PAUSED, ARCHIVED...)."""
        return str(self.get(ad_id, {"fields": "status"}).get("status") or "")

    def set_ad_status(self, ad_id: str, status: str) -> None:
        """POST /{ad_id} status=PAUSED or ACTIVE: Meta answers {"success": true}.

        Needs the ads_management permission; a refusal (code 100 unknown ad, 10 or 200-299
        permission) raises Refused, not ReconnectNeeded: the token still reads.
        """
        response = self.http.send("POST", f"{self.base}/{ad_id}", data={"status": status})
        error = _error(response) if response.status_code != 200 else None
        if response.status_code != 200:
            if error is None:
                raise Refused(
                    say(STATUS_CHANGE_ANSWERED, platform="Meta", status=response.status_code)
                )
            code = error.get("code")
            message = str(error.get("message") or "no message")
            if code in RATE_LIMIT_CODES:
                raise RateLimited(say(RATE_LIMIT, platform="Meta", code=code, message=message))
            if code in (10, *range(200, 300)) or code == EXPIRED_TOKEN:
                raise Refused(
                    say(
                        gettext_noop(
                            "Meta refused the status change (code %(code)s): %(message)s The "
                            "token needs ads_management."
                        ),
                        code=code,
                        message=message,
                    )
                )
            raise Refused(say(STATUS_CHANGE_REFUSED, platform="Meta", code=code, message=message))
        try:
            body = response.json()
        except ValueError:
            raise Refused(say(STATUS_CHANGE_NOT_JSON, platform="Meta")) from None
        if not (isinstance(body, dict) and body.get("success") is True):
            raise Refused(
                say(
                    gettext_noop("Meta did not confirm the status change (%(answer)s)."),
                    answer=str(body)[:200],
                )
            )

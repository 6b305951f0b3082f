"""TikTok Marketing API (Business API) client, pinned to v1.3.

Every answer is HTTP 200 with a body `{"code", "message", "request_id", "data"}`: `code` 0
is success, anything else an error. Code 40100 (too many requests) is retried with backoff;
40104 / 40105 (access token expired / invalid) and 40001-40002 (no permission) mean the
token must be replaced. The token travels in the `Access-Token` header; list endpoints page
with `page` / `page_size` and answer `data.page_info.total_page`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import requests
from django.conf import settings
from django.utils.translation import gettext_noop

from common.texts import say
from integrations.clients.http import (
    BACKOFF_BASE_SECONDS,
    RATE_LIMIT,
    REFUSED_REQUEST,
    STATUS_CHANGE_REFUSED,
    Http,
    IntegrationError,
    RateLimited,
    ReconnectNeeded,
    Refused,
)

API_VERSION = "v1.3"
# The largest page /campaign/get/, /adgroup/get/, /ad/get/ and the report accept.
PAGE_SIZE = 1000
RATE_LIMITED = 40100
TOKEN_CODES = frozenset({40104, 40105})
PERMISSION_CODES = frozenset({40001, 40002})

CAMPAIGN_FIELDS = ["campaign_id", "campaign_name", "objective_type", "operation_status"]
ADGROUP_FIELDS = [
    "adgroup_id",
    "adgroup_name",
    "campaign_id",
    "schedule_start_time",
    "schedule_end_time",
    "location_ids",
    "operation_status",
]
AD_FIELDS = [
    "ad_id",
    "ad_name",
    "adgroup_id",
    "campaign_id",
    "ad_text",
    "landing_page_url",
    "identity_id",
    "identity_type",
    "operation_status",
    "secondary_status",
    "modify_time",
]
# Purchases as the ad's optimisation event counts them (`conversion`), and their value
# (`total_complete_payment_rate` is, despite its name, the complete-payment value).
REPORT_METRICS = ["spend", "impressions", "clicks", "conversion", "total_complete_payment_rate"]


def _body(response: requests.Response) -> dict | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _rate_limited(response: requests.Response) -> float | None:
    body = _body(response)
    if body is not None and body.get("code") == RATE_LIMITED:
        return BACKOFF_BASE_SECONDS * 4
    return None


TIKTOK_NOT_JSON = gettext_noop("TikTok answered %(status)s without JSON.")


class TikTokClient:
    """Requests against one advertiser: reads, and the status of an ad (enforcement)."""

    def __init__(self, advertiser_id: str, token: str) -> None:
        self.advertiser_id = advertiser_id.strip()
        self.base = f"{settings.TIKTOK_API_URL.rstrip('/')}/open_api/{API_VERSION}"
        self.http = Http("TikTok", headers={"Access-Token": token}, backoff_for=_rate_limited)

    @property
    def requests_made(self) -> int:
        return self.http.requests_made

    def get(self, path: str, params: dict) -> dict:
        """The `data` of one answer; the errors in plain words."""
        response = self.http.send("GET", f"{self.base}/{path}", params=params)
        body = _body(response)
        if body is None:
            raise IntegrationError(say(TIKTOK_NOT_JSON, status=response.status_code))
        code, message = body.get("code"), str(body.get("message") or "no message")
        if code in TOKEN_CODES:
            raise ReconnectNeeded(
                say(
                    gettext_noop(
                        "TikTok refused the access token (code %(code)s): %(message)s "
                        "Reconnect the advertiser with a new token."
                    ),
                    code=code,
                    message=message,
                )
            )
        if code in PERMISSION_CODES:
            raise ReconnectNeeded(
                say(
                    gettext_noop(
                        "TikTok refused a permission (code %(code)s): %(message)s The token "
                        "needs read access to the advertiser's ads and reports."
                    ),
                    code=code,
                    message=message,
                )
            )
        if code == RATE_LIMITED:
            raise RateLimited(say(RATE_LIMIT, platform="TikTok", code=code, message=message))
        if code != 0:
            raise IntegrationError(
                say(REFUSED_REQUEST, platform="TikTok", code=code, message=message)
            )
        data = body.get("data")
        if not isinstance(data, dict):
            raise IntegrationError(
                say(gettext_noop("TikTok answered %(path)s without data."), path=path)
            )
        return data

    def pages(self, path: str, params: dict | None = None) -> Iterator[list[dict]]:
        """Every page of a list endpoint, until `page_info.total_page`."""
        page = 1
        while True:
            query = {
                "advertiser_id": self.advertiser_id,
                "page": page,
                "page_size": PAGE_SIZE,
                **{
                    k: json.dumps(v) if isinstance(v, list | dict) else v
                    for k, v in (params or {}).items()
                },
            }
            data = self.get(path, query)
            rows = data.get("list")
            if not isinstance(rows, list):
                raise IntegrationError(
                    say(gettext_noop("TikTok answered %(path)s without a list."), path=path)
                )
            yield rows
            info = data.get("page_info") or {}
            total = info.get("total_page")
            if not isinstance(total, int) or page >= total or not rows:
                return
            page += 1

    def campaigns(self) -> Iterator[list[dict]]:
        return self.pages("campaign/get/", {"fields": CAMPAIGN_FIELDS})

    def adgroups(self) -> Iterator[list[dict]]:
        return self.pages("adgroup/get/", {"fields": ADGROUP_FIELDS})

    def ads(self) -> Iterator[list[dict]]:
        return self.pages("ad/get/", {"fields": AD_FIELDS})

    def daily_report(self, start: str, end: str) -> Iterator[list[dict]]:
        """Spend, impressions, clicks and purchases per ad and day (stat_time_day)."""
        return self.pages(
            "report/integrated/get/",
            {
                "report_type": "BASIC",
                "data_level": "AUCTION_AD",
                "dimensions": ["ad_id", "stat_time_day"],
                "metrics": REPORT_METRICS,
                "start_date": start,
                "end_date": end,
            },
        )

    def advertiser_info(self) -> dict:
        """The advertiser's name and currency: the connection test."""
        data = self.get(
            "advertiser/info/",
            {
                "advertiser_ids": json.dumps([self.advertiser_id]),
                "fields": json.dumps(["advertiser_id", "name", "currency"]),
            },
        )
        rows = data.get("list") or []
        if not rows or not isinstance(rows[0], dict):
            raise IntegrationError(
                say(gettext_noop("TikTok knows no advertiser with this id for this token."))
            )
        return rows[0]

    def ad_status(self, ad_id: str) -> str:
        """The operation status an ad is set to now (ENABLE, DISABLE)."""
        data = self.get(
            "ad/get/",
            {
                "advertiser_id": self.advertiser_id,
                "filtering": json.dumps({"ad_ids": [ad_id]}),
                "fields": json.dumps(["ad_id", "operation_status"]),
            },
        )
        rows = [r for r in data.get("list") or [] if isinstance(r, dict)]
        match = [r for r in rows if str(r.get("ad_id")) == str(ad_id)]
        return str(match[0].get("operation_status") or "") if match else ""

    def set_ad_status(self, ad_id: str, status: str) -> None:
        """POST /ad/status/update/ with operation_status DISABLE or ENABLE; any `code` but 0
        (no permission, unknown ad, frozen ad) raises Refused."""
        response = self.http.send(
            "POST",
            f"{self.base}/ad/status/update/",
            json={
                "advertiser_id": self.advertiser_id,
                "ad_ids": [ad_id],
                "operation_status": status,
            },
        )
        body = _body(response)
        if body is None:
            raise Refused(say(TIKTOK_NOT_JSON, status=response.status_code))
        code, message = body.get("code"), str(body.get("message") or "no message")
        if code == RATE_LIMITED:
            raise RateLimited(say(RATE_LIMIT, platform="TikTok", code=code, message=message))
        if code != 0:
            if code in PERMISSION_CODES or code in TOKEN_CODES:
                raise Refused(
                    say(
                        gettext_noop(
                            "TikTok refused the status change (code %(code)s): %(message)s The "
                            "token needs ad management access."
                        ),
                        code=code,
                        message=message,
                    )
                )
            raise Refused(say(STATUS_CHANGE_REFUSED, platform="TikTok", code=code, message=message))

"""HTTP with retries: backoff on 429 and 5xx honouring Retry-After, errors in plain words.

Nothing here logs a request's headers or body: they carry the tokens.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

import requests
from django.utils import timezone
from django.utils.translation import gettext_noop

from common.texts import say

# Attempts per request before the run gives up: with the backoff below, about a minute.
MAX_ATTEMPTS = 5
BACKOFF_BASE_SECONDS = 2.0
# The longest single wait a sync accepts; a platform asking for more is retried next sync.
MAX_WAIT_SECONDS = 120.0
TIMEOUT_SECONDS = (5, 60)  # connect, read
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

# What every platform client says, with the platform's name (and its own words, in English).
ANSWERED = gettext_noop("%(platform)s answered %(status)s.")
NOT_JSON = gettext_noop("%(platform)s answered something that is not JSON.")
RATE_LIMIT = gettext_noop("%(platform)s's rate limit (code %(code)s): %(message)s")
REFUSED_REQUEST = gettext_noop("%(platform)s refused the request (code %(code)s): %(message)s")
STATUS_CHANGE_ANSWERED = gettext_noop("%(platform)s answered %(status)s to the status change.")
STATUS_CHANGE_REFUSED = gettext_noop(
    "%(platform)s refused the status change (code %(code)s): %(message)s"
)
STATUS_CHANGE_NOT_JSON = gettext_noop(
    "%(platform)s answered the status change with something not JSON."
)


class IntegrationError(Exception):
    """A sync failed; the message is for the connection's page, in plain words: raised with
    a sentence (common.texts.say), so each reader gets it in their language."""


class ReconnectNeeded(IntegrationError):
    """The token is expired, revoked or lacks access: an admin must enter a new one."""


class Unavailable(IntegrationError):
    """The platform could not be reached, or kept failing (5xx, 429): worth trying later.

    `wait`: the seconds the platform asked for, when it named them.
    """

    def __init__(self, message, wait: float | None = None) -> None:
        super().__init__(message)
        self.wait = wait


class RateLimited(Unavailable):
    """The platform wants us to wait longer than a sync may."""


class Refused(IntegrationError):
    """The platform refused a change (no permission, unknown or locked ad): trying again
    will not help; someone must look."""


def sleep(seconds: float) -> None:
    """Wait (tests replace this so they do not)."""
    time.sleep(seconds)


def retry_after(response: requests.Response) -> float | None:
    """Seconds the Retry-After header asks for: a number, or an HTTP date."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max((when - timezone.now()).total_seconds(), 0.0)


def wait(seconds: float, what: str) -> None:
    if seconds > MAX_WAIT_SECONDS:
        raise RateLimited(
            say(
                gettext_noop(
                    "%(platform)s asked to wait %(seconds)s seconds; the next sync will try again."
                ),
                platform=what,
                seconds=f"{seconds:.0f}",
            ),
            wait=seconds,
        )
    if seconds > 0:
        sleep(seconds)


@dataclass
class Http:
    """A session counting its requests, retrying the ones worth retrying."""

    platform: str
    headers: dict[str, str] = field(default_factory=dict)
    requests_made: int = 0
    session: requests.Session = field(default_factory=requests.Session)
    # Extra say on whether to retry a response (a platform's own throttle body).
    backoff_for: Callable[[requests.Response], float | None] | None = None

    def send(self, method: str, url: str, **kwargs) -> requests.Response:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            self.requests_made += 1
            try:
                response = self.session.request(
                    method, url, headers=self.headers, timeout=TIMEOUT_SECONDS, **kwargs
                )
            except requests.RequestException as error:
                if attempt == MAX_ATTEMPTS:
                    raise Unavailable(
                        say(
                            gettext_noop("%(platform)s could not be reached (%(error)s)."),
                            platform=self.platform,
                            error=type(error).__name__,
                        )
                    ) from None
                wait(BACKOFF_BASE_SECONDS * 2 ** (attempt - 1), self.platform)
                continue
            delay = self.backoff_for(response) if self.backoff_for else None
            if delay is None and response.status_code in RETRY_STATUSES:
                delay = retry_after(response)
                if delay is None:
                    delay = BACKOFF_BASE_SECONDS * 2 ** (attempt - 1)
            if delay is None:
                return response
            if attempt == MAX_ATTEMPTS:
                raise Unavailable(
                    say(
                        gettext_noop(
                            "%(platform)s kept answering %(status)s after %(attempts)s "
                            "attempts; the next sync will try again."
                        ),
                        platform=self.platform,
                        status=response.status_code,
                        attempts=MAX_ATTEMPTS,
                    )
                )
            wait(delay, self.platform)
        raise AssertionError("unreachable")

"""The one retry, back-off and deadline rule for every form API we pull from (Sheets, 金数据, 问卷星).

A request is retried on 429/5xx, a timeout or a refused connection, waiting Retry-After when the
server sends it and otherwise 1, 2, 4 … seconds; no attempt starts once the deadline would pass;
each attempt has one wall-clock limit for all of it (intake/deadline.py), so a dripping answer
cannot hold the run. Any other answer, good or bad, is handed back for the caller to judge."""

from __future__ import annotations

import ipaddress
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import requests

RETRYABLE = {429, 500, 502, 503, 504}


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries: a permanent failure must end the whole run well within a minute."""

    attempts: int = 4
    backoff: float = 1.0
    """First wait in seconds, doubled each time, unless the server sends Retry-After."""
    timeout: float = 15.0
    """Per request: its whole time, from connecting to the last byte of the body."""
    deadline: float = 45.0
    """Seconds from the first attempt after which no further attempt is started."""


DEFAULT_POLICY = RetryPolicy()

Failure = Callable[[str, int], Exception]
"""Given what went wrong last (请求超时, 无法连接, HTTP 503) and the attempts made, the error."""


def send(
    session: requests.Session,
    request: Callable[[], dict[str, Any]],
    policy: RetryPolicy,
    fail: Failure,
    *,
    deadline: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> requests.Response:
    """The first answer that is not worth retrying (2xx, or 4xx other than 429), else `fail`.

    `request()` gives the keyword arguments of `session.request` afresh for every attempt (a
    signed request carries its time stamp); `deadline` is a time.monotonic() value (default:
    policy.deadline from now)."""
    import requests  # here, not at the top: an intake from a file never loads it (0.2 s)

    from .deadline import Call

    if deadline is None:
        deadline = time.monotonic() + policy.deadline
    attempt = 0
    while True:
        attempt += 1
        remaining = max(0.5, deadline - time.monotonic())
        response: requests.Response | None = None
        try:
            response = Call(session, request(), min(policy.timeout, remaining)).result()
        except requests.Timeout:
            failure = "请求超时"
        except requests.ConnectionError:
            failure = "无法连接"
        if response is not None:
            if response.status_code not in RETRYABLE:
                return response
            failure = f"HTTP {response.status_code}"
        wait = retry_after(response) or policy.backoff * 2 ** (attempt - 1)
        if attempt >= policy.attempts or time.monotonic() + wait > deadline:
            raise fail(failure, attempt)
        sleep(wait)


def retry_after(response: requests.Response | None) -> float | None:
    """Retry-After in seconds (a number or an HTTP date), or None."""
    value = response.headers.get("Retry-After") if response is not None else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(
            0.0, (parsedate_to_datetime(value) - datetime.now().astimezone()).total_seconds()
        )
    except (TypeError, ValueError):
        return None


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def origin(variable: str, default: str) -> str:
    """The API origin: the environment variable when set (a stand-in, an emulator), else the
    service's own; without a trailing slash."""
    return (os.environ.get(variable, "").strip() or default).rstrip("/")


def env_credentials(*names: str) -> tuple[str, ...] | None:
    """The named environment variables' values, or None unless every one is set."""
    values = tuple(os.environ.get(n, "").strip() for n in names)
    return values if all(values) else None

"""gspread's HTTP client for the Sheets API with SHEETS_API_URL as origin, a timeout and our own
bounded retry; imported only when a Google Sheet is read (intake/sources.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from . import retry
from .errors import SheetsFailure
from .retry import DEFAULT_POLICY, RetryPolicy

GOOGLE_ORIGIN = "https://sheets.googleapis.com"


class SheetsHTTPClient(HTTPClient):
    """gspread's client with SHEETS_API_URL as origin, a timeout and our own bounded retry.

    gspread 6.2.1's BackOffHTTPClient ignores Retry-After and can recurse ~1,000 times."""

    origin: str | None = None
    policy: RetryPolicy = DEFAULT_POLICY
    sleep: Callable[[float], None] = staticmethod(time.sleep)

    def __init__(self, auth: Any, session: requests.Session | None = None) -> None:
        super().__init__(auth, session)
        self.started: float | None = None
        self.reads = 0
        self.writes = 0

    def request(  # type: ignore[override]
        self,
        method: str,
        endpoint: str,
        params: Any = None,
        data: Any = None,
        json: Any = None,
        files: Any = None,
        headers: Any = None,
    ) -> requests.Response:
        if self.origin and endpoint.startswith(GOOGLE_ORIGIN):
            endpoint = self.origin.rstrip("/") + endpoint[len(GOOGLE_ORIGIN) :]
        if self.started is None:
            self.started = time.monotonic()
        args = dict(
            method=method,
            url=endpoint,
            params=params,
            data=data,
            json=json,
            files=files,
            headers=headers,
        )
        response = retry.send(
            self.session,
            lambda: args,
            self.policy,
            lambda failure, attempt: SheetsFailure(
                f"Google 表格接口{failure}，已尝试 {attempt} 次仍失败"
            ),
            deadline=self.started + self.policy.deadline,
            sleep=self.sleep,
        )
        if not response.ok:
            raise APIError(response)
        if method.lower() == "get":
            self.reads += 1
        else:
            self.writes += 1
        return response

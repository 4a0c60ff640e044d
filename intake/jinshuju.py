"""金数据 (jinshuju) API v1 pull: a form's entries as text rows, like a sheet's (header + rows).

GET {origin}/api/v1/forms/{token} gives the fields (field_N → label); GET
{origin}/api/v1/forms/{token}/entries gives 50 entries a page and a `next` cursor. HTTP Basic
auth with JINSHUJU_API_KEY and JINSHUJU_API_SECRET; JINSHUJU_API_URL overrides the origin
(on loopback no credentials are needed, as SHEETS_API_URL). Retries (429/5xx, Retry-After,
bounded) and the wall-clock limit per request: the shared rule of intake/retry.py."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

import requests

from . import retry
from .errors import IntakeError
from .retry import DEFAULT_POLICY, RetryPolicy, is_loopback
from .sources import Row, Table

ORIGIN = "https://jinshuju.net"
PAGE_SIZE = 50
MAX_PAGES = 2_000
"""100,000 entries: the intake's row cap."""
MAX_CELL_CHARS = 32_767
BEIJING = timezone(timedelta(hours=8))
TIME_KEYS = ("created_at", "updated_at")
FIXED = (("serial_number", "序号"), ("created_at", "提交时间"))
"""Entry keys that are not form fields, kept as the first columns."""


class JinshujuFailure(IntakeError):
    """The API did not answer usably within the retries."""


class JinshujuClient:
    """GET requests under the shared retry rule (intake/retry.py), one deadline per page."""

    sleep: Callable[[float], None] = staticmethod(time.sleep)

    def __init__(self, policy: RetryPolicy = DEFAULT_POLICY) -> None:
        self.origin, self.policy = retry.origin("JINSHUJU_API_URL", ORIGIN), policy
        self.session = requests.Session()
        credentials = retry.env_credentials("JINSHUJU_API_KEY", "JINSHUJU_API_SECRET")
        if credentials:
            self.session.auth = (credentials[0], credentials[1])
        elif not is_loopback(self.origin):
            raise IntakeError("缺少金数据 API 凭据：请设置 JINSHUJU_API_KEY 和 JINSHUJU_API_SECRET")
        self.reads = 0

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        # The deadline bounds one page's attempts: a 100,000-entry form takes 2,000 pages.
        args = dict(method="GET", url=self.origin + path, params=params)
        response = retry.send(
            self.session,
            lambda: args,
            self.policy,
            lambda failure, attempt: JinshujuFailure(
                f"金数据接口{failure}，已尝试 {attempt} 次仍失败；本次未写入任何文件"
            ),
            sleep=self.sleep,
        )
        _refuse(response.status_code)
        self.reads += 1
        return _json(response)


def _refuse(code: int) -> None:
    if 200 <= code < 300:
        return
    if code in (401, 403):
        raise IntakeError("金数据拒绝了 API 凭据：请检查 JINSHUJU_API_KEY 和 JINSHUJU_API_SECRET")
    if code == 404:
        raise IntakeError("找不到金数据表单：请检查表单的 token")
    raise IntakeError(f"金数据接口错误 HTTP {code}；本次未写入任何文件")


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise IntakeError("金数据接口的回答不是有效的 JSON；本次未写入任何文件") from None


def labels(form: Any) -> list[tuple[str, str]]:
    """(field_N, label) in the form's order. `fields` is a list of {"field_1": {"label": ...}}
    (or of {"api_code"/"identity_key": "field_1", "label"/"title": ...})."""
    fields = form.get("fields") if isinstance(form, dict) else None
    if not isinstance(fields, list):
        raise IntakeError("金数据表单结构无法识别（缺少 fields）；本次未写入任何文件")
    out: list[tuple[str, str]] = []
    for item in fields:
        if not isinstance(item, dict):
            continue
        if len(item) == 1 and isinstance(next(iter(item.values())), dict):
            key, info = next(iter(item.items()))
        else:
            key, info = str(item.get("api_code") or item.get("identity_key") or ""), item
        label = info.get("label") or info.get("title") or key
        if key.startswith("field_"):
            out.append((key, str(label)))
    return out


def value_text(key: str, value: Any) -> str:
    """An entry's value as text: UTC times in Beijing time, choices joined with 、."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(value_text(key, v) for v in value if v not in (None, ""))
    if isinstance(value, dict):
        parts = [value_text(key, v) for v in value.values()]
        return " ".join(p for p in parts if p)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if key in TIME_KEYS:
        text = beijing(text)
    return text[: MAX_CELL_CHARS + 1]


def beijing(stamp: str) -> str:
    """2012-07-10T07:30:00.000Z → 2012-07-10 15:30:00 (unchanged when not an ISO time)."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def read_form(token: str, client: JinshujuClient | None = None) -> Table:
    """The form's entries as a Table: header (序号, 提交时间, field labels) and rows numbered
    from 2 as a sheet's would be. Call this from the CLI for `--source jinshuju --form TOKEN`."""
    client = client or JinshujuClient()
    base = f"/api/v1/forms/{quote(token, safe='')}"
    fields = labels(client.get(base))
    keys = [k for k, _ in FIXED] + [k for k, _ in fields]
    header = [label for _, label in FIXED] + [label for _, label in fields]
    rows = list(_entries(client, base + "/entries", keys))
    return Table(header, iter(rows), f"金数据表单 {token}", total=len(rows))


def _entries(client: JinshujuClient, path: str, keys: list[str]) -> Iterator[Row]:
    params: dict[str, Any] = {"per_page": PAGE_SIZE}
    number = 1
    for _ in range(MAX_PAGES):
        page = client.get(path, params)
        data = page.get("data") if isinstance(page, dict) else None
        if not isinstance(data, list):
            raise IntakeError("金数据接口的回答缺少 data；本次未写入任何文件")
        for entry in data:
            if isinstance(entry, dict):
                number += 1
                yield number, [value_text(k, entry.get(k)) for k in keys]
        cursor = page.get("next")
        if cursor in (None, "") or not data:
            return
        params = {"per_page": PAGE_SIZE, "next": cursor}
    raise IntakeError(f"金数据表单超过 {MAX_PAGES * PAGE_SIZE} 条数据，请分批导入")

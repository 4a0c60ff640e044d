"""Where submissions come from: a Google Sheet (the only gspread user), CSV or XLSX, as text rows."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import IntakeError, SheetsFailure
from .retry import DEFAULT_POLICY, RetryPolicy, is_loopback

if TYPE_CHECKING:  # gspread (with google-auth, 0.4 s of imports) only when a Sheet is read
    from gspread.exceptions import APIError

    from .sheetsclient import SheetsHTTPClient

SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]
Row = tuple[int, list[str]]


@dataclass
class SheetHandle:
    http: SheetsHTTPClient
    key: str
    title: str
    status: dict[int, str] = field(default_factory=dict)
    """The status column's current text per row (when the column exists)."""


@dataclass
class Table:
    """A header and an iterator over (sheet row number, cells as text)."""

    header: list[str]
    rows: Iterator[Row]
    source: str
    total: int | None = None
    sheet: SheetHandle | None = None


def sheets_client(credentials: Path | None, policy: RetryPolicy | None = None) -> SheetsHTTPClient:
    """The HTTP client for the Sheets API: SHEETS_API_URL on loopback needs no credentials."""
    import requests
    from gspread import Client

    from .sheetsclient import SheetsHTTPClient

    origin = os.environ.get("SHEETS_API_URL") or None
    if origin and is_loopback(origin):
        client = Client(None, session=requests.Session(), http_client=SheetsHTTPClient)  # type: ignore[arg-type]
    else:
        path = credentials or os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
        if not path:
            raise IntakeError(
                "缺少 Google 服务账号凭据：请设置 GOOGLE_APPLICATION_CREDENTIALS 或使用 --credentials"
            )
        from google.oauth2.service_account import Credentials

        try:
            creds = Credentials.from_service_account_file(str(path), scopes=SCOPES)
        except (OSError, ValueError) as exc:
            raise IntakeError(f"无法读取服务账号凭据文件：{type(exc).__name__}") from None
        client = Client(creds, http_client=SheetsHTTPClient)
    http = client.http_client
    assert isinstance(http, SheetsHTTPClient)
    http.origin = origin
    http.policy = policy or _policy_from_env()
    return http


def _policy_from_env() -> RetryPolicy:
    """DEFAULT_POLICY, with SHEETS_API_TIMEOUT (seconds per request, wall clock) when set."""
    text = os.environ.get("SHEETS_API_TIMEOUT", "").strip()
    try:
        seconds = float(text) if text else None
    except ValueError:
        raise IntakeError(f"SHEETS_API_TIMEOUT 应为秒数，实际为 “{text[:20]}”") from None
    if seconds is None:
        return DEFAULT_POLICY
    if not 0 < seconds <= DEFAULT_POLICY.deadline:
        raise IntakeError(f"SHEETS_API_TIMEOUT 应在 0 到 {DEFAULT_POLICY.deadline:g} 秒之间")
    return replace(DEFAULT_POLICY, timeout=seconds)


def _api_error(exc: APIError, key: str) -> IntakeError:
    code = exc.response.status_code
    if code == 404:
        return IntakeError(f"找不到表格 {key}：请检查 --sheet，并确认已把表格共享给服务账号")
    if code == 403:
        return IntakeError(f"无权访问表格 {key}：请把表格共享给服务账号（client_email）")
    return IntakeError(f"Google 表格接口错误 HTTP {code}；本次未写入任何文件")


def open_sheet(
    key: str, worksheet: str | None, credentials: Path | None, status_label: str
) -> Table:
    """Two read requests: the spreadsheet's metadata, then the whole worksheet's values."""
    from gspread.exceptions import APIError
    from gspread.http_client import ParamsType
    from gspread.utils import absolute_range_name

    http = sheets_client(credentials)
    try:
        meta = http.fetch_sheet_metadata(key)
        titles = [s.get("properties", {}).get("title", "") for s in meta.get("sheets", [])]
        if not titles:
            raise IntakeError(f"表格 {key} 中没有工作表")
        if worksheet is not None and worksheet not in titles:
            raise IntakeError(f"找不到工作表“{worksheet}”（现有：{'、'.join(titles)}）")
        title = worksheet or titles[0]
        params: ParamsType = {"valueRenderOption": "FORMATTED_VALUE", "majorDimension": "ROWS"}
        values = http.values_get(key, absolute_range_name(title), params=params).get("values", [])
    except SheetsFailure as exc:
        raise IntakeError(f"{exc}；本次未写入任何文件，请稍后再试") from None
    except APIError as exc:
        raise _api_error(exc, key) from None
    except (ValueError, AttributeError, TypeError):
        raise IntakeError("Google 表格接口返回了无法解析的数据（不是有效的 JSON）") from None
    if not values:
        raise IntakeError(f"工作表“{title}”是空的（第 1 行应为表头）")
    grid = [[str(v) for v in row] for row in values]
    handle = SheetHandle(http, key, title)
    return Table(
        grid[0],
        iter(list(enumerate(grid[1:], start=2))),
        f"Google 表格 {key} / {title}",
        len(grid) - 1,
        handle,
    )


def write_status(handle: SheetHandle, column: int, label: str, outcomes: dict[int, str]) -> None:
    """All outcomes in one values:batchUpdate, RAW so nothing is read as a formula."""
    from gspread.exceptions import APIError
    from gspread.utils import absolute_range_name, rowcol_to_a1

    last = max([*outcomes, *handle.status, 1])
    letter = rowcol_to_a1(1, column + 1).rstrip("0123456789")
    cells = [[label]] + [[outcomes.get(r, handle.status.get(r, ""))] for r in range(2, last + 1)]
    body = {
        "valueInputOption": "RAW",
        "data": [
            {
                "range": absolute_range_name(handle.title, f"{letter}1:{letter}{last}"),
                "majorDimension": "ROWS",
                "values": cells,
            }
        ],
    }
    try:
        handle.http.values_batch_update(handle.key, body)
    except SheetsFailure as exc:
        raise SheetsFailure(f"回写导入状态失败：{exc}") from None
    except APIError as exc:
        raise SheetsFailure(f"回写导入状态失败：HTTP {exc.response.status_code}") from None


def open_file(path: Path, worksheet: str | None = None) -> Table:
    """A .csv or .xlsx export, every value as text (intake/files.py reads it as untrusted)."""
    from .files import open_file as read_export

    return read_export(path, worksheet)

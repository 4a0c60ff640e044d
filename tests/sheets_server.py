"""A real HTTP server on 127.0.0.1 answering the Sheets API v4 paths gspread calls, with faults.

Paths: GET /v4/spreadsheets/{id} (metadata), GET /v4/spreadsheets/{id}/values/{range},
GET /v4/spreadsheets/{id}/values:batchGet, POST /v4/spreadsheets/{id}/values:batchUpdate.
Faults are scripted per request: {"status": 429, "retry_after": "1"}, {"status": 500},
{"malformed": True}, {"delay": 2.0}, {"drip": 5.0} (one body byte every 5 s); `permanent`
applies one to every request."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.loopback import LoopbackServer

ERROR_STATUS = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


@dataclass
class Logged:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any = None


@dataclass
class SheetsState:
    sheets: dict[str, dict[str, list[list[str]]]] = field(default_factory=dict)
    """spreadsheet id → worksheet title → rows of text."""
    faults: list[dict[str, Any]] = field(default_factory=list)
    permanent: dict[str, Any] | None = None
    log: list[Logged] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reads(self) -> list[Logged]:
        return [r for r in self.log if r.method == "GET"]

    def writes(self) -> list[Logged]:
        return [r for r in self.log if r.method == "POST"]


def _split_range(text: str) -> tuple[str, str | None]:
    """'Title'!A1:B2 → (Title, A1:B2); 'It''s' → It's."""
    match = re.fullmatch(r"'((?:[^']|'')*)'(?:!(.*))?", text) or re.fullmatch(
        r"([^!]*)(?:!(.*))?", text
    )
    assert match is not None
    return match.group(1).replace("''", "'"), match.group(2)


def _cell(a1: str) -> tuple[int, int]:
    match = re.fullmatch(r"([A-Z]+)(\d+)", a1)
    assert match is not None, a1
    col = 0
    for ch in match.group(1):
        col = col * 26 + ord(ch) - 64
    return int(match.group(2)) - 1, col - 1


def _trimmed(rows: list[list[str]]) -> list[list[str]]:
    """As the API answers: trailing empty cells and trailing empty rows omitted."""
    out = []
    for r in rows:
        r = list(r)
        while r and r[-1] == "":
            r.pop()
        out.append(r)
    while out and not out[-1]:
        out.pop()
    return out


class _Handler(BaseHTTPRequestHandler):
    state: SheetsState

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        error = {"code": status, "message": message, "status": ERROR_STATUS.get(status, "UNKNOWN")}
        self._send(status, {"error": error}, headers)

    def _fault(self) -> bool:
        with self.state.lock:
            fault = self.state.faults.pop(0) if self.state.faults else self.state.permanent
        if not fault:
            return False
        if "delay" in fault:
            time.sleep(fault["delay"])
            return False
        if "drip" in fault:
            self._drip(fault["drip"])
            return True
        if fault.get("malformed"):
            self._send(200, b'{"sheets": [ {"properties": ')
            return True
        headers = {"Retry-After": fault["retry_after"]} if "retry_after" in fault else None
        self._error(fault["status"], "scripted fault", headers)
        return True

    def _drip(self, every: float) -> None:
        """A 200 with a long body sent one byte every `every` seconds, until the client leaves."""
        body = json.dumps({"sheets": [], "padding": "x" * 1000}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(every)
        except OSError:  # the client gave up and shut its socket
            pass

    def _log(self, body: Any = None) -> tuple[str, dict[str, list[str]]]:
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        with self.state.lock:
            self.state.log.append(Logged(self.command, url.path, query, body))
        return url.path, query

    def do_GET(self) -> None:
        path, query = self._log()
        if self._fault():
            return
        match = re.fullmatch(r"/v4/spreadsheets/([^/]+?)(?:/values/(.+)|/values:batchGet)?", path)
        if not match or unquote(match.group(1)) not in self.state.sheets:
            self._error(404, "Requested entity was not found.")
            return
        book = self.state.sheets[unquote(match.group(1))]
        if path.endswith("values:batchGet"):
            ranges = [self._values(book, r) for r in query.get("ranges", [])]
            self._send(200, {"spreadsheetId": match.group(1), "valueRanges": ranges})
        elif match.group(2):
            self._send(200, self._values(book, unquote(match.group(2))))
        else:
            sheets = [
                {
                    "properties": {
                        "sheetId": i,
                        "title": title,
                        "index": i,
                        "sheetType": "GRID",
                        "gridProperties": {"rowCount": max(len(rows), 1000), "columnCount": 26},
                    }
                }
                for i, (title, rows) in enumerate(book.items())
            ]
            props = {"title": "志愿者报名（回复）", "locale": "zh_CN", "timeZone": "Asia/Shanghai"}
            self._send(
                200, {"spreadsheetId": match.group(1), "properties": props, "sheets": sheets}
            )

    def _values(self, book: dict[str, list[list[str]]], a1: str) -> dict[str, Any]:
        title, _ = _split_range(a1)
        rows = _trimmed(book.get(title, []))
        answer: dict[str, Any] = {"range": a1, "majorDimension": "ROWS"}
        if rows:
            answer["values"] = rows
        return answer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        path, _ = self._log(body)
        if self._fault():
            return
        match = re.fullmatch(r"/v4/spreadsheets/([^/]+)/values:batchUpdate", path)
        if not match or match.group(1) not in self.state.sheets:
            self._error(404, "Requested entity was not found.")
            return
        if body.get("valueInputOption") not in {"RAW", "USER_ENTERED"}:
            self._error(400, "valueInputOption is required")
            return
        book = self.state.sheets[match.group(1)]
        updated = 0
        with self.state.lock:
            for item in body.get("data", []):
                title, cells = _split_range(item["range"])
                top, left = _cell((cells or "A1").split(":")[0])
                rows = book.setdefault(title, [])
                for i, values in enumerate(item["values"]):
                    while len(rows) <= top + i:
                        rows.append([])
                    target = rows[top + i]
                    for j, value in enumerate(values):
                        while len(target) <= left + j:
                            target.append("")
                        target[left + j] = str(value)
                        updated += 1
        self._send(200, {"spreadsheetId": match.group(1), "totalUpdatedCells": updated})


class SheetsServer(LoopbackServer):
    """Start with `with SheetsServer() as server:`; `server.url` goes into SHEETS_API_URL."""

    handler = _Handler
    state: SheetsState

    def __init__(self) -> None:
        super().__init__(SheetsState())

    def __enter__(self) -> SheetsServer:
        return super().__enter__()  # type: ignore[no-any-return]

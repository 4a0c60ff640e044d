"""A real HTTP server on 127.0.0.1 answering the 金数据 API v1 paths, with scripted faults.

GET /api/v1/forms/{token} (fields), GET /api/v1/forms/{token}/entries?next=N (50 a page).
Faults (tests/loopback.py), one per request: {"status": 429, "retry_after": "1"}, {"status": 500},
{"drip": 5.0}. With `auth` set, a request without exactly those Basic credentials gets a 401."""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.loopback import FaultHandler, LoopbackServer


@dataclass
class JinshujuState:
    fields: list[tuple[str, str]] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)
    faults: list[dict[str, Any]] = field(default_factory=list)
    auth: tuple[str, str] | None = None
    log: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(FaultHandler):
    state: JinshujuState

    def do_GET(self) -> None:
        state = self.state
        fault = self.logged()
        if state.auth is not None:
            token = base64.b64encode(":".join(state.auth).encode()).decode()
            if self.headers.get("Authorization") != f"Basic {token}":
                self.send_json(401, {"error": "Unauthorized"})
                return
        if self.played(fault):
            return
        url = urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        if parts[:3] != ["api", "v1", "forms"] or len(parts) not in (4, 5):
            self.send_json(404, {"error": "Not Found"})
            return
        if len(parts) == 4:
            fields = [
                {key: {"label": label, "type": "single_line_text"}} for key, label in state.fields
            ]
            self.send_json(200, {"name": "报名表", "fields": fields})
            return
        start = int(parse_qs(url.query).get("next", ["0"])[0])
        page = state.entries[start : start + 50]
        after = start + 50 if start + 50 < len(state.entries) else None
        self.send_json(
            200, {"total": len(state.entries), "count": len(page), "data": page, "next": after}
        )


class JinshujuServer(LoopbackServer):
    """`with JinshujuServer() as server:`; `server.url` goes into JINSHUJU_API_URL."""

    handler = _Handler
    state: JinshujuState

    def __init__(self) -> None:
        super().__init__(JinshujuState())

    def __enter__(self) -> JinshujuServer:
        super().__enter__()
        return self

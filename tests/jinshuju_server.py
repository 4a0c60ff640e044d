"""A real HTTP server on 127.0.0.1 answering the 金数据 API v1 paths, with scripted faults.

GET /api/v1/forms/{token} (fields), GET /api/v1/forms/{token}/entries?next=N (50 a page).
Faults, one per request: {"status": 429, "retry_after": "1"}, {"status": 500}, {"drip": 5.0}.
With `auth` set, a request without exactly those Basic credentials gets a 401."""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class JinshujuState:
    fields: list[tuple[str, str]] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)
    faults: list[dict[str, Any]] = field(default_factory=list)
    auth: tuple[str, str] | None = None
    log: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    state: JinshujuState

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _drip(self, every: float) -> None:
        body = json.dumps({"data": [], "padding": "x" * 1000}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(every)
        except OSError:
            pass

    def do_GET(self) -> None:
        state = self.state
        with state.lock:
            state.log.append(self.path)
            fault = state.faults.pop(0) if state.faults else None
        if state.auth is not None:
            token = base64.b64encode(":".join(state.auth).encode()).decode()
            if self.headers.get("Authorization") != f"Basic {token}":
                self._send(401, {"error": "Unauthorized"})
                return
        if fault and "drip" in fault:
            self._drip(fault["drip"])
            return
        if fault:
            headers = {"Retry-After": fault["retry_after"]} if "retry_after" in fault else None
            self._send(fault["status"], {"error": "scripted"}, headers)
            return
        url = urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        if parts[:3] != ["api", "v1", "forms"] or len(parts) not in (4, 5):
            self._send(404, {"error": "Not Found"})
            return
        if len(parts) == 4:
            fields = [
                {key: {"label": label, "type": "single_line_text"}} for key, label in state.fields
            ]
            self._send(200, {"name": "报名表", "fields": fields})
            return
        start = int(parse_qs(url.query).get("next", ["0"])[0])
        page = state.entries[start : start + 50]
        after = start + 50 if start + 50 < len(state.entries) else None
        self._send(
            200, {"total": len(state.entries), "count": len(page), "data": page, "next": after}
        )


class JinshujuServer:
    """`with JinshujuServer() as server:`; `server.url` goes into JINSHUJU_API_URL."""

    def __init__(self) -> None:
        self.state = JinshujuState()
        handler = type("Handler", (_Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> JinshujuServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

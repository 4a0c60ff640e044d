"""The plumbing the loopback stand-ins for the form APIs share (金数据, 问卷星): a threaded HTTP
server on 127.0.0.1 as a context manager, JSON answers, and the scripted faults, one per request:
{"status": 429, "retry_after": "1"}, {"status": 500}, {"drip": 5.0} (a body byte every 5 s)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FaultHandler(BaseHTTPRequestHandler):
    """A handler that answers JSON and plays the next scripted fault, if any."""

    state: Any
    """Holds `faults` (scripted, popped one per request), `log` (paths) and `lock`."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def drip(self, every: float) -> None:
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

    def logged(self) -> dict[str, Any] | None:
        """Log the request's path; the fault scripted for it (None: answer normally)."""
        state = self.state
        with state.lock:
            state.log.append(self.path)
            return state.faults.pop(0) if state.faults else None

    def played(self, fault: dict[str, Any] | None) -> bool:
        """Play the fault, if any; True when it answered the request."""
        if not fault:
            return False
        if "drip" in fault:
            self.drip(fault["drip"])
        else:
            headers = {"Retry-After": fault["retry_after"]} if "retry_after" in fault else None
            self.send_json(fault["status"], {"error": "scripted"}, headers)
        return True


class LoopbackServer:
    """`with Server() as server:`; `server.url` goes into the API's *_API_URL variable.
    Subclasses set `handler` (a request handler class reading its `state` attribute) and pass
    the state: the 金数据 and 问卷星 stand-ins a FaultHandler's (with `faults`, `log` and
    `lock`), the Sheets stand-in its own."""

    handler: type[BaseHTTPRequestHandler]

    def __init__(self, state: Any) -> None:
        self.state = state
        handler = type("Handler", (self.handler,), {"state": state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port!s}"

    def __enter__(self) -> Any:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

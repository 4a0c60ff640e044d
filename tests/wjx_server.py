"""A real HTTP server on 127.0.0.1 answering the 问卷星 OpenAPI as documented, with faults.

POST /openapi/default.aspx?traceid=…&action=… with a JSON body: action 1000001 (the survey's
questions) and 1001002 (answers, page_index from 1, page_size at most 50, else 10). With
`credentials` set, the body's sign is checked (the rule written out again here, independently of
intake/wjx.py) and a wrong one answered as 问卷星 does: HTTP 200 with result false. Faults
(tests/loopback.py), one per request: {"status": 429, "retry_after": "1"}, {"drip": 5.0}…"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.loopback import FaultHandler, LoopbackServer


@dataclass
class WjxState:
    vid: int = 0
    questions: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    faults: list[dict[str, Any]] = field(default_factory=list)
    credentials: tuple[str, str] | None = None
    log: list[str] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def expected_sign(params: dict[str, Any], appkey: str) -> str:
    def text(v: Any) -> str:
        return "" if v is None else ("true" if v else "false") if isinstance(v, bool) else str(v)

    joined = "".join(text(params[k]) for k in sorted(params) if k != "sign" and text(params[k]))
    return hashlib.sha1((joined + appkey).encode()).hexdigest()


class _Handler(FaultHandler):
    state: WjxState

    def do_POST(self) -> None:
        state = self.state
        fault = self.logged()
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        with state.lock:
            state.bodies.append(body)
        if self.played(fault):
            return
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path != "/openapi/default.aspx" or query.get("action") != body.get("action"):
            self.send_json(404, {"result": False, "errormsg": "Not Found"})
            return
        if state.credentials is not None:
            appid, appkey = state.credentials
            signed = {**body, "traceid": query.get("traceid")}
            if body.get("appid") != appid or body.get("sign") != expected_sign(signed, appkey):
                self.send_json(200, {"result": False, "errormsg": "签名错误!"})
                return
        if str(body.get("vid")) != str(state.vid):
            self.send_json(200, {"result": False, "errormsg": "问卷不存在"})
            return
        if body["action"] == "1000001":
            self.send_json(
                200, {"result": True, "data": {"vid": state.vid, "questions": state.questions}}
            )
            return
        size = int(body.get("page_size") or 10)
        size = size if 0 < size <= 50 else 10
        start = (int(body.get("page_index") or 1) - 1) * size
        page = state.answers[start : start + size]
        data = {
            "total_count": len(state.answers),
            "page_index": body.get("page_index"),
            "answers": page,
        }
        self.send_json(200, {"result": True, "data": data})


class WjxServer(LoopbackServer):
    """`with WjxServer() as server:`; `server.url` goes into WJX_API_URL."""

    handler = _Handler
    state: WjxState

    def __init__(self) -> None:
        super().__init__(WjxState())

    def __enter__(self) -> WjxServer:
        super().__enter__()
        return self

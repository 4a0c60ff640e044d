"""One wall-clock limit for a whole HTTP request: connecting, the headers and the body."""

from __future__ import annotations

import socket
import threading
from typing import Any

import requests
from urllib3.exceptions import ReadTimeoutError


class Call:
    """One HTTP request with one wall-clock limit for all of it: connecting, the headers and the
    whole body. requests' own timeout bounds each socket read only, so a server dripping a byte
    every few seconds would hold it for ever; here the request runs in a daemon thread that is
    abandoned (its socket shut) when the limit passes."""

    def __init__(self, session: requests.Session, args: dict[str, Any], limit: float) -> None:
        self.session, self.args, self.limit = session, args, limit
        self.response: requests.Response | None = None
        self.error: BaseException | None = None
        self.done = threading.Event()

    def _run(self) -> None:
        try:
            self.response = self.session.request(**self.args, stream=True, timeout=self.limit)
            self.response.content  # noqa: B018 -- reads the whole body inside the limit
        except requests.ConnectionError as exc:
            # requests reports a read timeout inside the body as a ConnectionError: it is the
            # same timeout as the wall clock's (whichever of the two fires first).
            slow = bool(exc.args) and isinstance(exc.args[0], ReadTimeoutError)
            self.error = requests.Timeout(str(exc)) if slow else exc
        except BaseException as exc:  # handed to the waiting thread
            self.error = exc
        finally:
            self.done.set()

    def result(self) -> requests.Response:
        threading.Thread(target=self._run, name="api-request", daemon=True).start()
        if not self.done.wait(self.limit):
            self._abort()
            raise requests.Timeout(f"no complete answer within {self.limit:.1f} s")
        if self.error is not None:
            raise self.error
        assert self.response is not None
        return self.response

    def _abort(self) -> None:
        """Wake the abandoned thread: shut its socket down (close alone does not wake a read)."""
        raw = getattr(self.response, "raw", None)
        sock = getattr(getattr(raw, "connection", None), "sock", None) or getattr(
            getattr(getattr(getattr(raw, "_fp", None), "fp", None), "raw", None), "_sock", None
        )
        try:
            if sock is not None:
                sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

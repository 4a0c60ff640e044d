"""A function run in a second Python process, for work that two cores halve (PDFs, 50,000
registrations). A plain subprocess fed and read through pipes rather than multiprocessing: fork
is unsafe in a threaded server (`mkdocs serve`), and spawn re-runs the caller's unguarded
__main__ (a script, `python -c`, standard input)."""

from __future__ import annotations

import importlib
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

PACKAGE_ROOT = str(Path(__file__).resolve().parents[__name__.count(".")])
"""The folder that holds the generator package, however deep this module sits in it."""


class WorkerError(RuntimeError):
    """The second process failed; its own error went to standard error."""


_PENDING = object()


class Background:
    """`func(*args)` running in a child process; `result()` waits for and returns its value.
    `func` must be a module-level function; arguments and result travel pickled."""

    def __init__(self, func: Callable[..., Any], *args: Any) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(
                filter(None, [PACKAGE_ROOT, os.environ.get("PYTHONPATH")])
            ),
        }
        self._process = subprocess.Popen(
            [sys.executable, "-c", "from generator.core.worker import _main; _main()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        payload = pickle.dumps((func.__module__, func.__qualname__, args))
        self._output: list[bytes] = []
        self._value: Any = _PENDING
        self._thread = threading.Thread(
            target=lambda: self._output.append(self._process.communicate(payload)[0]), daemon=True
        )
        self._thread.start()

    def result(self) -> Any:
        """The value, waited for once; later calls return the same object."""
        if self._value is _PENDING:
            self._thread.join()
            if self._process.returncode != 0 or not self._output:
                raise WorkerError(
                    f"辅助进程失败（退出码 {self._process.returncode}），详见上方错误信息"
                )
            self._value = pickle.loads(self._output[0])  # our own child's output
        return self._value


class Done:
    """A result already at hand, with the interface of a Background job: callers that may or
    may not hand work to a second process hold either and call `result()`."""

    def __init__(self, value: Any) -> None:
        self._value = value

    def result(self) -> Any:
        return self._value


def _main() -> None:
    module, name, args = pickle.loads(sys.stdin.buffer.read())
    result = getattr(importlib.import_module(module), name)(*args)
    sys.stdout.buffer.write(pickle.dumps(result))
    sys.stdout.buffer.flush()

"""Running crafted files through the real commands: a memory-capped wrapper, the checks every
case must pass, and the crafted data files (tests/test_crafted_files.py, test_crafted_exports.py).

Each case must end within 10 s with exit 1 and one Chinese line naming the file (or the row):
never a signal, a traceback, a hang or more than 500 MB of memory. Every command runs under a
small wrapper that caps its address space (a runaway fails fast instead of swapping) and reports
the peak resident memory of that command alone. The files are made here, at test time.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.intake_support import KEY

TIMEOUT = 10.0
MEMORY_KB = 500 * 1024
ADDRESS_SPACE = 3 * 1024**3
_WRAPPER = """
import resource, subprocess, sys
def cap():
    resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
code = subprocess.run(sys.argv[2:], preexec_fn=cap).returncode
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.stderr.write(f"\\n@peak-kb {peak}\\n")
sys.exit(code if code >= 0 else 128 - code)
"""
BIN = Path(sys.executable).parent
CHINESE = re.compile(r"[\u4e00-\u9fff]")
PROJECT = "data/projects/jinqiu-zhuxue-2012.yml"
PHOTO = "data/recognitions/photos/example-volunteer.png"


@dataclass
class Outcome:
    code: int
    out: str
    err: str
    seconds: float
    peak_kb: int


def guarded(argv: list[str], cwd: Path, **env: str) -> Outcome:
    """Run `argv` in its own process group (killed whole on a hang), under the wrapper."""
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-c", _WRAPPER, str(ADDRESS_SPACE), *argv],
        cwd=cwd,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = child.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        pytest.fail(f"{argv[:3]} ran for more than {TIMEOUT} s")
    seconds = time.monotonic() - started
    err, _, peak = err.rpartition("\n@peak-kb ")
    return Outcome(child.returncode, out, err, seconds, int(peak))


def assert_refused(outcome: Outcome, names: str) -> None:
    """Exit 1, no traceback, a Chinese line naming `names` (a file or a row), in time and memory."""
    assert outcome.code == 1, (outcome.code, outcome.err[-2000:])
    assert "Traceback" not in outcome.err and "Traceback" not in outcome.out, outcome.err[-3000:]
    lines = [line for line in outcome.err.splitlines() if names in line]
    assert lines and all(CHINESE.search(line) for line in lines), outcome.err[-2000:]
    assert outcome.seconds < TIMEOUT
    assert outcome.peak_kb < MEMORY_KB, f"peak {outcome.peak_kb // 1024} MB"


def check(root: Path) -> Outcome:
    return guarded([str(BIN / "volunteers"), "check", "--root", str(root)], root)


def build(root: Path) -> Outcome:
    cache = os.environ.get("VOLUNTEERS_TEST_CACHE", "/tmp/volunteers-test-cache")
    argv = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml")]
    return guarded([*argv, "-d", str(root / "site")], root, VOLUNTEERS_CACHE=cache)


def intake(data: Path, source: Path, *extra: str) -> Outcome:
    argv = [str(BIN / "volunteers"), "intake", "registrations", "--file", str(source)]
    return guarded([*argv, "--data-dir", str(data), *extra], data.parent, INTAKE_HMAC_KEY=KEY)


# --- crafted data files: each takes the file's path and makes it --------------------------------


def deep_brackets(file: Path) -> None:
    file.write_text("description: " + "[" * 60_000 + "\n", encoding="utf-8")


def deep_mappings(file: Path) -> None:
    file.write_text("a: " + "{a: " * 60_000 + "\n", encoding="utf-8")


def deep_indentation(file: Path) -> None:
    file.write_text("".join("  " * i + "-\n" for i in range(600)), encoding="utf-8")


def compact_sequences(file: Path) -> None:
    file.write_text("- " * 60_000 + "x\n", encoding="utf-8")


def billion_laughs(file: Path) -> None:
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 9)]
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")


def zero_device(file: Path) -> None:
    file.unlink(missing_ok=True)
    file.symlink_to("/dev/zero")


def fifo(file: Path) -> None:
    file.unlink(missing_ok=True)
    os.mkfifo(file)


def folder(file: Path) -> None:
    file.unlink(missing_ok=True)
    file.mkdir()


def oversize(file: Path) -> None:
    file.write_text("summary: " + "x" * (2 * 1024 * 1024) + "\n", encoding="utf-8")


DATA_CASES: dict[str, Callable[[Path], None]] = {
    "deep-brackets": deep_brackets,
    "deep-mappings": deep_mappings,
    "deep-indentation": deep_indentation,
    "compact-sequences": compact_sequences,
    "billion-laughs": billion_laughs,
    "symlink-to-dev-zero": zero_device,
    "fifo": fifo,
    "folder": folder,
    "oversize": oversize,
}

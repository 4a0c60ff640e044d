"""Publishing the full-scale site (bench data) to an S3-compatible server on loopback (moto's
server mode) with the real `volunteers publish`: ≤ 60 s the first time, ≤ 5 s when nothing
changed (listing and hashing only). `publish_rows(site)` gives `make bench` its rows; run alone,
this builds the full-scale site first (or takes `--site DIR`, an already built one)."""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.measure import Run, against_reference, reference_figures  # noqa: E402
from bench.synthetic import FULL, generate  # noqa: E402
from tests.s3_server import CREDENTIALS, client, s3_server  # noqa: E402

BUDGET_FIRST_S = 60.0
BUDGET_UNCHANGED_S = 5.0
VOLUNTEERS = Path(sys.executable).parent / "volunteers"

Row = tuple[str, str, str, bool | None]


def cpu_seconds(who: int) -> float:
    """Processor time of this process (RUSAGE_SELF: the loopback server's threads, while the main
    thread waits) or of its finished children (RUSAGE_CHILDREN: the publish command): on a shared
    machine, what the wall clock cannot tell apart."""
    used = resource.getrusage(who)
    return used.ru_utime + used.ru_stime


def publish_once(site: Path, endpoint: str, bucket: str) -> tuple[float, float, str]:
    """Wall seconds, the publish command's processor seconds, and its report line."""
    env = {**os.environ, **CREDENTIALS}
    started = time.perf_counter()
    server = cpu_seconds(resource.RUSAGE_SELF)
    own = cpu_seconds(resource.RUSAGE_CHILDREN)
    command = [str(VOLUNTEERS), "publish", "--site", str(site), "--to", f"s3://{bucket}"]
    result = subprocess.run(
        [*command, "--endpoint", endpoint, "--delete"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"volunteers publish failed: {result.stderr.strip()}")
    own = cpu_seconds(resource.RUSAGE_CHILDREN) - own
    server = cpu_seconds(resource.RUSAGE_SELF) - server
    load = os.getloadavg()[0]
    said = (
        f"{result.stdout.strip()} ({seconds:.1f} s; cpu: publish {own:.1f} s, "
        f"loopback server {server:.1f} s; load {load:.1f})"
    )
    return seconds, own, said


def publish_rows(site: Path) -> list[Row]:
    """The site published twice to a fresh bucket on a loopback server: first, then unchanged."""
    files = [p for p in site.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files) / 1024 / 1024
    buckets: list[str] = []

    def timed(bucket: str) -> Run:
        # The budget counts the publish command's processor time: the loopback server stands in
        # for OSS or COS, whose speed is not ours (its time is printed beside, for information).
        seconds, own, said = publish_once(site, endpoint, bucket)
        print(f"  {said}", flush=True)
        return Run(own, seconds)

    def fresh() -> Run:  # each first publish to a new, empty bucket
        buckets.append(f"bench{len(buckets)}")
        client(endpoint).create_bucket(Bucket=buckets[-1])
        return timed(buckets[-1])

    with s3_server() as endpoint:
        first = against_reference(fresh, 2, "publish, first")
        again = against_reference(lambda: timed(buckets[0]), 2, "publish, nothing changed")
    return [
        reference_figures(
            f"publish to loopback S3, first ({len(files):,} files, {size:.0f} MB)",
            first,
            BUDGET_FIRST_S,
        ),
        reference_figures("publish again, nothing changed", again, BUDGET_UNCHANGED_S),
    ]


def build_full_site(work: Path) -> Path:
    print(f"synthetic data: {FULL} …", flush=True)
    root = generate(work / "full", FULL)
    site = work / "site"
    print("full build …", flush=True)
    config = str(root / "mkdocs.yml")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", config, "-d", str(site)],
        check=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    return site


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--site", type=Path, help="an already built site (default: build one)")
    parser.add_argument("--keep", type=Path, help="build the site into this folder and keep it")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="volunteers-publish-bench-"))
    try:
        site = args.site or build_full_site(work)
        rows = publish_rows(site)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    for name, value, budget, ok in rows:
        print(f"| {name} | {value} | {budget} | {'✓' if ok else '✗'} |")
    return 0 if all(ok is not False for *_, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

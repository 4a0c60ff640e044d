"""Service records at scale (issue 17): 50,000 registrations and 200,000 participations loaded
and validated (≤ 10 s), and one certificate rendered (≤ 1 s).

Usage: .venv/bin/python bench/records_bench.py [--keep DIR]
Each measure is a self-contained function (`records_load`, `certificate_render`) that
bench/run.py may call; both return seconds of CPU time (this process and its children) and of
wall-clock time.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.synthetic import Scale, generate  # noqa: E402

REGISTRATIONS = 50_000
PARTICIPATIONS = 200_000
PER_ACTIVITY = 40
BUDGET_LOAD_S = 10.0
BUDGET_CERTIFICATE_S = 1.0


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def records_project(dest: Path, seed: int = 2017) -> tuple[Path, list[str]]:
    """A project with REGISTRATIONS registrations and PARTICIPATIONS participations of the
    approved ones, PER_ACTIVITY to an activity, each person at most once a day. Returns the
    root and the ids of the approved registrations."""
    from generator.core.errors import Report
    from generator.core.registrations import load_records

    root = generate(dest, Scale(registrations=REGISTRATIONS, projects=10, recognitions=10))
    unions = sorted(p.name for p in (root / "data" / "registrations").iterdir())
    people = load_records(root, set(unions), {"x"}, Report()).people
    approved: dict[str, list[str]] = {}
    for pid, person in people.items():
        if person.status == "approved":
            approved.setdefault(person.union, []).append(pid)
    rng = random.Random(seed)
    folder = root / "data" / "activities"
    folder.mkdir(parents=True, exist_ok=True)
    first = date(2014, 1, 1)
    count = PARTICIPATIONS // PER_ACTIVITY
    for n in range(count):
        union = unions[n % len(unions)]
        chosen = rng.sample(approved[union], PER_ACTIVITY)
        lines = "".join(f"  - {pid}\n" for pid in chosen[1:])
        day = first + timedelta(days=n // len(unions))  # one activity a union a day
        (folder / f"a{n:05d}.yml").write_text(
            f"title: 入户走访{n}\nunion: {union}\ndate: {day}\nplace: 社区{n % 50}\n"
            f"hours: 2.5\nparticipants:\n  - {{id: {chosen[0]}, hours: 3}}\n{lines}",
            encoding="utf-8",
        )
    return root, [pid for ids in approved.values() for pid in ids]


def records_load(root: Path) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of `volunteers check`'s load and validation."""
    from generator.core.validate import load_site

    cpu, wall = _cpu(), time.perf_counter()
    site = load_site(root, scan=True)
    assert sum(len(a.participants) for a in site.activities) == PARTICIPATIONS
    return _cpu() - cpu, time.perf_counter() - wall


def certificate_render(root: Path) -> tuple[float, float, int]:
    """(CPU seconds, wall seconds, lines) of rendering the certificate of the person with the
    most activities (WeasyPrint imported first, as the command has it before it renders; the
    fonts are subset within the measure)."""
    import weasyprint  # noqa: F401

    from generator.core.certificates import Certificate, service_of
    from generator.core.errors import Report
    from generator.core.registrations import load_records
    from generator.core.sourcerow import SourceRow
    from generator.core.validate import load_site
    from generator.paperwork import certificate as cert
    from generator.paperwork.archive import MatchedRecord

    site = load_site(root)
    counts: dict[str, int] = {}
    for activity in site.activities:
        for pid, _ in activity.served():
            counts[pid] = counts.get(pid, 0) + 1
    record_id = max(counts, key=lambda pid: (counts[pid], pid))
    record = next(
        r
        for r in load_records(
            root, set(site.unions), set(site.categories), Report(), keep=True
        ).registrations
        if r.id == record_id
    )
    lines = service_of(site.activities, record_id, None, None)
    issuer = site.campaign.certificates
    assert issuer is not None
    entry = Certificate(
        number="大工志证〔2026〕第0001号", record=record_id, start=lines[0].day,
        end=lines[-1].day, hours=cert.total(lines), issued=date(2026, 11, 30),
        issuer=issuer.issuer, handler="经办人",
    )  # fmt: skip
    number = record.id_masked.replace("*", "0")  # any 18 characters: the layout is measured
    person = MatchedRecord(record, SourceRow(record.row, record.union, record.id_hash, number))
    issue = cert.Issue(entry, person, lines)
    cpu, wall = _cpu(), time.perf_counter()
    pdf = cert.render(site, issuer, issue)
    spent = _cpu() - cpu, time.perf_counter() - wall
    assert pdf.startswith(b"%PDF")
    return spent[0], spent[1], len(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", type=Path, help="keep the generated project in this folder")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="volunteers-records-"))
    try:
        started = time.perf_counter()
        root, _ = records_project(work / "project")
        print(f"synthetic data: {time.perf_counter() - started:.1f} s", flush=True)
        cpu, wall = records_load(root)
        ok = cpu <= BUDGET_LOAD_S
        print(
            f"load + validation, {REGISTRATIONS:,} registrations and {PARTICIPATIONS:,} "
            f"participations: {cpu:.1f} s CPU, {wall:.1f} s wall (budget ≤ {BUDGET_LOAD_S:.0f} s) "
            f"{'ok' if ok else 'OVER'}, load average {os.getloadavg()[0]:.1f} (CPU seconds grow "
            "with it: shared cores run slower)"
        )
        c_cpu, c_wall, lines = certificate_render(root)
        c_ok = c_cpu <= BUDGET_CERTIFICATE_S
        print(
            f"one certificate ({lines} activities): {c_cpu:.2f} s CPU, {c_wall:.2f} s wall "
            f"(budget ≤ {BUDGET_CERTIFICATE_S:.0f} s) {'ok' if c_ok else 'OVER'}"
        )
        return 0 if ok and c_ok else 1
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

"""`volunteers review` on several records: named ids or every one waiting at a level (of a union
or all), a summary first, and every file written or none, even when a rename fails midway."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.staff import batch
from tests.records_factory import registration, write_registration
from tests.reviewsheet_support import run

SIGN = ("--opinion", "同意", "--office", "中山区总工会", "--date", "2012-07-20")


def _files(project: Path) -> dict[str, bytes]:
    folder = project / "data" / "registrations"
    return {p.name: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _setup(project: Path) -> tuple[list[str], list[str]]:
    """Zhongshan: four waiting for the district, one for the unit; xigang: two for the district."""
    zhongshan = [
        write_registration(project, registration("zhongshan", n, ("unit",))).stem
        for n in range(1, 5)
    ]
    write_registration(project, registration("zhongshan", 5))
    xigang = [
        write_registration(project, registration("xigang", n, ("unit",))).stem for n in (6, 7)
    ]
    return zhongshan, xigang


def test_several_ids_are_signed_with_a_summary(project: Path) -> None:
    zhongshan, xigang = _setup(project)
    code, out = run(project, "review", zhongshan[0], xigang[0], "--level", "district", *SIGN)
    assert code == 0, out
    assert out.splitlines() == [
        "区市县总工会、产业工会意见（同意，中山区总工会，2012-07-20），共 2 份登记：",
        f"  {zhongshan[0]}  zhongshan",
        f"  {xigang[0]}  xigang",
        "  xigang：1 份",
        "  zhongshan：1 份",
        "已写入 2 份登记。",
    ]
    code, out = run(project, "stats")
    row = next(line for line in out.splitlines() if "中山区总工会" in line)
    assert "1/3/1" in row


def test_one_refusal_writes_none_and_names_each(project: Path) -> None:
    zhongshan, _ = _setup(project)
    before = _files(project)
    unit_only = next(p.stem for p in (project / "data/registrations/zhongshan").glob("*.yml")
                     if p.stem not in zhongshan)  # fmt: skip
    code, out = run(project, "review", zhongshan[0], unit_only, zhongshan[1], "--level",
                    "district", *SIGN)  # fmt: skip
    assert code == 1
    assert out.splitlines() == [
        f"登记 {unit_only}：尚未签署单位工会意见，不能先签署区市县总工会、产业工会意见",
        "共 1 份登记不能签署；本次未写入任何文件。",
    ]
    assert _files(project) == before
    code, out = run(project, "review", zhongshan[0], "no-such-record", "--level", "district", *SIGN)
    assert code == 1 and "找不到登记 no-such-record" in out
    assert _files(project) == before


def test_a_union_waiting_at_a_level(project: Path) -> None:
    zhongshan, _ = _setup(project)
    code, out = run(project, "review", "--union", "zhongshan", "--pending", "--level", "district",
                    *SIGN, "--dry-run")  # fmt: skip
    assert code == 0 and "共 4 份登记" in out and "（--dry-run：未写入任何文件）" in out
    before = _files(project)
    code, out = run(project, "review", "--union", "zhongshan", "--pending", "--level", "district",
                    *SIGN)  # fmt: skip
    assert code == 0, out
    assert "  zhongshan：4 份" in out and "已写入 4 份登记。" in out
    changed = {name for name, data in _files(project).items() if before[name] != data}
    assert changed == {f"{i}.yml" for i in zhongshan}
    code, out = run(project, "review", "--union", "zhongshan", "--pending", "--level", "district",
                    *SIGN)  # fmt: skip
    assert (
        code == 0
        and out.strip() == "没有在区市县总工会、产业工会意见一级等待审核的登记，未写入任何文件。"
    )
    code, out = run(project, "review", "--union", "zhongshan", "--level", "unit", *SIGN)
    assert code == 1 and "--union 须与 --pending 同用" in out
    code, out = run(project, "review", "--level", "unit", *SIGN)
    assert code == 1 and "请列出登记编号，或用 --pending" in out


def test_a_failed_rename_puts_every_file_back(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _setup(project)
    before = _files(project)
    real = os.replace
    calls = []

    def flaky(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 3:  # the third rename: two files are already replaced
            raise OSError(28, "No space left on device", src)
        real(src, dst)

    monkeypatch.setattr(batch.os, "replace", flaky)
    code, out = run(project, "review", "--pending", "--level", "district", *SIGN)
    assert code == 1
    assert out.startswith("错误：无法读写 ") and out.strip().endswith(
        "：磁盘空间不足；本次未写入任何文件"
    )
    assert len(out.splitlines()) == 1
    assert _files(project) == before  # the two replaced files have their old bytes back
    leftovers = [p for p in (project / "data").rglob(".*.tmp")]
    assert leftovers == []


def test_the_real_command_refuses_a_second_review_at_once(project: Path) -> None:
    zhongshan, _ = _setup(project)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; from generator.staff.batch import review_lock\n"
         "with review_lock(Path(sys.argv[1])):\n print('held', flush=True); time.sleep(30)",
         str(project)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        volunteers = Path(sys.executable).with_name("volunteers")
        result = subprocess.run(
            [str(volunteers), "review", zhongshan[0], "--level", "district", *SIGN,
             "--root", str(project)],
            capture_output=True, text=True, check=False, timeout=60,
        )  # fmt: skip
    finally:
        holder.kill()
        holder.communicate()
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "错误：另一个审核命令正在写入登记，请等它结束后再运行；本次未写入任何文件"
    )

"""Intake's four outcomes are named in one place: the report and the summary line use it."""

from __future__ import annotations

import pytest

from intake import pipeline, report
from intake.pipeline import DUPLICATE, EXISTING, REJECTED, WRITTEN, RunResult


def _result() -> RunResult:
    result = RunResult(kind="registrations", source="sheet.csv", rows=10)
    for union, outcome, n in [
        ("zhongshan", WRITTEN, 3),
        ("zhongshan", EXISTING, 4),
        ("xigang", DUPLICATE, 2),
        ("", REJECTED, 1),
    ]:
        result.counts[union, outcome] = n
    return result


def test_summary_reads_the_labels() -> None:
    assert _result().summary() == "新导入 3，已导入过 4，重复 2，有误 1"
    assert _result().summary(WRITTEN, REJECTED) == "新导入 3，有误 1"


def test_report_takes_its_labels_from_outcome_labels(monkeypatch: pytest.MonkeyPatch) -> None:
    renamed = {WRITTEN: "甲", EXISTING: "乙", DUPLICATE: "丙", REJECTED: "丁"}
    for outcome, label in renamed.items():
        monkeypatch.setitem(pipeline.OUTCOME_LABELS, outcome, label)
    text = report.render(_result())
    assert "甲 3，乙 4，丙 2，丁 1。" in text
    assert "| 工会 | 甲 | 乙 | 丙 |" in text
    assert "已导入过" not in text

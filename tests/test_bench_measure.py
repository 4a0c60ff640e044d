"""The bench's measuring helpers: ratios to the reference workload as the median of interleaved
pairs, and no report row with a budget in seconds (issue 18, "budgets that hold on a busy
machine")."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bench import measure
from bench.measure import (
    REFERENCE,
    REFERENCE_DIGEST,
    REFERENCE_QUIET_S,
    Pairs,
    Row,
    Run,
    against_reference,
    cpu_row,
    reference_figures,
    reference_row,
)


def _runs(*cpu: float) -> list[Run]:
    return [Run(c, c * 3) for c in cpu]


def test_ratio_is_the_median_of_the_per_pair_ratios() -> None:
    # Pair ratios 2, 3 and 10 (a neighbour slowed the third "ours" run): the median is 3. The
    # ratio of the medians would be 4 / 2 = 2, and their mean 5: neither is what is asked.
    pairs = Pairs(_runs(1, 2, 1), _runs(2, 6, 10))
    assert pairs.ratio() == pytest.approx(3.0)
    assert pairs.ratio("wall_s") == pytest.approx(3.0)
    assert pairs.median("ours") == 6
    assert pairs.median("reference", "wall_s") == 3
    # With an even count the median is the mean of the middle two.
    assert Pairs(_runs(1, 1), _runs(2, 4)).ratio() == pytest.approx(3.0)


def test_ratio_needs_as_many_runs_on_each_side() -> None:
    with pytest.raises(ValueError):
        Pairs(_runs(1, 1), _runs(2)).ratio()


def test_pairs_run_the_reference_then_ours_in_turns() -> None:
    order: list[str] = []
    cpu = iter([1.0, 2.0, 1.5, 4.5, 2.0, 5.0])

    def side(name: str) -> Run:
        order.append(name)
        return Run(next(cpu), 0.1)

    pairs = against_reference(lambda: side("ours"), 3, yardstick=lambda: side("reference"))
    assert order == ["reference", "ours"] * 3
    assert [r.cpu_s for r in pairs.reference] == [1.0, 1.5, 2.0]
    assert [r.cpu_s for r in pairs.ours] == [2.0, 4.5, 5.0]
    assert pairs.ratio() == pytest.approx(2.5)  # ratios 2, 3, 2.5


@pytest.mark.parametrize(
    "budget", ["≤ 10 s", "≤ 16 CPU s", "≤ 50 ms", "≤ 0.5s", "≤ 5 秒", "≤ 1 min", "< 60 s wall"]
)
def test_a_row_refuses_a_budget_in_seconds(budget: str) -> None:
    with pytest.raises(ValueError, match="absolute time budget"):
        Row("intake", "6.1 s", budget, True)


@pytest.mark.parametrize(
    "budget", ["", "≤ ×1.5", "≤ ×6.67 ref", "≤ 1024 MB", "≤ 2 KB/row", "< 5%", "0", "none"]
)
def test_a_row_takes_ratios_sizes_counts_and_shares(budget: str) -> None:
    assert Row("x", "1", budget, True).budget == budget


def test_cpu_seconds_are_information_only() -> None:
    row = cpu_row("the floor itself", 3.04, 40.6)
    assert (row.value, row.budget, row.ok, row.wall) == ("3.0 CPU s", "", None, "40.6 s")
    with pytest.raises(TypeError):
        cpu_row("intake", 6.1, 7.0, 10.0)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        cpu_row("intake", 6.1, 7.0, limit=10.0)  # type: ignore[call-arg]


def test_a_budget_in_seconds_becomes_a_ratio_to_the_reference() -> None:
    # A budget of B seconds on a quiet machine is B / REFERENCE_QUIET_S times the reference.
    limit = 10.0 / REFERENCE_QUIET_S
    inside = Pairs(_runs(2.0, 2.0, 2.0), _runs(2 * limit * 0.95, 2 * limit * 0.9, 9e9))
    over = Pairs(_runs(2.0, 2.0, 2.0), _runs(2 * limit * 1.05, 2 * limit * 1.1, 0.0))
    row = reference_row("intake / reference", inside, 10.0)
    assert row.ok is True
    assert row.budget == f"≤ ×{limit:.3g} ref"
    assert row.value == f"×{limit * 0.95:.3g} ref"
    assert "CPU s" in row.wall and "3 pairs" in row.wall
    assert reference_row("intake / reference", over, 10.0).ok is False
    info = reference_row("information", inside, None)
    assert (info.budget, info.ok) == ("", None)
    name, value, budget, ok = reference_figures("review: export", over, 10.0)
    assert name.startswith("review: export (") and "reference" in name
    assert (value, budget, ok) == (f"×{limit * 1.05:.3g} ref", f"≤ ×{limit:.3g} ref", False)


def test_the_report_has_no_time_budget_column() -> None:
    table = measure.report([Row("a", "×1.2", "≤ ×1.5", True, "1 CPU s"), Row("b", "3")])
    assert "| a | ×1.2 | ≤ ×1.5 | ok | 1 CPU s |" in table
    assert "| b | 3 |  |  |  |" in table


def test_the_reference_workload_does_the_same_work_every_run() -> None:
    """The real workload in a new process, measured by `measure.reference`: the calibrated
    digest, so a changed library (a different yardstick) fails here and asks for calibrating
    again; a smaller run twice gives one digest."""
    run = measure.reference()
    assert run.code == 0 and run.cpu_s > 0 and run.stdout.strip() == REFERENCE_DIGEST
    small = [
        subprocess.run(
            [sys.executable, str(REFERENCE), "--records", "50"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for _ in range(2)
    ]
    assert small[0] == small[1] and small[0].strip() != REFERENCE_DIGEST

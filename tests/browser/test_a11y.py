"""Accessibility: axe-core in Chromium on every kind of page, no serious or critical violation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import axe_playwright_python
import pytest

from tests.browser.conftest import PAGE_KINDS, Tab

pytestmark = pytest.mark.browser

# axe-core's own minified build, as shipped inside the pinned PyPI package (no CDN, no download).
AXE = Path(axe_playwright_python.__file__).with_name("axe.min.js")
BLOCKING = {"serious", "critical"}


def run_axe(tab: Tab) -> list[dict[str, Any]]:
    """axe's default rule set: WCAG 2.x A and AA and its best practices, colour contrast included."""
    tab.page.add_script_tag(path=AXE)
    result = tab.page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return result["violations"]


def describe(violations: list[dict[str, Any]]) -> list[str]:
    """One line per violated rule: its id and impact, and up to three offending selectors."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
        for v in violations
    ]


@pytest.mark.parametrize(("name", "path"), PAGE_KINDS, ids=[n for n, _ in PAGE_KINDS])
def test_no_serious_accessibility_violation(tab: Tab, name: str, path: str) -> None:
    tab.open(path)
    violations = [v for v in run_axe(tab) if v["impact"] in BLOCKING]
    assert not violations, f"{name}: " + "\n".join(describe(violations))

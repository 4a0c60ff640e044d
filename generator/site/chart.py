"""Progress bars drawn as SVG at build time (no script, no outside request); the same figures
are always given as a table beside it, so the chart is hidden from screen readers."""

from __future__ import annotations

from xml.sax.saxutils import escape

from generator.core.progress import UnionProgress

WIDTH = 320
ROW = 38
BAR = 10
APPROVED = "#a31515"
PENDING = "#e3a3a3"
TRACK = "#ececec"
INK = "#222222"


def progress_svg(rows: list[UnionProgress], title: str) -> str:
    """One labelled bar per union: approved (dark) and pending (light) against the quota."""
    height = ROW * len(rows) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-hidden="true" class="progress-chart" font-size="12" '
        f'font-family="sans-serif"><title>{escape(title)}</title>'
    ]
    for i, row in enumerate(rows):
        y = i * ROW + 4
        label = f"{row.union.name}"
        figures = f"{row.approved}/{row.quota}（{row.percent:.1f}%）"
        done = min(row.approved, row.quota) / row.quota if row.quota else 0.0
        waiting = (
            min(row.pending, max(row.quota - row.approved, 0)) / row.quota if row.quota else 0.0
        )
        parts += [
            f'<text x="0" y="{y + 13}" fill="{INK}">{escape(label)}</text>',
            f'<text x="{WIDTH}" y="{y + 13}" fill="{INK}" text-anchor="end">{escape(figures)}</text>',
            f'<rect x="0" y="{y + 19}" width="{WIDTH}" height="{BAR}" rx="2" fill="{TRACK}"/>',
        ]
        if waiting:
            parts.append(
                f'<rect x="{done * WIDTH:.1f}" y="{y + 19}" width="{waiting * WIDTH:.1f}" height="{BAR}" fill="{PENDING}"/>'
            )
        if done:
            parts.append(
                f'<rect x="0" y="{y + 19}" width="{done * WIDTH:.1f}" height="{BAR}" rx="2" fill="{APPROVED}"/>'
            )
    parts.append("</svg>")
    return "".join(parts)

"""The score chart: an inline SVG bar chart (HTML) and a text bar chart (Markdown).

Each scale is one row: a bar from the bottom of the answer range to the team mean, a line for
the spread (mean minus and plus one standard deviation, clipped to the range) and the
interpretation bands of the scale shaded behind it. Withheld scales show the word only.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

from coachassist.i18n import Lang, t
from coachassist.report.common import Range, number

if TYPE_CHECKING:
    from coachassist.report.view import ChartRow

WIDTH, VALUE_W, ROW, TOP, BOTTOM = 720, 110, 30, 8, 28
CHAR_W = 6.8  # average width of a 12px sans-serif character, to size the label column
BAND_FILLS = ("#f4d3ce", "#fbeac2", "#d8eed8")  # low (concern) .. high (strength)
BAR_FILL, SPREAD_STROKE, INK = "#2f5d8a", "#111111", "#222222"
TEXT_WIDTH = 24
EIGHTHS = " ▏▎▍▌▋▊▉█"


def svg(rows: list[ChartRow], lang: Lang) -> str:
    ranges = [row.range for row in rows]
    low = min((r.low for r in ranges), default=1.0)
    high = max((r.high for r in ranges), default=5.0)
    height = TOP + ROW * len(rows) + BOTTOM
    longest = max((len(row.name) for row in rows), default=10)
    label_w = round(min(max(longest * CHAR_W + 16, 120), WIDTH / 2))
    x1 = WIDTH - VALUE_W

    def x(value: float) -> float:
        span = high - low or 1.0
        return round(label_w + (min(max(value, low), high) - low) / span * (x1 - label_w), 1)

    title = escape(t("report.scores.chart", lang))
    parts = [
        f'<svg class="chart" role="img" aria-label="{title}" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" font-family="sans-serif" font-size="12">',
        f"<title>{title}</title>",
    ]
    for index, (score, rng) in enumerate(zip(rows, ranges, strict=True)):
        y = TOP + index * ROW
        parts += _bands(rng, y, x)
        middle = y + ROW / 2
        parts.append(
            f'<text x="{label_w - 8}" y="{middle + 4}" text-anchor="end" fill="{INK}">'
            f"{escape(score.name)}</text>"
        )
        if score.mean is None:
            value = escape(t("report.scores.withheld", lang))
            parts.append(
                f'<text x="{label_w + 6}" y="{middle + 4}" fill="{INK}" '
                f'font-style="italic">{value}</text>'
            )
            continue
        parts.append(
            f'<rect x="{label_w}" y="{middle - 6}" width="{x(score.mean) - label_w}" '
            f'height="12" fill="{BAR_FILL}"/>'
        )
        if score.sd is not None:
            left, right = x(score.mean - score.sd), x(score.mean + score.sd)
            parts.append(
                f'<path d="M{left} {middle - 5}V{middle + 5}M{left} {middle}H{right}'
                f'M{right} {middle - 5}V{middle + 5}" stroke="{SPREAD_STROKE}" '
                'stroke-width="1.5" fill="none"/>'
            )
        spread = f" ± {number(score.sd, lang)}" if score.sd is not None else ""
        parts.append(
            f'<text x="{x1 + 8}" y="{middle + 4}" fill="{INK}">'
            f"{escape(number(score.mean, lang) + spread)}</text>"
        )
    axis_y = TOP + ROW * len(rows)
    parts.append(f'<path d="M{label_w} {axis_y}H{x1}" stroke="{INK}" stroke-width="1"/>')
    tick, step = low, max(1.0, float(math.ceil((high - low) / 10)))  # at most ~11 ticks
    while tick <= high + 1e-9:
        parts.append(
            f'<path d="M{x(tick)} {axis_y}V{axis_y + 4}" stroke="{INK}"/>'
            f'<text x="{x(tick)}" y="{axis_y + 17}" text-anchor="middle" fill="{INK}">'
            f"{number(tick, lang, 0)}</text>"
        )
        tick += step
    parts.append("</svg>")
    return "\n".join(parts)


def _bands(rng: Range, y: float, x: Callable[[float], float]) -> list[str]:
    shapes = []
    count = len(rng.bands)
    for index, (start, end, name) in enumerate(rng.bands):
        fill = BAND_FILLS[round(index * (len(BAND_FILLS) - 1) / max(count - 1, 1))]
        shapes.append(
            f'<rect x="{x(start)}" y="{y + 2}" width="{max(x(end) - x(start), 0)}" '
            f'height="{ROW - 4}" fill="{fill}"><title>{escape(name)}</title></rect>'
        )
    return shapes


def text(rows: list[ChartRow], lang: Lang) -> str:
    """A bar chart in plain characters, for a fenced code block."""
    names = [" ".join(row.name.split()) for row in rows]
    pad = max((len(n) for n in names), default=0)
    lines = []
    for score, name in zip(rows, names, strict=True):
        rng = score.range
        low, high = number(rng.low, lang, 0), number(rng.high, lang, 0)
        if score.mean is None:
            bar = " " * TEXT_WIDTH
            value = t("report.scores.withheld", lang)
        else:
            share = (score.mean - rng.low) / ((rng.high - rng.low) or 1.0)
            bar = _blocks(min(max(share, 0.0), 1.0) * TEXT_WIDTH)
            value = number(score.mean, lang)
            if score.sd is not None:
                value += f" ± {number(score.sd, lang)}"
            if score.polarised:
                value += f" ({t('report.scores.polarised', lang)})"
        lines.append(f"{name.ljust(pad)}  {low} |{bar}| {high}  {value}")
    return "\n".join(lines)


def _blocks(cells: float) -> str:
    whole = int(cells)
    eighth = round((cells - whole) * 8)
    if eighth == 8:
        whole, eighth = whole + 1, 0
    partial = EIGHTHS[eighth] if eighth and whole < TEXT_WIDTH else ""
    return ("█" * whole + partial).ljust(TEXT_WIDTH)

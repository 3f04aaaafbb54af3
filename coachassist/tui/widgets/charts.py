"""Terminal charts for the results screen, as Rich ``Text`` (no widgets, cheap to draw).

- ``score_bars``: one row per scale: the mean as a filled bar on the answer range, the spread
  (mean ± 1 standard deviation) shaded around its end, the number, and the band.
- ``pyramid``: the five levels of the team pyramid, level 5 on top, flagged levels coloured
  by the most severe finding on that level.
"""

from __future__ import annotations

from rich.text import Text

from coachassist.diagnosis import Finding, ScaleScore
from coachassist.kb.models import SEVERITY_RANK, Dysfunction
from coachassist.tui.render import clean

NAME_WIDTH = 30
BAR_WIDTH = 18
BLOCK_BASE = 6
BLOCK_STEP = 4
BAND_STYLES = ("bold red", "bold yellow", "bold green")
SEVERITY_STYLES = {
    "high": "bold white on red",
    "medium": "bold black on yellow",
    "low": "black on cyan",
}


def band_style(score: ScaleScore, bands: list[str]) -> str:
    """Colour by the band's position: the lowest band red, the middle yellow, the rest green."""
    if score.band is None or score.band.en not in bands:
        return "bold"
    index = bands.index(score.band.en)
    return BAND_STYLES[min(index, len(BAND_STYLES) - 1)]


def bar(mean: float, sd: float | None, low: float, high: float, width: int = BAR_WIDTH) -> Text:
    """``█`` up to the mean, ``▒`` across mean ± sd, ``·`` for the rest of the range."""
    text = Text()
    spread = sd or 0.0
    for cell in range(width):
        value = low + (high - low) * (cell + 0.5) / width
        in_spread = mean - spread <= value <= mean + spread
        if value <= mean:
            text.append("▓" if in_spread and spread else "█", "cyan")
        elif in_spread:
            text.append("▒", "cyan")
        else:
            text.append("·", "dim")
    return text


def score_bars(
    scores: list[ScaleScore],
    bands: dict[str, list[str]],
    low: float,
    high: float,
    lang: str,
    withheld: str,
    polarised: str,
) -> Text:
    """One row per scale; a name too long for its column gets a line of its own above."""
    rows = Text()
    for score in scores:
        name = score.name(lang)
        if len(name) > NAME_WIDTH:
            rows.append(name + "\n", "bold")
            name = ""
        rows.append(f"{name:<{NAME_WIDTH}} ", "bold")
        if score.mean is None:
            rows.append(f"{'':{BAR_WIDTH}} ")
            rows.append(f"— {withheld}", "italic dim")
        else:
            rows.append_text(bar(score.mean, score.sd, low, high))
            one = (score.n or 0) < 2  # a single respondent has no spread to show
            spread = f" ±{score.sd:.1f}" if score.sd is not None and not one else ""
            rows.append(f" {score.mean:.1f}{spread:<5} ")
            if score.band is not None:
                rows.append(score.band(lang), band_style(score, bands.get(score.scale, [])))
            if score.polarised:
                rows.append(f" ⇅ {polarised}", "magenta")
        rows.append("\n")
    rows.rstrip()
    return clean(rows)


def pyramid(
    dysfunctions: list[Dysfunction],
    findings: list[Finding],
    lang: str,
    severity_names: dict[str, str],
) -> Text:
    """Level 5 on top; each level a block (wider towards the base) with its name beside it."""
    names = {d.level: d.name(lang) for d in dysfunctions if d.level}
    worst: dict[int, str] = {}
    for finding in findings:
        if finding.level and finding.severity:
            current = worst.get(finding.level)
            if current is None or SEVERITY_RANK[finding.severity] > SEVERITY_RANK[current]:
                worst[finding.level] = finding.severity
    tag_width = max(len(name) for name in severity_names.values()) + 3
    widest = BLOCK_BASE + BLOCK_STEP * 4
    rows: list[Text] = []
    for level in range(5, 0, -1):
        width = BLOCK_BASE + BLOCK_STEP * (5 - level)
        indent = (widest - width) // 2
        severity = worst.get(level)
        row = Text(" " * indent)
        row.append(f"{level:^{width}}", SEVERITY_STYLES[severity] if severity else "on grey23")
        row.append(" " * (widest - width - indent + 2))
        tag = f"● {severity_names[severity]}" if severity else ""
        row.append(f"{tag:<{tag_width}}", "bold")
        row.append(names.get(level, ""), "bold" if severity else "")
        rows.append(row)
    return clean(Text("\n").join(rows))

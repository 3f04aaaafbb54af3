"""One self-contained HTML overview across teams: a heat map of teams x scales, the findings
per team, and a trend arrow where a team's earlier scan exists.

Like the reports: inline CSS, no scripts, no external URLs (a Content-Security-Policy of
``default-src 'none'``), every text escaped. Every figure comes from a team's Diagnosis (and a
trend from ``compare.scale_changes`` over two Diagnoses), so a withheld figure stays withheld.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from coachassist import __version__
from coachassist.batch import TeamResult
from coachassist.compare import ScaleChange
from coachassist.i18n import Lang, t
from coachassist.kb.loader import KnowledgeBase
from coachassist.report.common import number
from coachassist.report.html import CSP, e, tag

ARROWS = {"improved": "↑", "declined": "↓", "within_noise": "→"}
CSS = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1b1b1b; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table.heat { border-collapse: collapse; font-size: 0.85rem; }
table.heat th, table.heat td { border: 1px solid #ccc; padding: 0.25rem 0.4rem; }
table.heat th.scale { writing-mode: vertical-rl; transform: rotate(180deg); max-height: 12rem; }
table.heat td.v { text-align: right; min-width: 3.2rem; }
td.withheld { color: #555; font-style: italic; background: #eee; }
.arrow { font-weight: bold; margin-left: 0.2rem; }
.legend, .meta { color: #444; font-size: 0.85rem; max-width: 50rem; }
.team { margin: 0.8rem 0; } .team h3 { font-size: 1rem; margin: 0; }
.sev-high { color: #8b0000; } .sev-medium { color: #8a5a00; } .sev-low { color: #235; }
ul.errors { color: #8b0000; }
p.warning { border: 3px solid #8b0000; color: #8b0000; font-weight: bold; padding: 0.5rem; }
@media print { body { margin: 0; } }
"""


@dataclass(frozen=True)
class OverviewTeam:
    result: TeamResult
    trend: Mapping[str, ScaleChange]  # scale -> change since the team's previous scan
    earlier_few: bool = False  # the previous scan's figures may rest on fewer than 3 people

    @property
    def few_people(self) -> bool:
        """This team's figures, or its previous scan's behind the trend, may rest on fewer
        than three people (a threshold below 3 or a lead's self-scan)."""
        dx = self.result.diagnosis
        return self.earlier_few or bool(dx and (dx.privacy.low_threshold or dx.privacy.self_scan))


def colour(mean: float, low: float = 1.0, high: float = 5.0) -> str:
    """Red (low) through yellow to green (high), light enough for black text."""
    share = min(max((mean - low) / (high - low), 0.0), 1.0)
    return f"hsl({round(share * 120)}, 70%, 78%)"


def overview_html(
    kb: KnowledgeBase, teams: Sequence[OverviewTeam], errors: Sequence[str], lang: Lang
) -> str:
    scales = _scales(kb, teams)
    shown = [team for team in teams if team.result.diagnosis]
    body = [
        tag("h1", e(t("overview.title", lang, n=len(shown)))),
        _warning(shown, lang),
        tag("p", e(t("overview.legend", lang)), "legend"),
        tag("h2", e(t("overview.heatmap", lang))),
        _heatmap(scales, shown, lang),
        tag("h2", e(t("overview.findings", lang))),
        "".join(_findings(team, lang) for team in shown),
    ]
    if errors:
        items = "".join(tag("li", e(err)) for err in errors)
        body += [tag("h2", e(t("overview.errors", lang))), tag("ul", items, "errors")]
    body.append(tag("p", e(f"coachassist {__version__}"), "meta"))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{e(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(t('overview.title', lang, n=len(shown)))}</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )


def _warning(teams: Sequence[OverviewTeam], lang: Lang) -> str:
    """A loud warning naming the teams whose figures may rest on fewer than three people: a
    threshold below 3 (coach's eyes only, as in the coach report) or a lead's self-scan (the
    lead's own answers); empty when there are none."""
    few = [team.result.team for team in teams if team.few_people]
    if not few:
        return ""
    return tag("p", e(t("overview.low_threshold", lang, teams=", ".join(few))), "warning")


def _scales(kb: KnowledgeBase, teams: Sequence[OverviewTeam]) -> list[str]:
    """Every scale any team was scanned on, in questionnaire order."""
    used = {
        s.scale for team in teams if team.result.diagnosis for s in team.result.diagnosis.scores
    }
    found: list[str] = []
    for qn in kb.by_purpose("scan"):
        found += [s.id for s in qn.scales if s.id in used and s.id not in found]
    return found


def _heatmap(scales: list[str], teams: Sequence[OverviewTeam], lang: Lang) -> str:
    head = f'<th scope="col">{e(t("overview.team", lang))}</th>'
    head += f'<th scope="col">{e(t("overview.respondents", lang))}</th>'
    names = _names(teams, lang)
    head += "".join(
        f'<th scope="col" class="scale">{e(names.get(sid, sid))}</th>' for sid in scales
    )
    rows = []
    for team in teams:
        dx = team.result.diagnosis
        assert dx is not None
        cells = f'<th scope="row">{e(team.result.team)}</th><td class="v">{dx.respondents}</td>'
        if not dx.privacy.team_shown:
            text = t("overview.withheld", lang, k=dx.min_group)
            cells += f'<td class="withheld" colspan="{len(scales)}">{e(text)}</td>'
        else:
            by_scale = {s.scale: s for s in dx.scores}
            cells += "".join(_cell(by_scale.get(sid), team.trend.get(sid), lang) for sid in scales)
        rows.append(f"<tr>{cells}</tr>")
    return tag("table", f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody>", "heat")


def _names(teams: Sequence[OverviewTeam], lang: Lang) -> dict[str, str]:
    return {
        s.scale: s.name(lang)
        for team in teams
        if team.result.diagnosis
        for s in team.result.diagnosis.scores
    }


def _cell(score: object, change: ScaleChange | None, lang: Lang) -> str:
    mean = getattr(score, "mean", None)
    if mean is None:
        return '<td class="v withheld"></td>'
    arrow = ""
    if change is not None and change.verdict in ARROWS and change.change is not None:
        label = f"{t(f'compare.verdict.{change.verdict}', lang)} ({change.change:+.2f})"
        arrow = f'<span class="arrow" title="{e(label)}">{ARROWS[change.verdict]}</span>'
    return f'<td class="v" style="background:{colour(mean)}">{e(number(mean, lang))}{arrow}</td>'


def _findings(team: OverviewTeam, lang: Lang) -> str:
    dx = team.result.diagnosis
    assert dx is not None
    title = tag("h3", e(team.result.team))
    if not dx.privacy.team_shown:
        return tag("div", title + tag("p", e(t("overview.withheld", lang, k=dx.min_group))), "team")
    if not dx.findings:
        return tag("div", title + tag("p", e(t("overview.no_findings", lang))), "team")
    items = "".join(
        tag("li", e(f"{f.name(lang)} ({t(f'severity.{f.severity}', lang)})"), f"sev-{f.severity}")
        for f in dx.findings
    )
    return tag("div", title + tag("ul", items), "team")

"""The report as one self-contained HTML file, laid out from a ReportView: inline CSS and SVG,
no scripts, no external URLs.

A Content-Security-Policy of ``default-src 'none'`` makes sure the browser loads nothing else.
Every text is escaped (``e``); ``@media print`` and ``@page { size: A4 }`` make it print well.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from coachassist import __version__
from coachassist.report import chart
from coachassist.report.plan_view import PlanView
from coachassist.report.view import SECTIONS, FindingView, ReportView, Table

CSS = Path(__file__).with_name("report.css")
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def e(text: object) -> str:
    return escape(str(text), quote=True)


def tag(name: str, content: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<{name}{attr}>{content}</{name}>"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], cls: str = "") -> str:
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return tag("table", f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody>", cls)


def _table(value: Table, cls: str = "") -> str:
    return table(value.header, value.rows, cls)


def render(view: ReportView) -> str:
    toc = "".join(
        f'<li><a href="#{key}">{e(view.section_titles[key])}</a></li>' for key in SECTIONS
    )
    banners = "".join(tag("p", e(b), "banner") for b in view.banners)
    body = [
        "<header>"
        + tag("h1", e(view.title))
        + banners
        + "".join(tag("p", e(m), "meta") for m in view.meta),
        f'<nav class="toc" aria-label="{e(view.contents)}"><ol>{toc}</ol></nav>',
        "</header>",
        _section(view, "context", _context(view)),
        _section(view, "respondents", _respondents(view)),
        _section(view, "scores", _scores(view)),
        _section(view, "findings", _findings(view)),
        _section(view, "plan", plan_html(view.plan)),
        _section(view, "open", _open(view)),
        _section(view, "notes", _notes(view)),
        f"<footer>{e(view.footer)}</footer>",
    ]
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{e(view.lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="coachassist {e(__version__)}">\n'
        f"<title>{e(view.title)}</title>\n<style>\n{CSS.read_text(encoding='utf-8')}</style>\n"
        f'</head>\n<body class="{e(view.audience)}">\n<main>\n'
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )


def _section(view: ReportView, key: str, content: str) -> str:
    return f'<section id="{key}">{tag("h2", e(view.section_titles[key]))}{content}</section>'


def _context(view: ReportView) -> str:
    parts = []
    if view.question:
        label = tag("p", e(view.question_label), "label")
        quote = f"<blockquote>{e(view.question)}</blockquote>"
        parts.append(f'<figure class="question">{label}{quote}</figure>')
    if view.context:
        parts.append(_table(view.context, "context"))
    elif not view.question:
        parts.append(tag("p", e(view.context_none)))
    return "".join(parts)


def _respondents(view: ReportView) -> str:
    return (
        tag("p", e(view.respondents))
        + _table(view.roles, "narrow")
        + tag("p", e(view.anonymity), "note")
    )


def _scores(view: ReportView) -> str:
    if view.scores is None:
        return tag("p", e(view.scores_none))
    caption = tag("figcaption", e(view.scores_intro))
    parts = [f'<figure class="chart">{chart.svg(view.chart, view.lang)}{caption}</figure>']
    parts.append(_table(view.scores, "scores"))
    parts += [tag("p", e(note), "note") for note in view.score_notes]
    if view.gaps:
        parts += [tag("h3", e(view.gaps_heading)), _table(view.gaps, "gaps")]
    return "".join(parts)


def _findings(view: ReportView) -> str:
    parts = [] if view.findings else [tag("p", e(view.findings_none))]
    parts += [_finding(view, finding, "h3") for finding in view.findings]
    if view.signals:
        parts.append(tag("h3", e(view.signals_heading)))
        parts.append(tag("p", e(view.signals_intro), "note"))
        parts += [_finding(view, signal, "h4") for signal in view.signals]
    if view.rejected:
        parts.append(tag("h3", e(view.rejected_heading)))
        parts.append(tag("p", e(view.rejected_intro), "note"))
        parts += [_finding(view, finding, "h4") for finding in view.rejected]
    return "".join(parts)


def _finding(view: ReportView, finding: FindingView, heading: str) -> str:
    parts = [tag(heading, e(finding.name))]
    if finding.meta:
        parts.append(tag("p", e(finding.meta), f"meta severity-{e(finding.severity or '')}"))
    if finding.explanation:
        parts.append(tag("p", e(finding.explanation)))
    items = [tag("li", e(reason)) for reason in finding.reasons]
    for evidence in finding.evidence:
        rule = tag("span", e(evidence.rules), "rule")
        conditions = "".join(
            tag("li", e(c.text) + _verdict(view, c.verdict), c.verdict) for c in evidence.conditions
        )
        items.append(tag("li", f"{e(evidence.text)} {rule}" + tag("ul", conditions)))
    if items:
        parts.append(tag("p", e(view.why), "label"))
        parts.append(tag("ul", "".join(items), "evidence"))
    return tag("article", "".join(parts), f"finding {e(finding.kind)}")


def _verdict(view: ReportView, verdict: str) -> str:
    word = view.verdicts.get(verdict)
    return f" ({e(word)})" if word else ""


def plan_html(view: PlanView) -> str:
    parts = [tag("p", e(view.constraints), "meta")]
    parts += [tag("p", e(message), "message") for message in view.messages]
    if not view.sessions:
        parts.append(tag("p", e(view.no_sessions)))
    for session in view.sessions:
        inner = [tag("h3", e(session.title))]
        inner += [tag("p", e(line), "meta") for line in session.lines]
        inner.append(table(view.columns, [row.cells for row in session.rows], "overview"))
        for row in session.rows:
            block = [tag("h4", e(row.title)), tag("p", e(row.why), "why")]
            if row.see_before:
                block.append(tag("p", e(row.see_before), "note"))
            else:
                block.append(tag("p", f"<strong>{e(view.purpose)}:</strong> {e(row.purpose)}"))
                if row.steps:
                    block.append(tag("ol", "".join(tag("li", e(step)) for step in row.steps)))
                if row.materials:
                    materials = e(", ".join(row.materials))
                    block.append(tag("p", f"<strong>{e(view.materials)}:</strong> {materials}"))
                block.append(tag("p", f"{e(view.source)}: {e(row.source)}", "source"))
            inner.append(tag("div", "".join(block), "format"))
        cls = "session sponsor" if session.sponsor else "session"
        parts.append(tag("article", "".join(inner), cls))
    if view.left_out:
        parts += [
            tag("h3", e(view.left_out_heading)),
            tag("p", e(view.left_out_intro)),
            table(view.left_out_columns, view.left_out, "left-out"),
        ]
    return "".join(parts)


def _open(view: ReportView) -> str:
    if not view.open:
        return tag("p", e(view.open_none))
    parts = [tag("p", e(view.open_intro), "note")]
    for question, answers in view.open:
        parts.append(tag("h3", e(question)))
        parts.append(tag("ul", "".join(tag("li", e(a)) for a in answers), "answers"))
    return "".join(parts)


def _notes(view: ReportView) -> str:
    if not view.withheld:
        return tag("p", e(view.withheld_none))
    return tag("ul", "".join(tag("li", e(note)) for note in view.withheld))

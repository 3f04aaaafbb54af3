"""The report as one self-contained HTML file: inline CSS and SVG, no scripts, no external URLs.

A Content-Security-Policy of ``default-src 'none'`` makes sure the browser loads nothing else.
Every text is escaped; ``@media print`` and ``@page { size: A4 }`` make it print well.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from coachassist import __version__
from coachassist.diagnosis import CheckedCondition, Diagnosis, Finding
from coachassist.i18n import Lang, t
from coachassist.intake.models import Intake
from coachassist.kb.loader import KnowledgeBase
from coachassist.plan import Plan
from coachassist.report import chart
from coachassist.report.common import (
    context_rows,
    describe,
    finding_meta,
    gap_table,
    role_label,
    score_table,
    show_gaps,
)
from coachassist.report.plan_view import PlanView, plan_view

CSS = Path(__file__).with_name("report.css")
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
SECTIONS = ("context", "respondents", "scores", "findings", "plan", "open", "notes")


def e(text: object) -> str:
    return escape(str(text), quote=True)


def tag(name: str, content: str, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<{name}{attr}>{content}</{name}>"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], cls: str = "") -> str:
    head = "".join(f'<th scope="col">{e(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return tag("table", f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody>", cls)


def render(kb: KnowledgeBase, intake: Intake, dx: Diagnosis, plan: Plan, lang: Lang) -> str:
    title = intake.title.strip() or t("report.untitled", lang)
    full_title = f"{t('report.title', lang)}: {title}"
    meta = [t("report.made_by", lang, version=__version__, scan=dx.scan)]
    if intake.created:
        meta.append(t("report.created", lang, date=intake.created))
    toc = "".join(
        f'<li><a href="#{key}">{e(_section_title(key, lang))}</a></li>' for key in SECTIONS
    )
    body = [
        "<header>" + tag("h1", e(full_title)) + "".join(tag("p", e(m), "meta") for m in meta),
        f'<nav class="toc" aria-label="{e(t("report.contents", lang))}"><ol>{toc}</ol></nav>',
        "</header>",
        _section("context", lang, _context(kb, intake, lang)),
        _section("respondents", lang, _respondents(dx, lang)),
        _section("scores", lang, _scores(kb, dx, lang)),
        _section("findings", lang, _findings(kb, dx, lang)),
        _section("plan", lang, plan_html(plan_view(kb, dx, plan, lang))),
        _section("open", lang, _open(kb, dx, lang)),
        _section("notes", lang, _notes(dx, lang)),
        f"<footer>{e(t('report.footer', lang))}</footer>",
    ]
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="coachassist {e(__version__)}">\n'
        f"<title>{e(full_title)}</title>\n<style>\n{CSS.read_text(encoding='utf-8')}</style>\n"
        "</head>\n<body>\n<main>\n" + "\n".join(body) + "\n</main>\n</body>\n</html>\n"
    )


def _section_title(key: str, lang: Lang) -> str:
    return t("plan.heading", lang) if key == "plan" else t(f"report.section.{key}", lang)


def _section(key: str, lang: Lang, content: str) -> str:
    return f'<section id="{key}">{tag("h2", e(_section_title(key, lang)))}{content}</section>'


def _context(kb: KnowledgeBase, intake: Intake, lang: Lang) -> str:
    parts = []
    question = str(intake.context.get("client_question") or "").strip()
    if question:
        label = tag("p", e(t("report.context.client_question", lang)), "label")
        parts.append(
            f'<figure class="question">{label}<blockquote>{e(question)}</blockquote></figure>'
        )
    rows = context_rows(kb, intake, lang)
    if rows:
        header = [t("report.context.question", lang), t("report.context.answer", lang)]
        parts.append(table(header, rows, "context"))
    elif not question:
        parts.append(tag("p", e(t("report.context.none", lang))))
    return "".join(parts)


def _respondents(dx: Diagnosis, lang: Lang) -> str:
    rows = [(role_label(role, lang), str(n)) for role, n in sorted(dx.roles.items())]
    header = [t("report.respondents.role", lang), t("report.respondents.number", lang)]
    return (
        tag("p", e(t("report.respondents.count", lang, n=dx.respondents)))
        + table(header, rows, "narrow")
        + tag("p", e(t("report.respondents.anonymity", lang, k=dx.min_group)), "note")
    )


def _scores(kb: KnowledgeBase, dx: Diagnosis, lang: Lang) -> str:
    if not dx.scores:
        return tag("p", e(t("report.scores.none", lang)))
    caption = tag("figcaption", e(t("report.scores.intro", lang)))
    parts = [f'<figure class="chart">{chart.svg(kb, dx, lang)}{caption}</figure>']
    header, rows = score_table(dx, lang)
    parts += [table(header, rows, "scores"), tag("p", e(t("report.scores.rwg_note", lang)), "note")]
    if any(s.polarised for s in dx.scores):
        parts.append(tag("p", e(t("report.scores.polarised_note", lang)), "note"))
    if show_gaps(dx):
        header, rows = gap_table(dx, lang)
        parts += [tag("h3", e(t("report.gaps.heading", lang))), table(header, rows, "gaps")]
    return "".join(parts)


def _findings(kb: KnowledgeBase, dx: Diagnosis, lang: Lang) -> str:
    parts = [] if dx.findings else [tag("p", e(t("report.findings.none", lang)))]
    parts += [_finding(kb, dx, finding, lang, "h3") for finding in dx.findings]
    if dx.signals:
        parts.append(tag("h3", e(t("report.findings.signals", lang))))
        parts.append(tag("p", e(t("report.findings.signals_intro", lang)), "note"))
        parts += [_finding(kb, dx, signal, lang, "h4") for signal in dx.signals]
    return "".join(parts)


def _finding(kb: KnowledgeBase, dx: Diagnosis, finding: Finding, lang: Lang, heading: str) -> str:
    parts = [tag(heading, e(finding.name(lang)))]
    if finding.kind == "dysfunction":
        meta = e(finding_meta(finding, lang))
        parts.append(tag("p", meta, f"meta severity-{finding.severity}"))
    if finding.explanation:
        parts.append(tag("p", e(finding.explanation(lang))))
    items = []
    for evidence in finding.evidence:
        rule = tag("span", e(t("report.findings.rule", lang, rule=evidence.rule)), "rule")
        conditions = "".join(
            tag("li", e(describe(c, kb, dx, lang)), _verdict(c)) for c in evidence.conditions
        )
        because = "" if evidence.because == finding.name else f"{e(evidence.because(lang))} "
        items.append(tag("li", f"{because}{rule}" + tag("ul", conditions)))
    if items:
        parts.append(tag("p", e(t("report.findings.evidence", lang)), "label"))
        parts.append(tag("ul", "".join(items), "evidence"))
    return tag("article", "".join(parts), f"finding {finding.kind}")


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


def _open(kb: KnowledgeBase, dx: Diagnosis, lang: Lang) -> str:
    answered = {qid: answers for qid, answers in dx.open_answers.items() if answers}
    if not answered:
        return tag("p", e(t("report.open.none", lang)))
    parts = [tag("p", e(t("report.open.intro", lang)), "note")]
    questions = kb.scan_questions()
    for qid, answers in answered.items():
        question = questions.get(qid)
        parts.append(tag("h3", e(question.text(lang) if question else qid)))
        parts.append(tag("ul", "".join(tag("li", e(a)) for a in answers), "answers"))
    return "".join(parts)


def _notes(dx: Diagnosis, lang: Lang) -> str:
    if not dx.notes:
        return tag("p", e(t("report.notes.none", lang)))
    return tag("ul", "".join(tag("li", e(note(lang))) for note in dx.notes))


def _verdict(condition: CheckedCondition) -> str:
    """The class that marks a condition; a withheld one shows no verdict (it would tell)."""
    return "withheld" if condition.withheld else "holds" if condition.holds else "fails"

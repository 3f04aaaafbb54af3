"""The report as Markdown: CommonMark plus pipe tables, with every user text escaped.

Nothing a user typed (title, context, open answers) can become markup: whitespace is folded and
Markdown's punctuation is backslash-escaped, so no raw HTML, link or heading can leak through.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from coachassist import __version__
from coachassist.diagnosis import Diagnosis, Finding
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

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!&])")
_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=])")


def esc(text: str) -> str:
    """Plain text made safe for Markdown (inline, one line)."""
    folded = _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
    return _LINE_START.sub(_guard, folded)


def _guard(match: re.Match[str]) -> str:
    """Escape what would start a list or a heading at the start of a line."""
    if match.group(1):
        return f"{match.group(1)}\\{match.group(2)}"
    return f"\\{match.group(3)}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(esc(h) for h in header) + " |"]
    lines.append("|" + "|".join(" --- " for _ in header) + "|")
    lines += ["| " + " | ".join(esc(c) or " " for c in row) + " |" for row in rows]
    return "\n".join(lines)


def render(kb: KnowledgeBase, intake: Intake, dx: Diagnosis, plan: Plan, lang: Lang) -> str:
    title = intake.title.strip() or t("report.untitled", lang)
    blocks = [
        f"# {esc(t('report.title', lang))}: {esc(title)}",
        esc(t("report.made_by", lang, version=__version__, scan=dx.scan)),
    ]
    if intake.created:
        blocks.append(esc(t("report.created", lang, date=intake.created)))
    blocks += _context(kb, intake, lang)
    blocks += _respondents(dx, lang)
    blocks += _scores(kb, dx, lang)
    blocks += _findings(kb, dx, lang)
    blocks.append(plan_markdown(plan_view(kb, dx, plan, lang), level=2))
    blocks += _open(kb, dx, lang)
    blocks += _notes(dx, lang)
    blocks += ["---", f"*{esc(t('report.footer', lang))}*"]
    return "\n\n".join(blocks) + "\n"


def _context(kb: KnowledgeBase, intake: Intake, lang: Lang) -> list[str]:
    blocks = [f"## {esc(t('report.section.context', lang))}"]
    question = str(intake.context.get("client_question") or "").strip()
    if question:
        blocks.append(f"**{esc(t('report.context.client_question', lang))}**")
        blocks.append(f"> {esc(question)}")
    rows = context_rows(kb, intake, lang)
    if rows:
        header = [t("report.context.question", lang), t("report.context.answer", lang)]
        blocks.append(table(header, rows))
    elif not question:
        blocks.append(esc(t("report.context.none", lang)))
    return blocks


def _respondents(dx: Diagnosis, lang: Lang) -> list[str]:
    rows = [(role_label(role, lang), str(n)) for role, n in sorted(dx.roles.items())]
    header = [t("report.respondents.role", lang), t("report.respondents.number", lang)]
    return [
        f"## {esc(t('report.section.respondents', lang))}",
        esc(t("report.respondents.count", lang, n=dx.respondents)),
        table(header, rows),
        esc(t("report.respondents.anonymity", lang, k=dx.min_group)),
    ]


def _scores(kb: KnowledgeBase, dx: Diagnosis, lang: Lang) -> list[str]:
    blocks = [f"## {esc(t('report.section.scores', lang))}"]
    if not dx.scores:
        return [*blocks, esc(t("report.scores.none", lang))]
    blocks += [
        esc(t("report.scores.intro", lang)),
        "```text\n" + chart.text(kb, dx, lang) + "\n```",
    ]
    header, rows = score_table(dx, lang)
    blocks += [table(header, rows), esc(t("report.scores.rwg_note", lang))]
    if any(s.polarised for s in dx.scores):
        blocks.append(esc(t("report.scores.polarised_note", lang)))
    if show_gaps(dx):
        header, rows = gap_table(dx, lang)
        blocks += [f"### {esc(t('report.gaps.heading', lang))}", table(header, rows)]
    return blocks


def _findings(kb: KnowledgeBase, dx: Diagnosis, lang: Lang) -> list[str]:
    blocks = [f"## {esc(t('report.section.findings', lang))}"]
    if not dx.findings:
        blocks.append(esc(t("report.findings.none", lang)))
    for finding in dx.findings:
        blocks += _finding(kb, dx, finding, lang, level=3)
    if dx.signals:
        blocks += [
            f"### {esc(t('report.findings.signals', lang))}",
            esc(t("report.findings.signals_intro", lang)),
        ]
        for signal in dx.signals:
            blocks += _finding(kb, dx, signal, lang, level=4)
    return blocks


def _finding(
    kb: KnowledgeBase, dx: Diagnosis, finding: Finding, lang: Lang, level: int
) -> list[str]:
    blocks = [f"{'#' * level} {esc(finding.name(lang))}"]
    if finding.kind == "dysfunction":
        blocks.append(f"*{esc(finding_meta(finding, lang))}*")
    if finding.explanation:
        blocks.append(esc(finding.explanation(lang)))
    lines = []
    for evidence in finding.evidence:
        rule = t("report.findings.rule", lang, rule=evidence.rule)
        because = "" if evidence.because == finding.name else f"{esc(evidence.because(lang))} "
        lines.append(f"- {because}({esc(rule)})")
        lines += [f"  - {esc(describe(c, kb, dx, lang))}" for c in evidence.conditions]
    if lines:
        blocks += [f"**{esc(t('report.findings.evidence', lang))}**", "\n".join(lines)]
    return blocks


def plan_markdown(view: PlanView, level: int = 2) -> str:
    """The plan section; ``coachassist plan`` prints it on its own with ``level=1``."""
    h = "#" * level
    blocks = [f"{h} {esc(view.heading)}", esc(view.constraints)]
    blocks += [esc(message) for message in view.messages]
    if not view.sessions:
        blocks.append(esc(view.no_sessions))
    for session in view.sessions:
        blocks.append(f"{h}# {esc(session.title)}")
        blocks += [esc(line) for line in session.lines]
        blocks.append(table(view.columns, [row.cells for row in session.rows]))
        for row in session.rows:
            blocks.append(f"{h}## {esc(row.title)}")
            blocks.append(f"*{esc(row.why)}*")
            if row.see_before:
                blocks.append(esc(row.see_before))
                continue
            blocks.append(f"**{esc(view.purpose)}:** {esc(row.purpose)}")
            blocks.append("\n".join(f"{i}. {esc(step)}" for i, step in enumerate(row.steps, 1)))
            if row.materials:
                blocks.append(f"**{esc(view.materials)}:** {esc(', '.join(row.materials))}")
            blocks.append(f"{esc(view.source)}: {esc(row.source)}")
    if view.left_out:
        blocks += [f"{h}# {esc(view.left_out_heading)}", esc(view.left_out_intro)]
        blocks.append(table(view.left_out_columns, view.left_out))
    return "\n\n".join(blocks)


def _open(kb: KnowledgeBase, dx: Diagnosis, lang: Lang) -> list[str]:
    blocks = [f"## {esc(t('report.section.open', lang))}"]
    answered = {qid: answers for qid, answers in dx.open_answers.items() if answers}
    if not answered:
        return [*blocks, esc(t("report.open.none", lang))]
    blocks.append(esc(t("report.open.intro", lang)))
    questions = kb.scan_questions()
    for qid, answers in answered.items():
        question = questions.get(qid)
        blocks.append(f"### {esc(question.text(lang) if question else qid)}")
        blocks.append("\n".join(f"- {esc(answer)}" for answer in answers))
    return blocks


def _notes(dx: Diagnosis, lang: Lang) -> list[str]:
    blocks = [f"## {esc(t('report.section.notes', lang))}"]
    if not dx.notes:
        return [*blocks, esc(t("report.notes.none", lang))]
    return [*blocks, "\n".join(f"- {esc(note(lang))}" for note in dx.notes)]

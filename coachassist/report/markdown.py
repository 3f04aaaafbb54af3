"""The report as Markdown: CommonMark plus pipe tables, laid out from a ReportView.

Nothing a user or trainer typed (title, context, names, open answers) can become markup:
whitespace is folded and Markdown's punctuation is backslash-escaped, so no raw HTML, link or
heading can leak through; the text chart sits in a fence longer than any run of backticks in it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from coachassist.report import chart
from coachassist.report.plan_view import PlanView
from coachassist.report.view import FindingView, ReportView, Table

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


def fence(content: str, info: str = "text") -> str:
    """A fenced code block whose fence is longer than any run of backticks in ``content``."""
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    marks = "`" * max(3, longest + 1)
    return f"{marks}{info}\n{content}\n{marks}"


def _table(value: Table) -> str:
    return table(value.header, value.rows)


def render(view: ReportView) -> str:
    blocks = [f"# {esc(view.title)}"]
    blocks += [f"> **{esc(banner)}**" for banner in view.banners]
    blocks += [esc(line) for line in view.meta]
    blocks += _context(view)
    blocks += [f"## {esc(view.section_titles['respondents'])}", esc(view.respondents)]
    blocks += [_table(view.roles), esc(view.anonymity)]
    blocks += _scores(view)
    blocks += _findings(view)
    blocks.append(plan_markdown(view.plan, level=2))
    blocks += _open(view)
    blocks.append(f"## {esc(view.section_titles['notes'])}")
    if view.withheld:
        blocks.append("\n".join(f"- {esc(note)}" for note in view.withheld))
    else:
        blocks.append(esc(view.withheld_none))
    blocks += ["---", f"*{esc(view.footer)}*"]
    return "\n\n".join(blocks) + "\n"


def _context(view: ReportView) -> list[str]:
    blocks = [f"## {esc(view.section_titles['context'])}"]
    if view.question:
        blocks += [f"**{esc(view.question_label)}**", f"> {esc(view.question)}"]
    if view.context:
        blocks.append(_table(view.context))
    elif not view.question:
        blocks.append(esc(view.context_none))
    return blocks


def _scores(view: ReportView) -> list[str]:
    blocks = [f"## {esc(view.section_titles['scores'])}"]
    if view.scores is None:
        return [*blocks, esc(view.scores_none)]
    blocks += [esc(view.scores_intro), fence(chart.text(view.chart, view.lang))]
    blocks += [_table(view.scores), *[esc(note) for note in view.score_notes]]
    if view.gaps:
        blocks += [f"### {esc(view.gaps_heading)}", _table(view.gaps)]
    return blocks


def _findings(view: ReportView) -> list[str]:
    blocks = [f"## {esc(view.section_titles['findings'])}"]
    if not view.findings:
        blocks.append(esc(view.findings_none))
    for finding in view.findings:
        blocks += _finding(view, finding, level=3)
    if view.signals:
        blocks += [f"### {esc(view.signals_heading)}", esc(view.signals_intro)]
        for signal in view.signals:
            blocks += _finding(view, signal, level=4)
    if view.rejected:
        blocks += [f"### {esc(view.rejected_heading)}", esc(view.rejected_intro)]
        for finding in view.rejected:
            blocks += _finding(view, finding, level=4)
    return blocks


def _finding(view: ReportView, finding: FindingView, level: int) -> list[str]:
    blocks = [f"{'#' * level} {esc(finding.name)}"]
    if finding.meta:
        blocks.append(f"*{esc(finding.meta)}*")
    if finding.explanation:
        blocks.append(esc(finding.explanation))
    lines = [f"- {esc(reason)}" for reason in finding.reasons]
    for evidence in finding.evidence:
        lines.append(f"- {esc(evidence.text)} ({esc(evidence.rules)})")
        for c in evidence.conditions:
            word = view.verdicts.get(c.verdict)
            lines.append(f"  - {esc(c.text)}" + (f" ({esc(word)})" if word else ""))
    if lines:
        blocks += [f"**{esc(view.why)}**", "\n".join(lines)]
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
            if row.steps:
                steps = enumerate(row.steps, 1)
                blocks.append("\n".join(f"{i}. {esc(step)}" for i, step in steps))
            if row.materials:
                blocks.append(f"**{esc(view.materials)}:** {esc(', '.join(row.materials))}")
            blocks.append(f"{esc(view.source)}: {esc(row.source)}")
    if view.left_out:
        blocks += [f"{h}# {esc(view.left_out_heading)}", esc(view.left_out_intro)]
        blocks.append(table(view.left_out_columns, view.left_out))
    return "\n\n".join(blocks)


def _open(view: ReportView) -> list[str]:
    blocks = [f"## {esc(view.section_titles['open'])}"]
    if not view.open:
        return [*blocks, esc(view.open_none)]
    blocks.append(esc(view.open_intro))
    for question, answers in view.open:
        blocks.append(f"### {esc(question)}")
        blocks.append("\n".join(f"- {esc(answer)}" for answer in answers))
    return blocks

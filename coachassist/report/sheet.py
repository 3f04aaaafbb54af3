"""The facilitation sheet: one session on paper for the day itself (Markdown or A4 HTML).

A timetable with clock times from the start time, then per format its purpose, its steps with
their minutes and clock times, and what to bring. Every text a user or trainer typed is
escaped; the HTML is one self-contained page (inline CSS, no scripts, no external URLs).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from coachassist import __version__
from coachassist.diagnosis import Diagnosis
from coachassist.errors import UserError
from coachassist.i18n import Lang, Message, t
from coachassist.kb.loader import KnowledgeBase
from coachassist.plan import Plan
from coachassist.plan.run import clock_time, parse_start, step_minutes, timetable
from coachassist.report.html import e
from coachassist.report.markdown import esc, table
from coachassist.report.plan_text import reason_text

CSS = Path(__file__).with_name("sheet.css")
CSP = "default-src 'none'; style-src 'unsafe-inline'"
SheetFormat = Literal["md", "html"]


@dataclass
class StepView:
    at: str
    minutes: int
    text: str


@dataclass
class BlockView:
    title: str
    times: str  # "09:00-09:15"
    why: str
    purpose: str
    steps: list[StepView]
    materials: list[str]


@dataclass
class SheetView:
    lang: Lang
    title: str
    subtitle: str
    columns: list[str]
    rows: list[list[str]]
    blocks: list[BlockView]
    labels: dict[str, str]
    footer: str


def sheet_view(
    kb: KnowledgeBase,
    dx: Diagnosis,
    plan: Plan,
    number: int,
    start: str,
    lang: Lang,
    title: str = "",
) -> SheetView:
    sessions = {s.number: s for s in plan.sessions}
    if number not in sessions:
        known = ", ".join(str(n) for n in sessions) or "-"
        raise UserError(Message("sheet.no_session", number=number, known=known))
    try:
        parse_start(start)
    except ValueError:
        raise UserError(Message("sheet.bad_start", start=repr(start))) from None
    session = sessions[number]
    slots = timetable(session, start)
    rows, blocks = [], []
    for slot in slots:
        item = slot.item
        rows.append([f"{slot.start}–{slot.end}", item.name(lang), str(item.minutes)])
        fmt = kb.formats.get(item.format)
        steps: list[StepView] = []
        if fmt is not None:
            at = parse_start(slot.start)
            minutes = step_minutes([s.en for s in fmt.steps], item.minutes)
            for text, m in zip(fmt.steps, minutes, strict=True):
                steps.append(StepView(clock_time(at), m, text(lang)))
                at += m
        blocks.append(
            BlockView(
                title=item.name(lang),
                times=f"{slot.start}–{slot.end}",
                why=reason_text(dx, item, lang),
                purpose=fmt.purpose(lang) if fmt else "",
                steps=steps,
                materials=[m(lang) for m in fmt.materials] if fmt else [],
            )
        )
    end = slots[-1].end if slots else start
    key = "sheet.title_sponsor" if session.sponsor else "sheet.title"
    return SheetView(
        lang=lang,
        title=t(key, lang, number=number),
        subtitle=t(
            "sheet.subtitle",
            lang,
            title=title or "-",
            start=start,
            end=end,
            minutes=session.minutes,
        ),
        columns=[t(f"sheet.col.{k}", lang) for k in ("time", "format", "minutes")],
        rows=rows,
        blocks=blocks,
        labels={
            k: t(f"sheet.{k}", lang) for k in ("why", "purpose", "steps", "materials", "notes")
        },
        footer=t("sheet.footer", lang, version=__version__),
    )


def render_sheet(view: SheetView, fmt: SheetFormat) -> str:
    return sheet_html(view) if fmt == "html" else sheet_markdown(view)


def sheet_markdown(view: SheetView) -> str:
    blocks = [f"# {esc(view.title)}", esc(view.subtitle), table(view.columns, view.rows)]
    for block in view.blocks:
        blocks.append(f"## {esc(block.times)} {esc(block.title)}")
        blocks.append(f"*{esc(block.why)}*")
        if block.purpose:
            blocks.append(f"**{esc(view.labels['purpose'])}:** {esc(block.purpose)}")
        if block.steps:
            lines = [f"- [ ] {esc(s.at)} ({s.minutes} min) {esc(s.text)}" for s in block.steps]
            blocks.append("\n".join(lines))
        if block.materials:
            blocks.append(f"**{esc(view.labels['materials'])}:** {esc(', '.join(block.materials))}")
    blocks.append(f"*{esc(view.footer)}*")
    return "\n\n".join(blocks) + "\n"


def sheet_html(view: SheetView) -> str:
    head = "".join(f'<th scope="col">{e(c)}</th>' for c in view.columns)
    rows = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in view.rows)
    body = [
        f"<h1>{e(view.title)}</h1>",
        f'<p class="meta">{e(view.subtitle)}</p>',
        f'<table class="timetable"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>',
    ]
    for block in view.blocks:
        parts = [
            f'<h2><span class="time">{e(block.times)}</span> {e(block.title)}</h2>',
            f'<p class="why">{e(block.why)}</p>',
        ]
        if block.purpose:
            parts.append(f"<p><strong>{e(view.labels['purpose'])}:</strong> {e(block.purpose)}</p>")
        if block.steps:
            items = "".join(
                f'<li><span class="time">{e(s.at)}</span> <span class="min">{s.minutes} min</span> '
                f"{e(s.text)}</li>"
                for s in block.steps
            )
            parts.append(f'<ol class="steps">{items}</ol>')
        if block.materials:
            parts.append(
                f"<p><strong>{e(view.labels['materials'])}:</strong> "
                f"{e(', '.join(block.materials))}</p>"
            )
        parts.append(f'<p class="notes">{e(view.labels["notes"])}:</p>')
        body.append('<section class="block">' + "".join(parts) + "</section>")
    body.append(f'<footer><p class="meta">{e(view.footer)}</p></footer>')
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{view.lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(view.title)}</title>\n<style>\n{CSS.read_text(encoding='utf-8')}</style>\n"
        '</head>\n<body>\n<main class="sheet">\n'
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )

"""Write reports (for the client or the coach) and format cards as Markdown and HTML files.

The report is the same one ``coachassist report --for client|coach`` writes, the card the one
``coachassist format ID`` writes; the planner, report and card code are imported only when the
coach asks for a plan, a report or a card.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from coachassist.i18n import Lang

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

    from coachassist.diagnosis import Diagnosis
    from coachassist.intake.models import Intake
    from coachassist.kb.loader import KnowledgeBase
    from coachassist.kb.models import Format
    from coachassist.plan import Plan
    from coachassist.report import Audience

FORMATS: tuple[Literal["md", "html"], ...] = ("md", "html")


def make_plan(kb: KnowledgeBase, intake: Intake, diagnosis: Diagnosis) -> Plan:
    from coachassist.plan import build_plan

    return build_plan(kb, diagnosis, intake.context, edits=intake.plan)


def report_path(intake_path: Path, audience: Audience, fmt: str) -> Path:
    return intake_path.with_name(f"{intake_path.stem}-report-{audience}.{fmt}")


def export_reports(
    kb: KnowledgeBase,
    intake: Intake,
    intake_path: Path,
    diagnosis: Diagnosis,
    plan: Plan,
    lang: Lang,
    audience: Audience,
) -> list[Path]:
    """Render both formats, then write ``<intake>-report-<audience>.md`` and ``.html``.

    Raises UserError before writing anything when the report is refused (a client report with
    a threshold below 3)."""
    from coachassist.intake.files import write_text_atomic
    from coachassist.report import render

    texts = {fmt: render(kb, intake, diagnosis, plan, fmt, lang, audience) for fmt in FORMATS}
    written = []
    for fmt, text in texts.items():
        path = report_path(intake_path, audience, fmt)
        write_text_atomic(path, text)
        written.append(path)
    return written


def card_path(folder: Path, fmt: Format, kind: str) -> Path:
    return folder / f"{fmt.id}-card.{kind}"


def export_card(kb: KnowledgeBase, fmt: Format, folder: Path, lang: Lang) -> list[Path]:
    """Write the format's printable card as ``<folder>/<id>-card.md`` and ``.html``."""
    from coachassist.atomic import write_atomic
    from coachassist.report.card import render_card

    written = []
    for kind in FORMATS:
        path = card_path(folder, fmt, kind)
        write_atomic(path, render_card(kb, fmt, kind, lang), make_folder=True)
        written.append(path)
    return written


def deliver(screen: Screen[Any], paths: list[Path]) -> None:
    """In a browser (``coachassist serve``) also download the HTML file."""
    html = next(p for p in paths if p.suffix == ".html")
    deliver_html(screen.app, html)


def deliver_html(app: App[Any], path: Path) -> None:
    """In a browser, download ``path`` (written as UTF-8); in a terminal it is already saved."""
    if app.is_web:
        name = download_name(path.name)
        app.deliver_text(path, save_filename=name, mime_type="text/html", encoding="utf-8")


def download_name(name: str) -> str:
    """A file name a browser takes whole: textual-serve puts it unquoted in Content-Disposition
    (``filename=Team Zoë; "x".html`` would save as ``Team Zoë``), so only ASCII letters, digits,
    ``.``, ``_`` and ``-`` remain (accents dropped, anything else a ``-``)."""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    safe = re.sub(r"[^A-Za-z0-9_]+", "-", ascii_stem).strip("-_")
    return f"{safe or 'coachassist'}{dot}{re.sub(r'[^A-Za-z0-9]', '', suffix)}"

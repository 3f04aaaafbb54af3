"""Write the shareable report (Markdown and HTML) next to the intake file.

The report is the same one ``coachassist report`` writes; the planner and report code are
imported only when the coach asks for a plan or an export.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from coachassist.i18n import Lang, t
from coachassist.tui.render import plain

if TYPE_CHECKING:
    from textual.screen import Screen

    from coachassist.diagnosis import Diagnosis
    from coachassist.intake.models import Intake
    from coachassist.kb.loader import KnowledgeBase
    from coachassist.plan import Plan

FORMATS: tuple[Literal["md", "html"], ...] = ("md", "html")


def make_plan(kb: KnowledgeBase, intake: Intake, diagnosis: Diagnosis) -> Plan:
    from coachassist.plan import build_plan

    return build_plan(kb, diagnosis, intake.context, edits=intake.plan)


def report_path(intake_path: Path, fmt: str) -> Path:
    return intake_path.with_name(f"{intake_path.stem}-report.{fmt}")


def export_reports(
    kb: KnowledgeBase,
    intake: Intake,
    intake_path: Path,
    diagnosis: Diagnosis,
    plan: Plan,
    lang: Lang,
) -> list[Path]:
    """Render and write ``<intake>-report.md`` and ``.html``; returns the paths written."""
    from coachassist.intake.files import write_text_atomic
    from coachassist.report import render

    written = []
    for fmt in FORMATS:
        path = report_path(intake_path, fmt)
        write_text_atomic(path, render(kb, intake, diagnosis, plan, fmt, lang))
        written.append(path)
    return written


def export_and_tell(
    screen: Screen[Any],
    kb: KnowledgeBase,
    intake: Intake,
    intake_path: Path,
    diagnosis: Diagnosis,
    lang: Lang,
    plan: Plan | None = None,
) -> None:
    """Write the report next to the intake and say where; in a browser, also download it.
    A full disk or a report bug becomes a message on the screen, never a crash."""
    try:
        plan = plan or make_plan(kb, intake, diagnosis)
        paths = export_reports(kb, intake, intake_path, diagnosis, plan, lang)
    except Exception as error:
        screen.notify(
            t("tui.export.failed", lang, error=plain(str(error))), severity="error", markup=False
        )
        return
    done = t("tui.export.done", lang, paths=plain("\n".join(str(p) for p in paths)))
    screen.notify(done, timeout=10, markup=False)
    if screen.app.is_web:
        html = next(p for p in paths if p.suffix == ".html")
        screen.app.deliver_text(html, save_filename=html.name, mime_type="text/html")

"""Write the shareable report (Markdown and HTML) next to the intake file.

The report is the same one ``coachassist report`` writes; the planner and report code are
imported only when the coach asks for a plan or an export.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coachassist.diagnosis import Diagnosis
    from coachassist.intake.models import Intake
    from coachassist.kb.loader import KnowledgeBase
    from coachassist.plan import Plan

FORMATS = ("md", "html")


def make_plan(kb: KnowledgeBase, intake: Intake, diagnosis: Diagnosis) -> Plan:
    from coachassist.plan import build_plan

    return build_plan(kb, diagnosis, intake.context)


def report_path(intake_path: Path, fmt: str) -> Path:
    return intake_path.with_name(f"{intake_path.stem}-report.{fmt}")


def export_reports(
    kb: KnowledgeBase,
    intake: Intake,
    intake_path: Path,
    diagnosis: Diagnosis,
    plan: Plan,
    lang: str,
) -> list[Path]:
    """Render and write ``<intake>-report.md`` and ``.html``; returns the paths written."""
    from coachassist.intake.files import write_text_atomic
    from coachassist.report import render

    written = []
    for fmt in FORMATS:
        path = report_path(intake_path, fmt)
        write_text_atomic(path, render(kb, intake, diagnosis, plan, fmt, lang))  # type: ignore[arg-type]
        written.append(path)
    return written

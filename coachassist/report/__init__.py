"""The shareable report: team context, respondents, scores, findings, plan and open answers.

``render`` reads only the diagnosis (anonymity already applied there) and the intake's title and
context; it never looks at individual responses.
"""

from __future__ import annotations

from typing import Literal

from coachassist.diagnosis import Diagnosis
from coachassist.i18n import Lang
from coachassist.intake.models import Intake
from coachassist.kb.loader import KnowledgeBase
from coachassist.plan import Plan

ReportFormat = Literal["md", "html"]
FORMATS: tuple[ReportFormat, ...] = ("md", "html")


def render(
    kb: KnowledgeBase,
    intake: Intake,
    diagnosis: Diagnosis,
    plan: Plan,
    fmt: ReportFormat = "md",
    lang: Lang = "en",
) -> str:
    """The whole report as one Markdown or one self-contained HTML document."""
    if fmt == "md":
        from coachassist.report import markdown

        return markdown.render(kb, intake, diagnosis, plan, lang)
    if fmt == "html":
        from coachassist.report import html

        return html.render(kb, intake, diagnosis, plan, lang)
    raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")

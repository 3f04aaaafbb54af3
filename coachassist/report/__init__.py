"""The report for two audiences (client, coach) in two formats (Markdown, HTML).

``render`` builds one ReportView from the diagnosis (privacy already decided there), the plan and
the intake's title and context, and lays it out; it never looks at individual responses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # imported when used: `diagnose` reads report.evidence without the planner
    from coachassist.diagnosis import Diagnosis
    from coachassist.i18n import Lang
    from coachassist.intake.models import Intake
    from coachassist.kb.loader import KnowledgeBase
    from coachassist.plan import Plan
    from coachassist.report.view import AUDIENCES, Audience, ReportView, report_view

ReportFormat = Literal["md", "html"]
FORMATS: tuple[ReportFormat, ...] = ("md", "html")

__all__ = [
    "AUDIENCES",
    "FORMATS",
    "Audience",
    "ReportFormat",
    "ReportView",
    "render",
    "report_view",
]


def render(
    kb: KnowledgeBase,
    intake: Intake,
    diagnosis: Diagnosis,
    plan: Plan,
    fmt: ReportFormat = "md",
    lang: Lang = "en",
    audience: Audience = "client",
) -> str:
    """The whole report as one Markdown or one self-contained HTML document."""
    from coachassist.report.view import AUDIENCES, report_view

    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}; use one of {', '.join(AUDIENCES)}")
    view = report_view(kb, intake, diagnosis, plan, lang, audience)
    if fmt == "md":
        from coachassist.report import markdown

        return markdown.render(view)
    from coachassist.report import html

    return html.render(view)


def __getattr__(name: str) -> Any:
    """The view's names, imported on first use."""
    if name in ("AUDIENCES", "Audience", "ReportView", "report_view"):
        from coachassist.report import view

        return getattr(view, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

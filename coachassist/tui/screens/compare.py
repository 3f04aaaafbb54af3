"""The comparison of this intake with its earlier scan (``earlier = [...]`` in the intake):
per scale the change and its interval, the findings that changed with the rule-level reason.

The same text as ``coachassist compare`` (coachassist/report/compare_text.py); every figure
comes from the two Diagnoses, so what either withholds stays withheld. ``p`` shows the revised
plan for the remaining sessions.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from coachassist.compare import Comparison
from coachassist.intake.progress import IntakeProgress
from coachassist.kb.loader import KnowledgeBase
from coachassist.tui.render import plain
from coachassist.tui.screens.base import BaseScreen
from coachassist.tui.widgets.titlebar import TitleBar


class CompareScreen(BaseScreen[None]):
    DEFAULT_CSS = """
    CompareScreen {
        #compare { padding: 0 1; }
        #compare-text { height: auto; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "tui.key.back"),
        Binding("p", "plan", "tui.key.plan"),
    ]
    AUTO_FOCUS = "#compare"

    def __init__(self, kb: KnowledgeBase, session: IntakeProgress, earlier: Path) -> None:
        super().__init__()
        self.kb, self.session, self.earlier = kb, session, earlier
        self.result: Comparison | None = None
        self.problem: str | None = None

    def compute(self) -> None:
        if self.result is not None or self.problem is not None:
            return
        from coachassist.batch import read_team
        from coachassist.compare import compare, diagnose_scan

        try:
            before = diagnose_scan(self.kb, read_team(self.kb, self.earlier))
            self.result = compare(self.kb, before, diagnose_scan(self.kb, self.session.intake))
        except Exception as error:  # shown in the app: a coach never sees a traceback
            self.problem = str(error) or type(error).__name__

    def compose(self) -> ComposeResult:
        from coachassist.report.compare_text import comparison_lines

        self.compute()
        title = self.session.intake.title
        yield TitleBar(self.tr("tui.compare.heading", title=title), markup=False)
        with VerticalScroll(id="compare"):
            if self.result is None:
                yield Static(self.tr("tui.compare.failed"), classes="problem")
                yield Static(plain(self.problem or ""), markup=False)
            else:
                lines = comparison_lines(
                    self.result, self.kb, self.lang, self.earlier.name, self.session.path.name
                )
                yield Static(plain("\n".join(lines)), id="compare-text", markup=False)
        yield Footer()

    def action_plan(self) -> None:
        from coachassist.tui.screens.plan import PlanScreen

        if self.result is not None:
            plan = PlanScreen(self.kb, self.session, self.result.later, self.result.plan)
            self.app.push_screen(plan)

"""Save the report: for the client (shareable) or for the coach (the full evidence).

Pushed by the results and plan screens. The coach chooses the audience; a tick decides whether
the coach's private observations go into the client report (saved in the intake, as
``share_observations``). A refused client report (a threshold below 3) is shown as its one line,
with the coach report offered instead. Dismisses with the files written, or None.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Checkbox, Footer, Static
from textual.widgets.option_list import Option

from coachassist.diagnosis import Diagnosis
from coachassist.errors import UserError, describe
from coachassist.intake.progress import IntakeProgress
from coachassist.kb.loader import KnowledgeBase
from coachassist.plan import Plan
from coachassist.report import AUDIENCES, Audience
from coachassist.tui.export import deliver, export_reports, make_plan
from coachassist.tui.render import plain
from coachassist.tui.screens.base import BaseScreen
from coachassist.tui.widgets.choices import ChoiceList, numbered
from coachassist.tui.widgets.titlebar import TitleBar


class ExportScreen(BaseScreen[list[Path] | None]):
    DEFAULT_CSS = """
    ExportScreen {
        #audience { height: auto; margin: 1 2 0 2; }
        #share { margin: 1 2 0 2; }
        #export-problem { padding: 1 2 0 2; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss_none", "tui.key.back")]
    AUTO_FOCUS = "#audience"

    def __init__(
        self,
        kb: KnowledgeBase,
        session: IntakeProgress,
        diagnosis: Diagnosis,
        plan: Plan | None = None,
    ) -> None:
        super().__init__()
        self.kb, self.session, self.diagnosis, self.plan = kb, session, diagnosis, plan
        self.problem = ""
        self.selected = 0

    def compose(self) -> ComposeResult:
        yield TitleBar(self.tr("tui.export.heading"))
        yield Static(self.tr("tui.export.intro"), classes="intro")
        options = [
            Option(numbered(i, self.tr(f"tui.export.for_{audience}")), id=audience)
            for i, audience in enumerate(AUDIENCES)
        ]
        yield ChoiceList(options, selected=self.selected, id="audience")
        yield Checkbox(
            self.tr("tui.export.share"), self.session.intake.share_observations, id="share"
        )
        yield Static(plain(self.problem), id="export-problem", classes="problem", markup=False)
        yield Footer()

    def action_dismiss_none(self) -> None:
        self.dismiss(None)

    @on(Checkbox.Changed, "#share")
    def share_changed(self, event: Checkbox.Changed) -> None:
        """The tick is part of the intake: saved now, like every answer."""
        self.session.intake.share_observations = event.value
        try:
            self.session.save()
        except (UserError, OSError) as error:
            self.show_problem(self.tr("tui.save.failed", error=describe(error, self.lang)))

    @on(ChoiceList.OptionSelected, "#audience")
    def chosen(self, event: ChoiceList.OptionSelected) -> None:
        audience: Audience = "coach" if event.option.id == "coach" else "client"
        self.export(audience)

    def export(self, audience: Audience) -> None:
        """Write the report; a refusal or failure becomes a line on this screen."""
        intake, path = self.session.intake, self.session.path
        try:
            self.plan = self.plan or make_plan(self.kb, intake, self.diagnosis)
            paths = export_reports(
                self.kb, intake, path, self.diagnosis, self.plan, self.lang, audience
            )
        except UserError as error:
            if audience != "client" or not self.diagnosis.privacy.low_threshold:
                self.show_problem(self.tr("tui.export.failed", error=describe(error, self.lang)))
                return
            # the client report is refused (a threshold below 3): offer the coach report
            self.selected = AUDIENCES.index("coach")
            self.query_one("#audience", ChoiceList).highlighted = self.selected
            self.show_problem(self.tr("tui.export.refused", reason=describe(error, self.lang)))
            return
        except Exception as error:  # a full disk or a report bug: a message, never a crash
            self.show_problem(self.tr("tui.export.failed", error=describe(error, self.lang)))
            return
        done = self.tr("tui.export.done", paths="\n".join(str(p) for p in paths))
        self.notify(plain(done), timeout=10, markup=False)
        deliver(self, paths)
        self.dismiss(paths)

    def show_problem(self, text: str) -> None:
        self.problem = text
        self.query_one("#export-problem", Static).update(plain(text))

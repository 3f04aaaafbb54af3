"""Between respondents: nothing of the previous person's answers is on this screen.

The coach picks the next respondent's role, or finishes and opens the results.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static
from textual.widgets.option_list import Option

from coachassist.intake.progress import IntakeProgress
from coachassist.tui.screens.base import BaseScreen
from coachassist.tui.widgets.choices import ChoiceList, numbered
from coachassist.tui.widgets.footer import LangFooter
from coachassist.tui.widgets.titlebar import TitleBar


class BetweenScreen(BaseScreen):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "start", "tui.key.start")]
    AUTO_FOCUS = "#next"

    def __init__(self, session: IntakeProgress, *, just_finished: bool = False) -> None:
        super().__init__()
        self.session = session
        self.just_finished = just_finished

    def compose(self) -> ComposeResult:
        intake = self.session.intake
        yield TitleBar(intake.title or self.session.path.name, markup=False)
        if self.just_finished:
            key = "tui.between.thanks_self" if self.session.mode == "self" else "tui.between.thanks"
            yield Static(self.tr(key), id="thanks")
        roles = [r.role for r in intake.responses]
        counts = ", ".join(
            f"{roles.count(role)} {self.role_name(role, plural=roles.count(role) != 1)}"
            for role in self.session.scan.roles
            if role in roles
        )
        summary = (
            self.tr("tui.between.count", n=len(roles), roles=counts)
            if roles
            else self.tr("tui.between.first")
        )
        yield Static(summary, id="summary", markup=False)
        options: list[tuple[str, str, bool]] = []
        if self.session.mode == "coach":
            for role in self.session.scan.roles:
                label = self.tr("tui.between.next", role=self.role_name(role))
                options.append((f"role:{role}", label, False))
        options.append(("results", self.tr("tui.between.results"), not intake.responses))
        options.append(("start", self.tr("tui.between.start"), False))
        yield ChoiceList(
            [
                Option(numbered(i, label), id=key, disabled=disabled)
                for i, (key, label, disabled) in enumerate(options)
            ],
            selected=0,
            id="next",
        )
        yield LangFooter()

    def action_start(self) -> None:
        self.coach.go_start()

    @on(ChoiceList.OptionSelected, "#next")
    def chosen(self, event: ChoiceList.OptionSelected) -> None:
        key = event.option.id or ""
        if key.startswith("role:"):
            from coachassist.tui.screens.question import QuestionScreen

            respondent = self.session.add_respondent(key.removeprefix("role:"), self.lang)
            self.app.switch_screen(QuestionScreen(self.session, respondent.id, None))
        elif key == "results":
            from coachassist.tui.screens.results import ResultsScreen

            self.app.push_screen(ResultsScreen(self.session))
        else:
            self.coach.go_start()

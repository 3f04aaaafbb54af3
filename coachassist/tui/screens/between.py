"""Between respondents: nothing of the previous person's answers is on this screen.

The coach picks the next respondent's role, opens the results, collects answers on phones, or
goes back to the start; the screen dismisses with that choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Static
from textual.widgets.option_list import Option

from coachassist.intake.progress import IntakeProgress
from coachassist.tui.render import plain
from coachassist.tui.screens.base import BaseScreen
from coachassist.tui.widgets.choices import ChoiceList, numbered
from coachassist.tui.widgets.titlebar import TitleBar


@dataclass(frozen=True)
class Next:
    kind: Literal["respondent", "results", "collect", "start", "context", "respondents"]
    role: str = ""


class BetweenScreen(BaseScreen[Next]):
    DEFAULT_CSS = """
    BetweenScreen {
        #thanks { padding: 1 2 0 2; text-style: bold; color: $success; }
        #summary { padding: 1 2; }
        #next { height: auto; margin: 0 2; }
        #problem { padding: 1 2 0 2; }
    }
    """
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
        yield Static(plain(summary), id="summary", markup=False)
        options: list[tuple[str, str]] = []
        if self.session.mode == "coach":
            for role in self.session.scan.roles:
                options.append(
                    (f"role:{role}", self.tr("tui.between.next", role=self.role_name(role)))
                )
        options.append(("results", self.tr("tui.between.results")))
        if self.session.mode == "coach":
            options.append(("collect", self.tr("tui.between.collect")))
        options.append(("start", self.tr("tui.between.start")))
        options.append(("context", self.tr("tui.intakeedit.context")))
        if intake.responses:
            options.append(("respondents", self.tr("tui.intakeedit.respondents")))
        yield ChoiceList(
            [Option(numbered(i, label), id=key) for i, (key, label) in enumerate(options)],
            selected=0,
            id="next",
        )
        yield Static("", id="problem", classes="problem")
        yield Footer()

    def action_start(self) -> None:
        self.dismiss(Next("start"))

    @on(ChoiceList.OptionSelected, "#next")
    def chosen(self, event: ChoiceList.OptionSelected) -> None:
        key = event.option.id or ""
        if key.startswith("role:"):
            self.dismiss(Next("respondent", key.removeprefix("role:")))
        elif key == "results":
            if not any(r.answers for r in self.session.intake.responses):
                self.query_one("#problem", Static).update(self.tr("tui.between.no_answers_yet"))
                return
            self.dismiss(Next("results"))
        elif key == "collect":
            self.dismiss(Next("collect"))
        elif key in ("context", "respondents"):
            self.dismiss(Next(key))  # type: ignore[arg-type]
        else:
            self.dismiss(Next("start"))

"""Remove a respondent, with a confirmation. The list shows each respondent's role and how many
questions they answered, never what they answered."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Static
from textual.widgets.option_list import Option

from coachassist.errors import UserError, describe
from coachassist.intake.progress import IntakeProgress
from coachassist.intake.store import is_web_respondent
from coachassist.tui.render import plain
from coachassist.tui.screens.base import BaseScreen
from coachassist.tui.widgets.choices import ChoiceList, numbered
from coachassist.tui.widgets.titlebar import TitleBar


class ConfirmScreen(BaseScreen[bool]):
    """A yes/no question; Esc is no."""

    DEFAULT_CSS = """
    ConfirmScreen {
        #confirm-text { padding: 1 2; text-style: bold; }
        #confirm-choice { height: auto; margin: 0 2; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "no", "tui.key.back")]
    AUTO_FOCUS = "#confirm-choice"

    def __init__(self, question: str, yes: str, no: str) -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        yield TitleBar(self.question, markup=False)
        yield Static(plain(self.question), id="confirm-text", markup=False)
        options = [Option(numbered(0, self.no), id="no"), Option(numbered(1, self.yes), id="yes")]
        yield ChoiceList(options, selected=0, id="confirm-choice")
        yield Footer()

    @on(ChoiceList.OptionSelected, "#confirm-choice")
    def chosen(self, event: ChoiceList.OptionSelected) -> None:
        self.dismiss(event.option.id == "yes")

    def action_no(self) -> None:
        self.dismiss(False)


class RespondentsScreen(BaseScreen[None]):
    DEFAULT_CSS = """
    RespondentsScreen {
        #respondents-intro { padding: 1 2; color: $text-muted; height: auto; }
        #respondents { height: 1fr; margin: 0 2; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", "tui.key.back")]
    AUTO_FOCUS = "#respondents"

    def __init__(self, session: IntakeProgress) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        title = self.session.intake.title
        yield TitleBar(self.tr("tui.intakeedit.heading", title=title), markup=False)
        yield Static(self.tr("tui.intakeedit.intro"), id="respondents-intro")
        yield ChoiceList(self.options(), id="respondents")
        yield Footer()

    def row(self, n: int) -> dict[str, object]:
        respondent = self.session.intake.responses[n]
        role = self.role_name(respondent.role)
        if is_web_respondent(respondent.id):
            role += f", {self.tr('tui.intakeedit.web')}"
        return {"n": n + 1, "role": role, "answers": len(respondent.answers)}

    def options(self) -> list[Option]:
        responses = self.session.intake.responses
        if not responses:
            return [Option(self.tr("tui.intakeedit.none"), disabled=True)]
        return [
            Option(numbered(n, self.tr("tui.intakeedit.row", **self.row(n))), id=r.id)
            for n, r in enumerate(responses)
        ]

    @on(ChoiceList.OptionSelected, "#respondents")
    def chosen(self, event: ChoiceList.OptionSelected) -> None:
        if event.option.id:
            self.confirm_and_remove(event.option.id)

    @work(exclusive=True, group="respondents")
    async def confirm_and_remove(self, rid: str) -> None:
        ids = [r.id for r in self.session.intake.responses]
        if rid not in ids:
            return
        question = self.tr("tui.intakeedit.confirm", **self.row(ids.index(rid)))
        yes, no = self.tr("tui.intakeedit.yes"), self.tr("tui.intakeedit.no")
        if not await self.app.push_screen_wait(ConfirmScreen(question, yes, no)):
            return
        try:
            self.session.remove_respondent(rid)
        except (UserError, OSError) as error:
            text = self.tr("tui.intakeedit.failed", error=plain(describe(error, self.lang)))
            self.notify(text, severity="error", markup=False)
            return
        items = self.query_one("#respondents", ChoiceList)
        items.clear_options()
        items.add_options(self.options())
        self.notify(self.tr("tui.intakeedit.removed"), markup=False)

"""The first screen: start an intake or a self-scan, open a saved one, browse the formats.

It dismisses with the ``Choice`` made; the app's flow does the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from coachassist import workspace
from coachassist.tui.render import clean
from coachassist.tui.screens.base import BaseScreen
from coachassist.tui.widgets.choices import ChoiceList, numbered
from coachassist.tui.widgets.titlebar import TitleBar

Action = Literal["coach", "self", "open", "library", "recent"]
MENU: tuple[Action, ...] = ("coach", "self", "open", "library")


@dataclass(frozen=True)
class Choice:
    action: Action
    path: Path | None = None  # the intake chosen from the recent list


class StartScreen(BaseScreen[Choice]):
    DEFAULT_CSS = """
    StartScreen {
        #menu { height: auto; margin: 1 2 0 2; max-height: 6; }
        .section { padding: 0 2; }
        #recent { height: 1fr; margin: 0 2; }
    }
    """
    AUTO_FOCUS = "#menu"

    def compose(self) -> ComposeResult:
        yield TitleBar(self.tr("tui.start.title"))
        yield Static(self.tr("tui.start.intro"), id="intro", classes="intro")
        options = [
            Option(numbered(i, self.tr(f"tui.start.{key}")), id=key) for i, key in enumerate(MENU)
        ]
        yield ChoiceList(options, selected=0, id="menu")
        yield Label(self.tr("tui.start.recent"), classes="section")
        yield OptionList(id="recent")
        yield Footer()

    def on_mount(self) -> None:
        self.fill_recent()

    def after_relang(self) -> None:
        self.fill_recent()
        self.query_one("#menu").focus()

    def fill_recent(self) -> None:
        recent = self.query_one("#recent", OptionList)
        recent.clear_options()
        entries = workspace.recent_existing()
        for entry in entries:
            title = entry.title or entry.path.stem
            prompt = Text.assemble(title, ("  " + entry.path.name, "dim"))
            recent.add_option(Option(clean(prompt), id=str(entry.path)))
        if entries:
            recent.highlighted = 0  # Tab, then Enter opens the most recent intake
        else:
            recent.add_option(Option(Text(self.tr("tui.start.no_recent")), disabled=True))

    @on(ChoiceList.OptionSelected, "#menu")
    def choose(self, event: ChoiceList.OptionSelected) -> None:
        for action in MENU:
            if event.option.id == action:
                self.dismiss(Choice(action))

    @on(OptionList.OptionSelected, "#recent")
    def open_recent(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.dismiss(Choice("recent", Path(event.option.id)))

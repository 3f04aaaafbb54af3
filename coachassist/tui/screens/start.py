"""The first screen: start an intake or a self-scan, open a saved one, browse the formats."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from coachassist import workspace
from coachassist.tui.screens.base import BaseScreen
from coachassist.tui.widgets.choices import ChoiceList, numbered
from coachassist.tui.widgets.footer import LangFooter
from coachassist.tui.widgets.titlebar import TitleBar

MENU = ("coach", "self", "open", "library")


class StartScreen(BaseScreen):
    AUTO_FOCUS = "#menu"

    def compose(self) -> ComposeResult:
        yield TitleBar(self.tr("tui.start.title"))
        yield Static(self.tr("tui.start.intro"), id="intro")
        options = [
            Option(numbered(i, self.tr(f"tui.start.{key}")), id=key) for i, key in enumerate(MENU)
        ]
        yield ChoiceList(options, selected=0, id="menu")
        yield Label(self.tr("tui.start.recent"), classes="section")
        yield OptionList(id="recent")
        yield LangFooter()

    def on_mount(self) -> None:
        self.fill_recent()

    def after_relang(self) -> None:
        self.fill_recent()
        self.query_one("#menu").focus()

    async def on_screen_resume(self) -> None:
        await super().on_screen_resume()
        self.fill_recent()

    def fill_recent(self) -> None:
        recent = self.query_one("#recent", OptionList)
        recent.clear_options()
        entries = workspace.recent_existing()
        for entry in entries:
            title = entry.title or entry.path.stem
            prompt = Text.assemble(title, ("  " + entry.path.name, "dim"))
            recent.add_option(Option(prompt, id=str(entry.path)))
        if not entries:
            recent.add_option(Option(self.tr("tui.start.no_recent"), disabled=True))

    @on(ChoiceList.OptionSelected, "#menu")
    def choose(self, event: ChoiceList.OptionSelected) -> None:
        key = event.option.id
        if key in ("coach", "self"):
            from coachassist.tui.screens.new_intake import NewIntakeScreen

            self.app.push_screen(NewIntakeScreen(key))  # type: ignore[arg-type]
        elif key == "open":
            from coachassist.tui.screens.open_intake import OpenScreen

            self.app.push_screen(OpenScreen())
        elif key == "library":
            from coachassist.tui.screens.library import LibraryScreen

            self.app.push_screen(LibraryScreen())

    @on(OptionList.OptionSelected, "#recent")
    def open_recent(self, event: OptionList.OptionSelected) -> None:
        from pathlib import Path

        if event.option.id:
            self.coach.open_intake(Path(event.option.id))

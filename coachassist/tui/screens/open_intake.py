"""Open a saved intake: pick it in the intake folder, or type its path."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DirectoryTree, Input, Label, Static

from coachassist import workspace
from coachassist.tui.screens.base import BaseScreen
from coachassist.tui.widgets.footer import LangFooter
from coachassist.tui.widgets.titlebar import TitleBar


class IntakeTree(DirectoryTree):
    """Folders and ``.toml`` files only; hidden files stay hidden."""

    def filter_paths(self, paths):  # type: ignore[no-untyped-def]
        return [
            p for p in paths if not p.name.startswith(".") and (p.is_dir() or p.suffix == ".toml")
        ]


class OpenScreen(BaseScreen):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "tui.key.back")]
    AUTO_FOCUS = "#tree"

    def __init__(self) -> None:
        super().__init__()
        self.typed = ""

    def compose(self) -> ComposeResult:
        folder = workspace.intake_dir()
        root = folder if folder.is_dir() else Path.home()
        yield TitleBar(self.tr("tui.open.heading"))
        yield Static(self.tr("tui.open.intro"), classes="intro")
        yield IntakeTree(root, id="tree")
        yield Label(self.tr("tui.open.path_label"))
        yield Input(self.typed, placeholder=str(root / "intake.toml"), id="path")
        yield LangFooter()

    def before_relang(self) -> None:
        self.typed = self.query_one("#path", Input).value

    @on(DirectoryTree.FileSelected)
    def picked(self, event: DirectoryTree.FileSelected) -> None:
        self.open(event.path)

    @on(Input.Submitted, "#path")
    def typed_path(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.open(Path(event.value.strip()).expanduser())

    def open(self, path: Path) -> None:
        self.app.pop_screen()
        self.coach.open_intake(path)

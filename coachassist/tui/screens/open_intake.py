"""Open a saved intake: pick it in the intake folder, or type its path; dismissed with the path
(None: back to the start)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DirectoryTree, Footer, Input, Label, Static

from coachassist import workspace
from coachassist.tui.screens.base import BaseScreen
from coachassist.tui.widgets.titlebar import TitleBar


class IntakeTree(DirectoryTree):
    """Folders and ``.toml`` files only; hidden files stay hidden."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p for p in paths if not p.name.startswith(".") and (p.is_dir() or p.suffix == ".toml")
        ]


class OpenScreen(BaseScreen[Path | None]):
    DEFAULT_CSS = """
    OpenScreen {
        #tree { height: 1fr; margin: 1 2 0 2; }
        Label, Input { margin: 0 2; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", "tui.key.back")]
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
        yield Footer()

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
        self.dismiss(path)

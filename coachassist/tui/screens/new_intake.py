"""Name a new intake (or self-scan) and choose where its file goes.

The screen creates the intake file and dismisses with it (None: back to the start); a file that
exists already, or a folder that cannot be written, is shown on the screen.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Input, Label, Static

from coachassist import workspace
from coachassist.errors import UserError, describe
from coachassist.intake.progress import IntakeProgress, Mode
from coachassist.kb.loader import KnowledgeBase
from coachassist.tui.render import plain
from coachassist.tui.screens.base import BaseScreen
from coachassist.tui.widgets.titlebar import TitleBar


class NewIntakeScreen(BaseScreen[IntakeProgress | None]):
    DEFAULT_CSS = """
    NewIntakeScreen {
        #form { padding: 0 2; }
        #form Label { margin: 1 0 0 0; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", "tui.key.back")]
    AUTO_FOCUS = "#title"

    def __init__(self, kb: KnowledgeBase, mode: Mode, path: Path | None = None) -> None:
        super().__init__()
        self.kb = kb
        self.mode = mode
        self.fixed_path = path  # given on the command line, or typed by the user
        self.title_text = ""

    def default_title(self) -> str:
        return self.tr(f"tui.new.default_title_{self.mode}", date=date.today().isoformat())

    def compose(self) -> ComposeResult:
        yield TitleBar(self.tr(f"tui.new.heading_{self.mode}"))
        with Vertical(id="form"):
            yield Static(self.tr(f"tui.new.intro_{self.mode}"), classes="intro")
            yield Label(self.tr("tui.new.title_label"))
            yield Input(self.title_text, placeholder=self.default_title(), id="title")
            yield Static(self.tr("tui.new.no_names"), classes="hint")
            yield Label(self.tr("tui.new.path_label"))
            yield Input(str(self.path_for(self.title_text)), id="path")
            yield Static("", id="problem", classes="problem", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.tr("tui.button.back"), id="back")
                yield Button(self.tr("tui.new.start"), id="start", variant="primary")
        yield Footer()

    def path_for(self, title: str) -> Path:
        return self.fixed_path or workspace.suggest_path(title or self.default_title())

    def before_relang(self) -> None:
        self.title_text = self.query_one("#title", Input).value
        self.fixed_path = Path(self.query_one("#path", Input).value).expanduser()

    def after_relang(self) -> None:
        self.query_one("#title").focus()

    @on(Input.Changed, "#title")
    def title_changed(self, event: Input.Changed) -> None:
        if self.fixed_path is None:
            self.query_one("#path", Input).value = str(self.path_for(event.value))

    @on(Input.Changed, "#path")
    def path_changed(self, event: Input.Changed) -> None:
        if event.input.has_focus:
            self.fixed_path = Path(event.value).expanduser()

    @on(Input.Submitted, "#title")
    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#start")
    def start(self) -> None:
        title = self.query_one("#title", Input).value.strip() or self.default_title()
        raw = self.query_one("#path", Input).value.strip()
        if not raw:
            self.query_one("#problem", Static).update(self.tr("tui.new.need_path"))
            return
        path = Path(raw).expanduser()
        if path.suffix != ".toml":
            path = path.with_name(path.name + ".toml")
        try:
            progress = IntakeProgress.new(self.kb, path, title, self.mode)
        except (UserError, OSError) as error:
            self.query_one("#problem", Static).update(plain(describe(error, self.lang)))
            return
        self.dismiss(progress)

    @on(Button.Pressed, "#back")
    def back(self) -> None:
        self.dismiss(None)

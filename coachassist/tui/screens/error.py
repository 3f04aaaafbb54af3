"""A clear message instead of a traceback: a damaged intake file, or knowledge-base problems."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from coachassist.tui.render import plain
from coachassist.tui.screens.base import BaseScreen
from coachassist.tui.widgets.titlebar import TitleBar


class ErrorScreen(BaseScreen[None]):
    """Dismissed with Esc; a fatal one (nothing works without a knowledge base) stays."""

    DEFAULT_CSS = """
    ErrorScreen {
        #error-body { padding: 1 2; text-style: bold; color: $error; }
        #error-details { height: 1fr; padding: 0 2; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "tui.key.back")]

    def __init__(self, title: str, body: str, details: list[str], *, fatal: bool = False):
        super().__init__()
        self.title_key, self.body_key, self.details, self.fatal = title, body, details, fatal

    def compose(self) -> ComposeResult:
        yield TitleBar(self.tr(self.title_key))
        yield Static(self.tr(self.body_key), id="error-body")
        with VerticalScroll(id="error-details"):
            yield Static(plain("\n".join(self.details)), markup=False)
        hint = "tui.error.quit_hint" if self.fatal else "tui.error.back_hint"
        yield Static(self.tr(hint), classes="hint")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "close" and self.fatal)

    def action_close(self) -> None:
        self.dismiss()

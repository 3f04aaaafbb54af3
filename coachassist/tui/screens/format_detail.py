"""A format's full description: purpose, steps, materials, and why it was suggested."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from coachassist.diagnosis import Suggestion
from coachassist.kb.models import Format
from coachassist.tui.render import format_text
from coachassist.tui.screens.base import BaseScreen
from coachassist.tui.widgets.footer import LangFooter
from coachassist.tui.widgets.titlebar import TitleBar


class FormatScreen(BaseScreen):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "tui.key.back")]
    AUTO_FOCUS = "#format"

    def __init__(self, fmt: Format, suggestion: Suggestion | None = None) -> None:
        super().__init__()
        self.fmt, self.suggestion = fmt, suggestion

    def compose(self) -> ComposeResult:
        yield TitleBar(self.tr("tui.format.heading", name=self.fmt.name(self.lang)), markup=False)
        with VerticalScroll(id="format"):
            yield Static(format_text(self.fmt, self.coach.kb, self.lang, self.tr, self.suggestion))
        yield LangFooter()

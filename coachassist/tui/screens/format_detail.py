"""A format's full description: purpose, steps, materials, and why it was suggested."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from coachassist.diagnosis import Suggestion
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Format
from coachassist.tui.render import format_text
from coachassist.tui.screens.base import BaseScreen
from coachassist.tui.widgets.titlebar import TitleBar


class FormatScreen(BaseScreen[None]):
    DEFAULT_CSS = """
    FormatScreen #format { padding: 1 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", "tui.key.back")]
    AUTO_FOCUS = "#format"

    def __init__(
        self, kb: KnowledgeBase, fmt: Format, suggestion: Suggestion | None = None
    ) -> None:
        super().__init__()
        self.kb, self.fmt, self.suggestion = kb, fmt, suggestion

    def compose(self) -> ComposeResult:
        yield TitleBar(self.tr("tui.format.heading", name=self.fmt.name(self.lang)), markup=False)
        with VerticalScroll(id="format"):
            yield Static(format_text(self.fmt, self.kb, self.lang, self.tr, self.suggestion))
        yield Footer()

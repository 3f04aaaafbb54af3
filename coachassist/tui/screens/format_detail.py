"""A format's full description: purpose, steps, materials, labels, why it was suggested, and
its printable card (C: Markdown and HTML, the card ``coachassist format ID`` writes)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from coachassist.diagnosis import Diagnosis, Suggestion
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Format
from coachassist.tui.render import format_text, plain
from coachassist.tui.screens.base import BaseScreen
from coachassist.tui.widgets.titlebar import TitleBar


class FormatScreen(BaseScreen[None]):
    DEFAULT_CSS = """
    FormatScreen #format { padding: 1 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "tui.key.back"),
        Binding("c", "card", "tui.key.card"),
    ]
    AUTO_FOCUS = "#format"

    def __init__(
        self,
        kb: KnowledgeBase,
        fmt: Format,
        suggestion: Suggestion | None = None,
        diagnosis: Diagnosis | None = None,
        *,
        folder: Path | None = None,
    ) -> None:
        super().__init__()
        self.kb, self.fmt, self.suggestion, self.diagnosis = kb, fmt, suggestion, diagnosis
        self.folder = folder  # where the card is saved: the intake's folder, else the default

    def compose(self) -> ComposeResult:
        yield TitleBar(self.tr("tui.format.heading", name=self.fmt.name(self.lang)), markup=False)
        with VerticalScroll(id="format"):
            yield Static(
                format_text(self.fmt, self.kb, self.lang, self.tr, self.suggestion, self.diagnosis)
            )
        yield Footer()

    def action_card(self) -> None:
        from coachassist import workspace
        from coachassist.tui.export import deliver, export_card

        folder = self.folder or workspace.intake_dir()
        try:
            paths = export_card(self.kb, self.fmt, folder, self.lang)
        except Exception as error:  # a read-only folder, a full disk: a message, never a crash
            failed = self.tr("tui.format.card_failed", error=str(error))
            self.notify(plain(failed), severity="error", markup=False)
            return
        done = self.tr("tui.format.card_done", paths="\n".join(str(p) for p in paths))
        self.notify(plain(done), timeout=10, markup=False)
        deliver(self, paths)

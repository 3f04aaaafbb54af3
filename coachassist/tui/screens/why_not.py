"""Why (not): pick any dysfunction of the catalogue and see the nearest rules that could conclude
it, each condition with its measured value and distance, and for a finding the smallest change
in one score that would remove it (engine/whynot.py; withheld figures are never shown).

Pushed by the results screen (key W), gone with Esc.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from coachassist.intake.models import Intake
from coachassist.kb.loader import KnowledgeBase
from coachassist.tui.render import plain
from coachassist.tui.screens.base import BaseScreen
from coachassist.tui.widgets.titlebar import TitleBar


class WhyNotScreen(BaseScreen[None]):
    DEFAULT_CSS = """
    WhyNotScreen {
        #whynot-list { width: 40; height: 100%; }
        #whynot-answer { padding: 0 2; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", "tui.key.back")]
    AUTO_FOCUS = "#whynot-list"

    def __init__(self, kb: KnowledgeBase, intake: Intake, first: str | None = None) -> None:
        super().__init__()
        self.kb, self.intake = kb, intake
        self.current = first or next(iter(sorted(kb.dysfunctions)), None)

    def compose(self) -> ComposeResult:
        yield TitleBar(self.tr("tui.whynot.heading"), markup=False)
        names = sorted(self.kb.dysfunctions.values(), key=lambda d: d.name(self.lang))
        with Horizontal():
            yield OptionList(
                *[Option(plain(d.name(self.lang)), id=d.id) for d in names], id="whynot-list"
            )
            with VerticalScroll(id="whynot-answer"):
                yield Static(self.answer(), id="whynot-text", markup=False)
        yield Footer()

    def answer(self) -> str:
        from coachassist.engine.whynot import lines, why_not

        if self.current is None:
            return ""
        try:
            return plain("\n".join(lines(why_not(self.kb, self.intake, self.current), self.lang)))
        except Exception as error:  # shown, never a traceback
            return plain(str(error) or type(error).__name__)

    @on(OptionList.OptionHighlighted, "#whynot-list")
    @on(OptionList.OptionSelected, "#whynot-list")
    def chosen(self, event: OptionList.OptionHighlighted | OptionList.OptionSelected) -> None:
        if event.option.id and event.option.id != self.current:
            self.current = event.option.id
            self.query_one("#whynot-text", Static).update(self.answer())

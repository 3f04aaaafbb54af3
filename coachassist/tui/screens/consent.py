"""The lead's consent: may their answers be shown separately as "the lead's view"?

Shown by the app's flow before a lead's first question on a coach intake (never on a self-scan,
where the lead is also the only reader). The texts are the ones the collection pages use
(``consent.lead_view.*``). Dismisses with True or False, or None when Esc goes back.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Static
from textual.widgets.option_list import Option

from coachassist.tui.screens.base import BaseScreen
from coachassist.tui.widgets.choices import ChoiceList, numbered
from coachassist.tui.widgets.titlebar import TitleBar


class ConsentScreen(BaseScreen[bool | None]):
    DEFAULT_CSS = """
    ConsentScreen {
        #consent-question { padding: 1 2 0 2; text-style: bold; height: auto; }
        #consent { height: auto; margin: 1 2 0 2; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "tui.key.back")]
    AUTO_FOCUS = "#consent"

    def compose(self) -> ComposeResult:
        yield TitleBar(self.tr("consent.lead_view.title"))
        yield Static(self.tr("consent.lead_view.intro"), classes="intro", markup=False)
        yield Static(self.tr("consent.lead_view.question"), id="consent-question", markup=False)
        options = [
            Option(numbered(0, self.tr("consent.lead_view.yes")), id="yes"),
            Option(numbered(1, self.tr("consent.lead_view.no")), id="no"),
        ]
        yield ChoiceList(options, id="consent")  # nothing pre-chosen: an explicit answer
        yield Static(self.tr("tui.consent.hint"), classes="hint")
        yield Footer()

    def action_back(self) -> None:
        self.dismiss(None)

    @on(ChoiceList.OptionSelected, "#consent")
    def chosen(self, event: ChoiceList.OptionSelected) -> None:
        self.dismiss(event.option.id == "yes")

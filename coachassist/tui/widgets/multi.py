"""Multiple choice: digits or Space tick an option, Enter confirms the whole choice."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import SelectionList
from textual.widgets.selection_list import Selection

from coachassist.tui.widgets.choices import DIGITS


class MultiChoice(SelectionList[str]):
    """A SelectionList: digits or Space toggle, Enter confirms the whole choice."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "confirm", show=False),
        *[Binding(d, f"flip({i})", show=False) for i, d in enumerate(DIGITS)],
    ]

    class Confirmed(Message):
        pass

    def __init__(self, selections: list[Selection[str]], **kwargs: object):
        super().__init__(*selections, **kwargs)  # type: ignore[arg-type]

    def action_flip(self, index: int) -> None:
        if index < self.option_count:
            self.highlighted = index
            self.toggle(self.get_option_at_index(index).value)

    def action_confirm(self) -> None:
        self.post_message(self.Confirmed())

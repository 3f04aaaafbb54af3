"""A cheap, line-based choice list where the number keys pick an option at once."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from coachassist.tui.render import plain

DIGITS = "1234567890"


def numbered(index: int, label: str, style: str = "") -> Text:
    """``3  Agree``: the number key that picks this option, then its label (never markup)."""
    key = DIGITS[index] if index < len(DIGITS) else " "
    return Text.assemble((f"{key}  ", "bold"), (plain(label), style))


class ChoiceList(OptionList):
    """An OptionList where the digit keys pick an option at once (1 = first, 0 = tenth)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(d, f"pick({i})", show=False) for i, d in enumerate(DIGITS)
    ]

    def __init__(self, options: list[Option], *, selected: int | None = None, **kwargs: object):
        super().__init__(*options, **kwargs)  # type: ignore[arg-type]
        self._initial = selected

    def on_mount(self) -> None:
        self.highlighted = self._initial  # None: nothing pre-chosen, so Enter alone picks nothing

    def action_pick(self, index: int) -> None:
        if index < self.option_count and not self.get_option_at_index(index).disabled:
            self.highlighted = index
            self.action_select()

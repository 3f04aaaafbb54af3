"""Answer widgets: cheap line-based lists with number keys, and a text box where Enter submits."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList, SelectionList, TextArea
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

DIGITS = "1234567890"


def numbered(index: int, label: str, style: str = "") -> Text:
    """``3  Agree``: the number key that picks this option, then its label (never markup)."""
    key = DIGITS[index] if index < len(DIGITS) else " "
    return Text.assemble((f"{key}  ", "bold"), (label, style))


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
            self.toggle(self.get_option_at_index(index).value)  # type: ignore[attr-defined]

    def action_confirm(self) -> None:
        self.post_message(self.Confirmed())


class AnswerText(TextArea):
    """A wrapping text box for an open answer; Enter submits instead of starting a new line."""

    class Submitted(Message):
        pass

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted())

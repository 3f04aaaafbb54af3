"""Every key of a screen, for screens whose footer shows only the main ones.

A standard terminal is 80 columns wide: the results and the plan have more keys than fit in
one footer line in Dutch, so their footer shows the main keys and ``?`` (Keys) opens this list.
Choosing a row does what its key does, so every key can be reached with the mouse too. Such a
screen is a ``KeysListed`` and puts ``KEYS`` in its BINDINGS where it wants it in the footer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.dom import DOMNode
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from coachassist.tui.screens.base import BaseScreen
from coachassist.tui.widgets.titlebar import TitleBar

ResultType = TypeVar("ResultType")
KEYS = Binding("question_mark", "keys", "tui.key.keys")


@dataclass(frozen=True)
class KeyRow:
    keys: list[Binding]  # every key bound to the action, e.g. Del and X
    description: str  # a message key
    action: str
    node: DOMNode  # where the action runs: the screen or the app
    enabled: bool


def key_rows(bindings: dict[str, ActiveBinding]) -> list[KeyRow]:
    """One row an action of ours (a ``tui.`` description), in the order of the footer."""
    rows: dict[tuple[int, str], KeyRow] = {}
    for node, binding, enabled, _ in bindings.values():
        if not binding.description.startswith("tui.") or binding.action == "keys":
            continue
        row = rows.setdefault(
            (id(node), binding.action),
            KeyRow([], binding.description, binding.action, node, enabled),
        )
        row.keys.append(binding)
    return list(rows.values())


class KeysScreen(BaseScreen[int | None]):
    """Dismissed with the index of the chosen row, or None (Esc)."""

    DEFAULT_CSS = """
    KeysScreen {
        #keys-intro { padding: 1 2; color: $text-muted; height: auto; }
        #keys { height: 1fr; margin: 0 2; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "tui.key.back")]
    AUTO_FOCUS = "#keys"

    def __init__(self, rows: list[KeyRow]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        shown = [" / ".join(self.app.get_key_display(b) for b in row.keys) for row in self.rows]
        width = max(map(len, shown), default=0)
        yield TitleBar(self.tr("tui.keys.heading"), markup=False)
        yield Static(self.tr("tui.keys.intro"), id="keys-intro", markup=False)
        yield OptionList(
            *[
                Option(
                    Text.assemble((keys.ljust(width), "bold"), "  ", self.tr(row.description)),
                    id=str(index),
                    disabled=not row.enabled,
                )
                for index, (keys, row) in enumerate(zip(shown, self.rows, strict=True))
            ],
            id="keys",
        )
        yield Footer()

    @on(OptionList.OptionSelected, "#keys")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_close(self) -> None:
        self.dismiss(None)


class KeysListed(BaseScreen[ResultType]):
    """A screen whose ``?`` lists every key of it (``KEYS`` in its BINDINGS)."""

    def action_keys(self) -> None:
        """Every key of this screen in a list; choosing one does what the key does."""
        rows = key_rows(self.untranslated_bindings)

        async def chosen(index: int | None) -> None:
            if index is not None:
                await self.app.run_action(rows[index].action, rows[index].node)

        self.app.push_screen(KeysScreen(rows), callback=chosen)

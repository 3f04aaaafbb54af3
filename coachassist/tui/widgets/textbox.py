"""A wrapping text box for an open answer (imported only when a text question is shown)."""

from __future__ import annotations

from rich.style import Style
from textual import events
from textual.message import Message
from textual.widgets import TextArea


class AnswerText(TextArea):
    """A wrapping text box for an open answer; Enter submits instead of starting a new line."""

    class Submitted(Message):
        pass

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted())

    def get_component_rich_style(
        self, *names: str, partial: bool = False, default: Style | None = None
    ) -> Style:
        """Textual 8.2 drops a widget's component styles when it is removed, yet a draw that
        was already queued may still run: TextArea's theme then asks for "text-area--gutter"
        and raises KeyError (Textualize/textual#6208, #6528). Here a missing component style
        is a plain one, and the theme falls back to its base style."""
        return super().get_component_rich_style(
            *names, partial=partial, default=default or Style.null()
        )

"""A wrapping text box for an open answer (imported only when a text question is shown)."""

from __future__ import annotations

from textual import events
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
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

    def render_lines(self, crop: Region) -> list[Strip]:
        """Textual 8.2 can draw a TextArea while its component styles are missing: just after
        it was removed (they are cleared) or before they are first computed. TextArea's theme
        then raises ``KeyError: "No 'text-area--gutter' key in COMPONENT_CLASSES"``
        (Textualize/textual#6208, #6528). Such a draw is blank here, and repeated once the
        styles are there, instead of crashing the app."""
        try:
            return super().render_lines(crop)
        except KeyError as error:
            if "COMPONENT_CLASSES" not in str(error):
                raise
            if self.is_attached:
                self.call_after_refresh(self.refresh)
            return [Strip.blank(crop.width)] * crop.height

"""A wrapping text box for an open answer (imported only when a text question is shown)."""

from __future__ import annotations

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

"""A one-line title bar: cheaper than Header and without a clock (stable snapshots)."""

from __future__ import annotations

from typing import Any

from textual.visual import VisualType
from textual.widgets import Static

from coachassist.tui.render import plain


class TitleBar(Static):
    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        height: 1;
        padding: 0 1;
        background: $primary;
        color: $text;
        text-style: bold;
    }
    """

    def __init__(self, content: VisualType = "", **kwargs: Any) -> None:
        super().__init__(plain(content) if isinstance(content, str) else content, **kwargs)

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        """A title may hold an intake's name: control characters are made visible."""
        super().update(plain(content) if isinstance(content, str) else content, layout=layout)

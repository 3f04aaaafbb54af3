"""A Footer that shows binding descriptions in the app's current language.

Binding descriptions are message keys (``tui.key.back``); Textual reads them at import time,
so they are translated here, each time the footer is drawn.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from coachassist.i18n import t


class LangFooter(Footer):
    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        lang = getattr(self.app, "lang", "en")
        seen: set[str] = set()
        keys: list[FooterKey] = []
        for _, binding, enabled, tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            text = binding.description
            if text.startswith("tui."):
                text = t(text, lang)
            keys.append(
                FooterKey(
                    binding.key,
                    self.app.get_key_display(binding),
                    text,
                    binding.action,
                    disabled=not enabled,
                    tooltip=tooltip,
                ).data_bind(compact=Footer.compact)
            )
        self.styles.grid_size_columns = len(keys)
        yield from keys

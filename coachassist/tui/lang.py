"""The app's language: one reactive on the app, watched by every screen.

Binding descriptions are message keys (``tui.key.back``): Textual reads them at import time,
so ``translated_bindings`` turns them into words in the current language for the Footer.
"""

from __future__ import annotations

from dataclasses import replace

from textual.app import App
from textual.binding import ActiveBinding
from textual.reactive import reactive

from coachassist.i18n import Lang, t


class LangApp(App[None]):
    """An app with a language; ``ctrl+l`` (bound by the subclass) switches it."""

    lang: reactive[Lang] = reactive[Lang]("nl", init=False)

    def tr(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def action_toggle_lang(self) -> None:
        self.lang = "en" if self.lang == "nl" else "nl"


def translated_bindings(bindings: dict[str, ActiveBinding], lang: Lang) -> dict[str, ActiveBinding]:
    """The same bindings, with descriptions that are message keys put into words."""
    return {
        key: active._replace(binding=replace(active.binding, description=t(description, lang)))
        if (description := active.binding.description).startswith("tui.")
        else active
        for key, active in bindings.items()
    }

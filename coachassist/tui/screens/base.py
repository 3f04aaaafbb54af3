"""The base of every screen: translated text, and a rebuild when the app's language changes.

A screen is a ``Screen[T]``: it gets what it needs in its constructor, and it ends by
``self.dismiss(result)``; whoever pushed it (the app's flow, or a screen showing a detail)
decides what comes next. A screen never calls methods on the app to navigate.
"""

from __future__ import annotations

from typing import TypeVar, cast

from textual.binding import ActiveBinding
from textual.screen import Screen

from coachassist.i18n import Lang, t
from coachassist.tui.lang import LangApp, translated_bindings

ResultType = TypeVar("ResultType")


class BaseScreen(Screen[ResultType]):
    @property
    def lang(self) -> Lang:
        return cast(LangApp, self.app).lang

    def tr(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def role_name(self, role: str, *, plural: bool = False) -> str:
        """A role id (member, lead) in words; an unknown role from a trainer's KB as it is."""
        try:
            return self.tr(f"tui.role.{role}{'_plural' if plural else ''}")
        except KeyError:
            return role

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return translated_bindings(self.untranslated_bindings, self.lang)

    @property
    def untranslated_bindings(self) -> dict[str, ActiveBinding]:
        """The active bindings with their descriptions as message keys (``tui.key.back``)."""
        return super().active_bindings

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self.relang, init=False)

    def before_relang(self) -> None:
        """Keep anything typed but not yet saved; the widgets are about to be rebuilt."""

    def after_relang(self) -> None:
        """Restore focus and the like after the rebuild."""

    async def relang(self) -> None:
        """Rebuild in the new language (every screen on the stack does, so going back to one
        shows it in the language of the moment)."""
        self.before_relang()
        await self.recompose()
        self.after_relang()
        self.refresh_bindings()

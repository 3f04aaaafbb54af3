"""The base of every screen: translated text, and a rebuild when the language changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

from coachassist.i18n import t

if TYPE_CHECKING:
    from coachassist.tui.app import CoachApp


class BaseScreen(Screen[None]):
    stale = False  # the language changed while another screen was on top

    @property
    def coach(self) -> CoachApp:
        return cast("CoachApp", self.app)

    @property
    def lang(self) -> str:
        return cast("CoachApp", self.app).lang

    def tr(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)  # type: ignore[arg-type]

    def role_name(self, role: str, *, plural: bool = False) -> str:
        """A role id (member, lead) in words; an unknown role from a trainer's KB as it is."""
        try:
            return self.tr(f"tui.role.{role}{'_plural' if plural else ''}")
        except KeyError:
            return role

    def before_relang(self) -> None:
        """Keep anything typed but not yet saved; the widgets are about to be rebuilt."""

    def after_relang(self) -> None:
        """Restore focus and the like after the rebuild."""

    async def relang(self) -> None:
        self.stale = False
        self.before_relang()
        await self.recompose()
        self.after_relang()

    async def on_screen_resume(self) -> None:
        if self.stale:
            await self.relang()

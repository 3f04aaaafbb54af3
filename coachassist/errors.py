"""Errors a user can fix; the CLI and the app show them as one clear line, in the reader's
language: a ``UserError`` carries a ``Message`` (a catalogue key and its values), and the place
that knows the language renders it (``error.render(lang)``, as ``Problem.render`` for the
knowledge base). ``str(error)`` is the English, for logs and tests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # the engine worker raises these and must not load the catalogue
    from coachassist.i18n import Lang, Message


class Renderable(Protocol):
    def render(self, lang: Lang) -> str: ...


class UserError(Exception):
    """Bad input (a file, an option). ``message`` is a ``Message`` (or anything with
    ``render(lang)``, as a knowledge-base ``Problem``); plain text only where it is already
    in the reader's language or is a file's own words."""

    exit_code = 2

    def __init__(self, message: str | Message | Renderable) -> None:
        super().__init__(message)
        self.message = message

    def render(self, lang: Lang = "en") -> str:
        """The whole message for the user, in ``lang``."""
        message = self.message
        return message if isinstance(message, str) else message.render(lang)

    def __str__(self) -> str:
        return self.render("en")


def describe(error: BaseException, lang: Lang) -> str:
    """One line for the user: a UserError in ``lang``, any other error as Python words it."""
    return error.render(lang) if isinstance(error, UserError) else str(error)

"""argparse in the reader's language: help, usage and argparse's own error lines.

Help texts are message keys (``help="cli.help.diagnose_jobs"``), put into words when the help is
shown, as the app does with its key bindings. argparse's own words ("usage:", "the following
arguments are required") pass through its module-level gettext ``_()``; rather than change that
for the whole process, ``LocalizedParser.error`` matches the English line against the templates
in ``messages/cli.toml`` (``cli.argparse.*``, whose English is argparse's own wording) and says
it in Dutch. An English line, or one no template matches, is shown as argparse wrote it.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from typing import Any, NoReturn

from coachassist.i18n import Lang, recognise, t

KEY_PREFIXES = ("cli.help.", "cli.command.")
# argparse's messages a user meets, and the option types' own (raised as ArgumentTypeError,
# which argparse shows in English as str()); "argument X: ..." wraps the others, so it is last
_ERRORS = (
    *(
        f"cli.argparse.{name}"
        for name in (
            "required",
            "unrecognized",
            "one_required",
            "ambiguous",
            "invalid_choice",
            "invalid_value",
            "expected_one",
            "expected_at_most_one",
            "expected_at_least_one",
            "expected_n",
            "not_allowed_with",
            "ignored_explicit",
        )
    ),
    "cli.option.not_a_port",
    "cli.argparse.argument",
)


def words(text: str | None, lang: Lang) -> str | None:
    """A help text that is a message key, in ``lang``; any other text as it is."""
    if text and text.startswith(KEY_PREFIXES):
        return t(text, lang)
    return text


class LocalizedFormatter(argparse.HelpFormatter):
    def __init__(self, prog: str, *, lang: Lang = "en", **kwargs: Any) -> None:
        super().__init__(prog, **kwargs)
        self.lang = lang

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        prefix = prefix if prefix is not None else t("cli.argparse.usage", self.lang)
        super().add_usage(usage, actions, groups, prefix)

    def add_text(self, text: str | None) -> None:
        super().add_text(words(text, self.lang))

    def _get_help_string(self, action: argparse.Action) -> str | None:
        help_text = action.help
        if help_text and help_text.startswith(KEY_PREFIXES):
            return t(help_text, self.lang).replace("%", "%%")  # argparse %-formats help texts
        return help_text


class LocalizedParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and errors are in ``lang``; its subparsers inherit it."""

    def __init__(self, *args: Any, lang: Lang = "en", **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", partial(LocalizedFormatter, lang=lang))
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self.lang = lang
        self._positionals.title = t("cli.argparse.positionals", lang)
        self._optionals.title = t("cli.argparse.options", lang)
        self.add_argument(
            "-h", "--help", action="help", default=argparse.SUPPRESS, help="cli.help.help"
        )

    def add_subparsers(self, **kwargs: Any) -> Any:
        sub = super().add_subparsers(**kwargs)
        sub.add_parser = partial(sub.add_parser, lang=self.lang)  # type: ignore[method-assign]
        return sub

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        said = translate(message, self.lang)
        self.exit(2, t("cli.argparse.error", self.lang, prog=self.prog, message=said) + "\n")


def translate(message: str, lang: Lang) -> str:
    """One of argparse's English error messages in ``lang`` (as it is when none matches)."""
    said = recognise(message, _ERRORS) if lang != "en" else None
    if said is None:
        return message
    if "message" in said.values:  # "argument --jobs: <another of argparse's messages>"
        said.values["message"] = translate(str(said.values["message"]), lang)
    return said.render(lang)

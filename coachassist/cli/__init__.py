"""The ``coachassist`` command. With no arguments it opens the app; subcommands do the rest.

Every subcommand lives in its own module and is imported only when called, so the
non-interactive commands never import Textual.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path
from typing import TextIO

from coachassist.errors import UserError
from coachassist.i18n import default_lang, t
from coachassist.kb.problems import KnowledgeBaseError
from coachassist.terminal import SafeStream, clean

# subcommand -> (module in coachassist.cli, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("kb_commands", "validate the knowledge base and print its counts"),
    "schema": ("kb_commands", "print the JSON Schema of a knowledge-base file kind"),
    "app": ("app", "open the app (the default): intake, questionnaire, results, formats"),
    "serve": ("app", "serve the app in a web browser (textual-serve), on 127.0.0.1 by default"),
    "diagnose": ("diagnose", "diagnose a team from an intake or response files"),
    "test-rules": ("diagnose", "run the rule test cases of the knowledge base"),
    "plan": ("report", "make a session plan for a team from its intake"),
    "report": ("report", "write the shareable report (Markdown or HTML) of a team"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coachassist", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.add_argument(
            "--kb",
            action="append",
            type=Path,
            default=[],
            metavar="DIR",
            help="extra knowledge-base folder; repeatable, later folders override by id",
        )
        command.add_argument(
            "--lang", choices=("nl", "en"), default=default_lang(), help="language of the output"
        )
        _module(module).add_arguments(name, command)
    return parser


def _module(name: str):
    return import_module(f"coachassist.cli.{name}")


def _version() -> str:
    from coachassist import __version__

    return f"coachassist {__version__}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; its output and errors pass through ``SafeStream``, so no control or bidi
    character from a file reaches the terminal raw. The app draws its own screen: not wrapped."""
    raw = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = (SafeStream(s) if s is not None else s for s in raw)  # type: ignore[assignment]
    try:
        return _run(argv, raw)
    finally:
        sys.stdout, sys.stderr = raw


def _run(argv: Sequence[str] | None, raw: tuple[TextIO, TextIO]) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if "app" in COMMANDS and (not args_list or args_list[0].startswith(("--kb", "--lang"))):
        args_list.insert(0, "app")
    parser = build_parser()
    args = parser.parse_args(args_list)
    module, _ = COMMANDS[args.command]
    if args.command in ("app", "serve"):
        sys.stdout, sys.stderr = raw
    try:
        return int(_module(module).run(args.command, args) or 0)
    except KnowledgeBaseError as error:
        for problem in error.problems:
            _error(str(problem))
        _error(t("check.failed", args.lang, count=len(error.problems)))
        return 1
    except UserError as error:
        _error(f"coachassist: {error}")
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into e.g. `head`, which closed early
        sys.stderr.close()
        return 0
    except Exception as error:  # the last guard: never a traceback for a user
        if os.environ.get("COACHASSIST_DEBUG"):
            raise
        _error(
            f"coachassist: internal error ({type(error).__name__}: {error}); "
            "set COACHASSIST_DEBUG=1 to see the details"
        )
        return 3


def _error(line: str) -> None:
    """One error line on stderr, cleaned even where stderr is not wrapped (the app)."""
    print(clean(line), file=sys.stderr)

"""The coachassist command: with no command it opens the app; the commands do the rest.

Every command lives in its own module and is imported only when called, so the
non-interactive commands never import Textual (an import-linter contract checks this).
``--lang`` and ``--kb`` work before and after every command.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import TextIO

from coachassist.cli.parsing import LocalizedParser
from coachassist.errors import UserError
from coachassist.i18n import LANGS, Lang, default_lang, t
from coachassist.kb.problems import KnowledgeBaseError
from coachassist.terminal import SafeStream, clean

# command -> (module in coachassist.cli, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("kb_commands", "cli.command.check"),
    "schema": ("kb_commands", "cli.command.schema"),
    "app": ("app", "cli.command.app"),
    "serve": ("app", "cli.command.serve"),
    "collect": ("collect", "cli.command.collect"),
    "diagnose": ("diagnose", "cli.command.diagnose"),
    "test-rules": ("diagnose", "cli.command.test_rules"),
    "decide": ("decide", "cli.command.decide"),
    "compare": ("compare", "cli.command.compare"),
    "overview": ("overview", "cli.command.overview"),
    "plan": ("report", "cli.command.plan"),
    "report": ("report", "cli.command.report"),
    "sheet": ("report", "cli.command.sheet"),
    "format": ("formats", "cli.command.format"),
    "formats": ("formats", "cli.command.formats"),
    "new": ("authoring", "cli.command.new"),
    "explain": ("authoring", "cli.command.explain"),
    "rulebook": ("authoring", "cli.command.rulebook"),
}
DEFAULT_COMMAND = "app"
VALUE_OPTIONS = ("--lang", "--kb")  # the options that may come before the command


def _add_common(parser: argparse.ArgumentParser, suffix: str) -> None:
    """``--kb`` and ``--lang``; before the command they land in ``*_before``, after it in
    ``*_after``, and ``main`` merges the two."""
    parser.add_argument(
        "--kb",
        action="append",
        type=Path,
        default=[],
        dest=f"kb_{suffix}",
        metavar="DIR",
        help="cli.help.kb",
    )
    parser.add_argument(
        "--lang",
        choices=LANGS,
        default=None,
        dest=f"lang_{suffix}",
        help="cli.help.lang",
    )


def build_parser(
    only: str | None = None, listed: bool = True, lang: Lang = "en"
) -> argparse.ArgumentParser:
    """The whole command line, its help and argparse's errors in ``lang``. With ``only``, the
    other commands get no arguments (their modules are not imported), and with
    ``listed=False`` they are left out altogether (only the top-level ``--help`` lists them):
    parsing a line that names ``only`` gives the same result, help and errors either way."""
    parser = LocalizedParser(prog="coachassist", description="cli.help.description", lang=lang)
    parser.add_argument("--version", action="version", version=_version(), help="cli.help.version")
    _add_common(parser, "before")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        if not listed and name != only:
            continue
        command = sub.add_parser(name, help=help_text, description=help_text)
        if only in (None, name):
            _add_common(command, "after")
            _module(module).add_arguments(name, command)
    return parser


def _module(name: str) -> ModuleType:
    return import_module(f"coachassist.cli.{name}")


def _version() -> str:
    from coachassist import __version__

    return f"coachassist {__version__}"


def _command_index(args: list[str]) -> int | None:
    """Where the command (the first word that is no option or option value) stands, if any."""
    index = 0
    while index < len(args):
        word = args[index]
        if word == "--":
            return index + 1 if index + 1 < len(args) else None
        if word in VALUE_OPTIONS:
            index += 2
            continue
        if not word.startswith("-"):
            return index
        index += 1
    return None


def _plain_options(words: list[str]) -> bool:
    """Only ``--kb``/``--lang`` and their values: nothing that could print the top-level help."""
    values = {i + 1 for i, word in enumerate(words) if word in VALUE_OPTIONS}
    return all(
        i in values or word in VALUE_OPTIONS or word.startswith(("--kb=", "--lang="))
        for i, word in enumerate(words)
    )


def _with_command(args: list[str], lang: Lang) -> list[str]:
    """The arguments with the command made explicit: ``app`` when none is given, or when the
    first word is an intake file (``coachassist team.toml``). A typo is refused with a hint."""
    index = _command_index(args)
    if index is None:
        return [*args, DEFAULT_COMMAND]
    word = args[index]
    if word in COMMANDS:
        return args
    if word.endswith(".toml") or Path(word).is_file():
        return [*args[:index], DEFAULT_COMMAND, *args[index:]]
    import difflib

    close = difflib.get_close_matches(word, list(COMMANDS), n=1, cutoff=0.6)
    hint = t("cli.did_you_mean", lang, suggestion=close[0]) if close else ""
    raise UserError(t("cli.unknown_command", lang, command=word, hint=hint))


def _early_lang(args: list[str]) -> Lang:
    """The language asked for anywhere on the line, for messages before parsing is done."""
    for index, word in enumerate(args):
        value = word.split("=", 1)[1] if word.startswith("--lang=") else None
        if word == "--lang" and index + 1 < len(args):
            value = args[index + 1]
        for lang in LANGS:
            if value == lang:
                return lang
    return default_lang()


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """Parse a command line (raises UserError for an unknown command, SystemExit for bad
    options, as argparse does); ``args.lang`` and ``args.kb`` merge both positions."""
    words = _with_command(list(argv), _early_lang(list(argv)))
    index = _command_index(words)
    only = None if index is None else words[index]
    listed = index is None or not _plain_options(words[:index])
    args = build_parser(only, listed, _early_lang(words)).parse_args(words)
    args.lang = args.lang_after or args.lang_before or default_lang()
    args.kb = [*args.kb_before, *args.kb_after]
    return args


# Commands that are done once their output is written: as the program, the process then ends
# at once (``entry``), without tearing the interpreter down object by object (~10 ms).
ENDS_AT_ONCE = ("diagnose",)


def entry() -> None:
    """The ``coachassist`` program (the console script and ``python -m coachassist``)."""
    code = main()
    words = sys.argv[1:]
    index = _command_index(words)
    if index is not None and words[index] in ENDS_AT_ONCE and _nothing_running():
        _end_at_once(code)
    sys.exit(code)


def _nothing_running() -> bool:
    """No other thread and no child process that a normal exit would wait for or clean up,
    and no profiler or tracer (``python -m cProfile``, coverage) that writes at the end."""
    threading = sys.modules.get("threading")
    return (
        "multiprocessing" not in sys.modules
        and (threading is None or threading.active_count() == 1)
        and sys.getprofile() is None
        and sys.gettrace() is None
    )


def _end_at_once(code: int) -> None:
    """What a normal exit does that matters here, then ``os._exit``: write what is buffered and
    run the exit handlers (the engine worker is stopped). Output into a pipe its reader closed
    (``| head``) ends quietly, as ``main`` ends it (a normal exit would print Python's "Exception
    ignored ... BrokenPipeError" and give status 120); any other failure exits normally."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None and not stream.closed:
                stream.flush()
        except BrokenPipeError:
            pass
        except (OSError, ValueError):
            return
    import atexit

    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_handlers is None:  # another Python: exit normally
        return
    run_exit_handlers()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; its output and errors pass through ``SafeStream``, so no control or bidi
    character from a file reaches the terminal raw. The app draws its own screen: not wrapped."""
    raw = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = (SafeStream(s) if s is not None else s for s in raw)
    try:
        return _run(argv, raw)
    finally:
        sys.stdout, sys.stderr = raw


def _run(argv: Sequence[str] | None, raw: tuple[TextIO, TextIO]) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    lang = _early_lang(words)
    try:
        args = parse(words)
        lang = args.lang
        for folder in args.kb if args.command != "new" else ():  # `new` may create it
            if not folder.is_dir():
                raise UserError(t("kbcheck.not_a_folder", lang, path=folder))
        module, _ = COMMANDS[args.command]
        if args.command in ("app", "serve"):
            sys.stdout, sys.stderr = raw
        return int(_module(module).run(args.command, args) or 0)
    except KnowledgeBaseError as error:
        if refusal := error.refusal:  # the whole knowledge base refused: that one line says it
            _error(f"coachassist: {refusal.render(lang)}")
            return 2
        for problem in error.problems:
            _error(problem.render(lang))
        _error(t("check.failed", lang, count=len(error.problems)))
        return 1
    except UserError as error:
        _error(f"coachassist: {error.render(lang)}")
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into e.g. `head`, which closed early
        sys.stderr.close()
        return 0
    except Exception as error:  # the last guard: never a traceback for a user
        if os.environ.get("COACHASSIST_DEBUG"):
            raise
        detail = f"{type(error).__name__}: {error}"
        _error(f"coachassist: {t('cli.internal_error', lang, error=detail)}")
        return 3


def _error(line: str) -> None:
    """One error line on stderr, cleaned even where stderr is not wrapped (the app)."""
    print(clean(line), file=sys.stderr)

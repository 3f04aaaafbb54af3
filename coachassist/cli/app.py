"""`coachassist app` (the default) and `coachassist serve`: the interactive app.

Textual is imported inside ``run`` only, so the other commands stay fast and never load it.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

from coachassist.errors import UserError
from coachassist.i18n import t

FIRST_QUESTION_ENV = "COACHASSIST_FIRST_QUESTION"  # write a JSON note, then exit (bench, tests)


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    if name == "app":
        parser.add_argument(
            "intake",
            nargs="?",
            type=Path,
            help="cli.help.app_intake",
        )
        return
    parser.add_argument("--port", type=_port, default=8000, help="cli.help.serve_port")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="cli.help.serve_host",
    )


def run(name: str, args: argparse.Namespace) -> int:
    return serve(args) if name == "serve" else run_app(args)


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(t("cli.option.not_a_port", "en", value=repr(text)))
    return int(text)


def has_terminal() -> bool:
    """A real terminal on both ends, or textual-serve's web driver (which has none)."""
    if os.environ.get("TEXTUAL_DRIVER"):
        return True
    return sys.stdin.isatty() and sys.stdout.isatty()


def run_app(args: argparse.Namespace) -> int:
    if not has_terminal():  # without one Textual would wait for input forever
        raise UserError(t("cli.needs_terminal", args.lang))
    from coachassist.tui.app import create_app

    marker = os.environ.get(FIRST_QUESTION_ENV)
    app = create_app(
        kb_dirs=args.kb,
        lang=args.lang,
        intake_path=args.intake,
        first_question_file=Path(marker) if marker else None,
    )
    app.run()
    return app.return_code or 0


def app_command(args: argparse.Namespace) -> str:
    """The command textual-serve starts for every browser tab: this same app."""
    argv = [sys.executable, "-m", "coachassist", "app", "--lang", args.lang]
    for folder in args.kb:
        argv += ["--kb", str(Path(folder).resolve())]
    return shlex.join(argv)


def serve(args: argparse.Namespace) -> int:
    """The app in the coach's own browser: loopback only, behind a printed token."""
    from coachassist.cli.serve_guard import CoachOnlyServer
    from coachassist.collect.runner import is_loopback
    from coachassist.errors import UserError
    from coachassist.i18n import Message

    if not is_loopback(args.host):
        raise UserError(Message("cli.option.serve_host", host=args.host))
    server = CoachOnlyServer(app_command(args), host=args.host, port=args.port, title="coachassist")
    print(f"coachassist: {t('cli.serve.open', args.lang, link=server.link)}", flush=True)
    server.serve()
    return 0

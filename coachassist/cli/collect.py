"""``coachassist collect INTAKE``: serve the team scan of one intake to respondents' phones."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from coachassist.i18n import Lang, Message, t


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    parser.add_argument("intake", type=Path, help="cli.help.collect_intake")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="cli.help.collect_host",
    )
    parser.add_argument("--port", type=int, default=8765, help="cli.help.collect_port")
    parser.add_argument(
        "--codes",
        type=int,
        default=0,
        metavar="N",
        help="cli.help.collect_codes",
    )


def run(name: str, args: argparse.Namespace) -> int:
    from coachassist.errors import UserError
    from coachassist.kb.loader import load

    if not 0 <= args.port <= 65535:
        raise UserError(Message("cli.option.port", value=args.port))
    if not 0 <= args.codes <= 500:
        raise UserError(Message("cli.option.codes", value=args.codes))
    kb = load(args.kb)
    with contextlib.suppress(KeyboardInterrupt):
        import asyncio

        asyncio.run(serve(kb, args))
    return 0


def print_qr(qr: str) -> None:
    """The QR code dark on light. Its colour codes are ours, so they go past the CLI's
    ``SafeStream`` (which would print them as visible ``\\u001b`` text around every line)."""
    raw = getattr(sys.stdout, "stream", sys.stdout)
    raw.write("\x1b[30;47m" + qr.replace("\n", "\x1b[0m\n\x1b[30;47m") + "\x1b[0m\n")
    raw.flush()


async def serve(kb, args: argparse.Namespace) -> None:
    from coachassist.collect.runner import CollectServer, qr_text
    from coachassist.errors import UserError
    from coachassist.intake.progress import SELF_SCAN_MIN_GROUP

    lang: Lang = args.lang
    server = CollectServer(kb, args.intake, host=args.host, port=args.port)
    if server.collection.intake.min_group == SELF_SCAN_MIN_GROUP:
        raise UserError(
            Message("file.about", path=args.intake, problem=Message("collect.cli.self_scan"))
        )
    codes = server.add_codes(args.codes) if args.codes else []
    url = await server.start()
    title = server.collection.intake.title or args.intake.name
    print(t("collect.cli.collecting", lang, title=title))
    if not server.local_only:
        print(f"coachassist: {t('collect.cli.lan_warning', lang)}", file=sys.stderr)
    print(t("collect.cli.link", lang, url=url))
    if sys.stdout.isatty():
        print_qr(qr_text(url))
    if codes:
        print(t("collect.cli.codes", lang))
        print("\n".join(codes))
    print(t("collect.cli.stop", lang), flush=True)
    last = server.counts()

    def show(counts) -> None:
        nonlocal last
        if counts != last:
            last = counts
            text = t("collect.cli.count", lang, started=counts.started, finished=counts.finished)
            print(text, flush=True)

    server.on_count(show)
    try:
        import asyncio

        await asyncio.Event().wait()
    finally:
        await server.stop()

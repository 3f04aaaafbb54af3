"""``coachassist format ID``: a printable format card; ``coachassist formats``: search the library.

Neither command imports Textual.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from coachassist.cli.output import write_output
from coachassist.errors import UserError
from coachassist.i18n import Lang, Message, t
from coachassist.kb.names import PHASES, SETTINGS

if TYPE_CHECKING:
    from coachassist.kb.loader import KnowledgeBase
    from coachassist.kb.models import Format
    from coachassist.library import Hit, Label


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    if name == "format":
        parser.add_argument("id", metavar="ID", help="cli.help.format_id")
        parser.add_argument(
            "--format", choices=("md", "html"), default="md", help="cli.help.md_or_html_default"
        )
        parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="cli.help.output")
        return
    parser.add_argument("--search", default="", metavar="TEXT", help="cli.help.formats_search")
    parser.add_argument("--dysfunction", metavar="ID", help="cli.help.formats_dysfunction")
    parser.add_argument("--phase", choices=PHASES, help="cli.help.formats_phase")
    parser.add_argument("--setting", choices=SETTINGS, help="cli.help.formats_setting")
    parser.add_argument("--minutes", type=int, metavar="M", help="cli.help.formats_minutes")
    parser.add_argument("--group", type=int, metavar="N", help="cli.help.formats_group")
    parser.add_argument("--json", action="store_true", help="cli.help.formats_json")


def run(name: str, args: argparse.Namespace) -> int:
    from coachassist.kb.cache import load_cached

    kb = load_cached(args.kb)  # problems: main() lists them and exits 1
    return card(kb, args) if name == "format" else listing(kb, args)


def card(kb: KnowledgeBase, args: argparse.Namespace) -> int:
    from coachassist.report.card import render_card

    fmt = kb.formats.get(args.id)
    if fmt is None:
        raise UserError(t("library.cli.unknown_format", args.lang, id=args.id[:80]))
    text = render_card(kb, fmt, args.format, args.lang)
    write_output(args.output, text, t("library.cli.written", args.lang, path=args.output))
    return 0


def listing(kb: KnowledgeBase, args: argparse.Namespace) -> int:
    if args.dysfunction is not None and args.dysfunction not in kb.dysfunctions:
        known = ", ".join(sorted(kb.dysfunctions))
        raise UserError(
            t("library.cli.unknown_dysfunction", args.lang, id=args.dysfunction[:80], known=known)
        )
    for option, value in (("--minutes", args.minutes), ("--group", args.group)):
        if value is not None and value < 1:
            raise UserError(Message("cli.option.at_least_one", option=option, value=value))
    from coachassist.library import FormatLibrary

    hits = FormatLibrary(kb).find(
        args.search,
        args.lang,
        dysfunction=args.dysfunction,
        phase=args.phase,
        setting=args.setting,
        max_minutes=args.minutes,
        group=args.group,
    )
    if args.json:
        json.dump([_json(hit, args.lang) for hit in hits], sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    sys.stdout.write(_table(hits, args.lang))
    return 0


def _json(hit: Hit, lang: Lang) -> dict:
    fmt = hit.format
    return {
        "id": fmt.id,
        "name": fmt.name(lang),
        "minutes": fmt.minutes,
        "group": [fmt.group_min, fmt.group_max],
        "labels": [item.key for item in _labels(fmt, lang)],
        "score": hit.score,
        "matched_in": list(hit.fields),
    }


def _table(hits: list[Hit], lang: Lang) -> str:
    if not hits:
        return t("library.cli.none_found", lang) + "\n"
    width = max(len(hit.format.id) for hit in hits)
    lines = []
    for hit in hits:
        fmt = hit.format
        tags = ", ".join(item.text for item in _labels(fmt, lang))
        lines.append(
            f"{fmt.id:<{width}}  {fmt.minutes:>3} min  {fmt.group_min}-{fmt.group_max}  "
            f"{fmt.name(lang)}  [{tags}]"
        )
    lines.append(t("library.cli.count", lang, n=len(hits)))
    return "\n".join(lines) + "\n"


def _labels(fmt: Format, lang: Lang) -> list[Label]:
    from coachassist.library import labels

    return labels(fmt, lang)

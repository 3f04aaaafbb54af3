"""``coachassist compare [EARLIER] LATER``: a team's later scan against its earlier one."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from coachassist.cli.case import add_min_group


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="INTAKE",
        help="cli.help.compare_files",
    )
    add_min_group(parser)
    parser.add_argument("--sessions", type=int, metavar="N", help="cli.help.compare_sessions")
    parser.add_argument("--minutes", type=int, metavar="M", help="cli.help.minutes")
    parser.add_argument("--json", action="store_true", help="cli.help.compare_json")


def run(name: str, args: argparse.Namespace) -> int:
    from coachassist.cli.report import _constraints
    from coachassist.compare import compare, diagnose_scan, last_earlier
    from coachassist.errors import UserError
    from coachassist.i18n import Message
    from coachassist.intake.files import load_case, read_intake
    from coachassist.kb.cache import load_cached

    if len(args.files) > 2:
        raise UserError(Message("compare.cli.two_files"))
    if args.min_group is not None and args.min_group < 1:
        raise UserError(Message("cli.option.min_group"))
    kb = load_cached(args.kb)
    later_path = args.files[-1]
    if len(args.files) == 2:
        earlier_path = args.files[0]
    else:
        earlier_path = last_earlier(read_intake(later_path), later_path)
    scans = [
        diagnose_scan(kb, load_case(kb, [path], lang=args.lang), args.min_group)
        for path in (earlier_path, later_path)
    ]
    result = compare(kb, scans[0], scans[1], _constraints(args))
    if args.json:
        json.dump(result.to_json(), sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    from coachassist.cli.report import _plan_text
    from coachassist.i18n import t
    from coachassist.report.compare_text import comparison_lines

    lines = comparison_lines(result, kb, args.lang, str(earlier_path), str(later_path))
    print("\n".join(lines))
    print()
    print(t("compare.plan", args.lang))
    sys.stdout.write(_plan_text(kb, result.later, result.plan, args.lang))
    return 0

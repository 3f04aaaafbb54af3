"""``coachassist overview FOLDER [-o FILE]``: one self-contained HTML page across many teams.

Every intake under the folders (or matching the globs) is a team; an intake that another one
names as its earlier scan (``earlier = [...]``) is not a row of its own but gives that team its
trend arrows.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from coachassist.cli.case import add_min_group
from coachassist.cli.output import write_output


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folders", nargs="+", type=Path, metavar="FOLDER", help="cli.help.overview_folders"
    )
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="cli.help.output")
    add_min_group(parser)


def run(name: str, args: argparse.Namespace) -> int:
    from coachassist.batch import diagnose_many, expand
    from coachassist.compare import Scan, diagnose_scan, earlier_paths, scale_changes
    from coachassist.errors import UserError
    from coachassist.i18n import Message
    from coachassist.kb.cache import load_cached
    from coachassist.report.overview import OverviewTeam, overview_html

    if args.min_group is not None and args.min_group < 1:
        raise UserError(Message("cli.option.min_group"))
    kb = load_cached(args.kb)
    paths = expand(args.folders)
    results = list(diagnose_many(kb, paths, min_group=args.min_group))
    named = {
        p.resolve()
        for r in results
        if r.intake is not None
        for p in earlier_paths(r.intake, r.path)
    }
    failures = [r.error for r in results if r.error]
    if not any(r.diagnosis for r in results):  # nothing to show: say why instead of a page
        raise failures[0] if failures else UserError(Message("overview.no_intakes"))
    errors = [error.render(args.lang) for error in failures]
    teams = []
    for result in results:
        if result.intake is None or result.diagnosis is None or result.path.resolve() in named:
            continue
        trend = {}
        earlier_few = False
        before = earlier_paths(result.intake, result.path)
        if before:
            try:
                from coachassist.batch import read_team

                earlier = diagnose_scan(kb, read_team(kb, before[-1]), args.min_group)
                later = Scan(
                    result.intake,
                    result.diagnosis,
                    diagnose_scan(kb, result.intake, args.min_group).facts,
                )
                trend = {c.scale: c for c in scale_changes(kb, earlier, later)}
                privacy = earlier.diagnosis.privacy
                earlier_few = privacy.low_threshold or privacy.self_scan
            except UserError as error:
                errors.append(error.render(args.lang))
        teams.append(OverviewTeam(result, trend, earlier_few))
    text = overview_html(kb, teams, errors, args.lang)
    write_output(args.output, text)
    return 0

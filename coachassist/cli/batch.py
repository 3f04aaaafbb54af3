"""``coachassist diagnose`` over many teams: files, folders and globs, each intake its own team.

Text (each team's summary), ``--jsonl`` or ``--csv`` (one row per team and scale) on stdout;
a file that cannot be read is one line on stderr and the others go on (exit 2 at the end).
A progress bar (rich, on stderr) only when stderr is a terminal and the run is long.
"""

from __future__ import annotations

import argparse
import csv
import functools
import io
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from coachassist.errors import UserError
from coachassist.i18n import Lang, Message

if TYPE_CHECKING:
    from coachassist.batch import TeamResult
    from coachassist.kb.loader import KnowledgeBase

_GLOB = set("*?[")  # as coachassist.batch.expand reads a pattern
PROGRESS_FROM = 20  # teams; fewer finish before a bar would be worth drawing


def is_batch(args: argparse.Namespace) -> bool:
    """Many teams: ``--jsonl``/``--csv``, a folder or glob, or two intake files up front."""
    if args.jsonl or args.csv:
        return True
    if any(p.is_dir() or (_GLOB & set(str(p)) and not p.exists()) for p in args.files):
        return True
    return len(args.files) >= 2 and all(_is_intake(p) for p in args.files[:2])


def _is_intake(path: Path) -> bool:
    from coachassist.kb.loader import read_toml
    from coachassist.safefile import INTAKE_FILE_CAP

    data, _, problem = read_toml(path, cap=INTAKE_FILE_CAP)
    return problem is None and data is not None and data.get("format") == "coachassist-intake/1"


def run_batch(kb: KnowledgeBase, args: argparse.Namespace) -> int:
    from coachassist.batch import COLUMNS, expand
    from coachassist.i18n import t

    if args.context is not None:
        raise UserError(Message("cli.option.context_one"))
    if args.json:
        raise UserError(Message("cli.option.json_one"))
    if args.min_group is not None and args.min_group < 1:
        raise UserError(Message("cli.option.min_group"))
    from coachassist.parallel import MAX_JOBS, default_jobs, diagnose_parallel

    if args.jobs is not None and not 1 <= args.jobs <= MAX_JOBS:
        raise UserError(Message("cli.option.jobs", most=MAX_JOBS))
    paths = expand(args.files)

    jobs = args.jobs if args.jobs is not None else default_jobs(len(paths))
    mode = "csv" if args.csv else "jsonl" if args.jsonl else "text"
    if args.csv:
        csv.writer(sys.stdout, lineterminator="\n").writerow(COLUMNS)
    failed = 0
    render = functools.partial(render_team, mode=mode, lang=args.lang)
    with _progress(len(paths), args.lang) as advance:
        for team in diagnose_parallel(kb, paths, render, min_group=args.min_group, jobs=jobs):
            advance()
            if team.error:
                failed += 1
                print(f"coachassist: {team.error.render(args.lang)}", file=sys.stderr)
            else:
                sys.stdout.write(team.output)
                if team.few_people_k is not None and mode != "text":  # text: its own warning
                    warning = t("anonymity.low_threshold", args.lang, k=team.few_people_k)
                    print(f"coachassist: {team.team}: {warning}", file=sys.stderr)
    if failed:
        raise UserError(t("batch.failed", args.lang, failed=failed, total=len(paths)))
    return 0


def render_team(kb: KnowledgeBase, result: TeamResult, *, mode: str, lang: Lang) -> str:
    """One team's output: its CSV rows, JSONL lines or text summary (where it was diagnosed,
    which may be another process)."""
    from coachassist.batch import COLUMNS, csv_cell, rows

    if mode == "csv":
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(
            [csv_cell(r[c]) for c in COLUMNS] for r in rows(result, lang)
        )
        return out.getvalue()
    if mode == "jsonl":
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows(result, lang))
    from coachassist.cli.diagnose import render_text

    assert result.diagnosis is not None
    return f"== {result.team} ({result.path})\n{render_text(result.diagnosis, lang, kb)}\n\n"


@contextmanager
def _progress(total: int, lang: Lang) -> Iterator[Callable[[], None]]:
    stream = sys.__stderr__
    if total < PROGRESS_FROM or stream is None or not stream.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import Progress

    from coachassist.i18n import t

    with Progress(console=Console(file=stream), transient=True) as bar:
        task = bar.add_task(t("batch.progress", lang), total=total)
        yield lambda: bar.advance(task)

"""``coachassist plan``, ``report`` and ``sheet``: the session plan (the coach's edited plan
when the intake holds one), the report for the client (``--for client``, the default) or the
coach (``--for coach``), and the facilitation sheet of one session.

None of them imports Textual.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from coachassist.cli.case import add_case_arguments, diagnose_case
from coachassist.cli.output import write_output
from coachassist.errors import UserError
from coachassist.i18n import Lang, Message

if TYPE_CHECKING:
    from coachassist.diagnosis import Diagnosis
    from coachassist.kb.loader import KnowledgeBase
    from coachassist.plan import Plan, PlanConstraints


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    add_case_arguments(parser, "INTAKE", "cli.help.case_files")
    if name == "plan":
        parser.add_argument("--sessions", type=int, metavar="N", help="cli.help.sessions")
        parser.add_argument("--minutes", type=int, metavar="M", help="cli.help.minutes")
        parser.add_argument("--json", action="store_true", help="cli.help.plan_json")
        parser.add_argument(
            "--replan",
            action="store_true",
            help="cli.help.plan_replan",
        )
        parser.add_argument(
            "--save",
            action="store_true",
            help="cli.help.plan_save",
        )
    elif name == "sheet":
        parser.add_argument(
            "--session", type=int, default=1, metavar="N", help="cli.help.sheet_session"
        )
        parser.add_argument("--start", default=None, metavar="HH:MM", help="cli.help.sheet_start")
        parser.add_argument(
            "--format", choices=("md", "html"), default="md", help="cli.help.md_or_html_default"
        )
        parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="cli.help.output")
    else:
        parser.add_argument(
            "--format", choices=("md", "html"), default="md", help="cli.help.md_or_html_default"
        )
        parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="cli.help.output")
        parser.add_argument(
            "--for",
            dest="audience",
            choices=("client", "coach"),
            default="client",
            help="cli.help.report_for",
        )
        parser.add_argument(
            "--share-observations",
            action="store_true",
            help="cli.help.report_share",
        )


def run(name: str, args: argparse.Namespace) -> int:
    from coachassist.engine import supervisor

    supervisor.prestart()  # first: the worker starts while this process imports and loads
    from coachassist.engine.inference import engine_for
    from coachassist.kb.cache import load_cached
    from coachassist.plan import PlanConstraints, build_plan

    kb = load_cached(args.kb)  # problems: main() lists them and exits 1
    engine_for(kb, wait=False)  # the worker registers the rules while the intake is read
    constraints = _constraints(args) if name == "plan" else PlanConstraints()
    intake, diagnosis = diagnose_case(kb, args)
    replan = bool(getattr(args, "replan", False))
    plan = build_plan(kb, diagnosis, intake.context, constraints, edits=intake.plan, replan=replan)
    if name == "plan" and args.save:
        _save(args.files[0], plan)
    if name == "sheet":
        from coachassist.report.sheet import render_sheet, sheet_view

        start = args.start or (intake.plan.start if intake.plan else "09:00")
        view = sheet_view(kb, diagnosis, plan, args.session, start, args.lang, intake.title)
        write_output(args.output, render_sheet(view, args.format))
        return 0
    if name == "plan":
        if args.json:
            from coachassist.report.plan_text import plan_json

            data = plan_json(kb, diagnosis, plan)
            text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        else:
            text = _plan_text(kb, diagnosis, plan, args.lang)
        sys.stdout.write(text)
        return 0
    from coachassist.report import render

    if args.share_observations:
        intake = intake.model_copy(update={"share_observations": True})
    text = render(kb, intake, diagnosis, plan, args.format, args.lang, args.audience)
    write_output(args.output, text)
    return 0


def _save(path: Path, plan: Plan) -> None:
    """The plan becomes the coach's plan in the intake, merged under the intake's lock."""
    from coachassist.intake.store import IntakeStore
    from coachassist.plan.edit import layout_of

    store = IntakeStore(path)
    intake = store.load()
    store.update(intake, lambda live: setattr(live, "plan", layout_of(plan, live.plan)))


def _constraints(args: argparse.Namespace) -> PlanConstraints:
    from coachassist.plan import PlanConstraints

    if args.sessions is not None and not 1 <= args.sessions <= 12:
        raise UserError(Message("cli.option.sessions", value=args.sessions))
    if args.minutes is not None and not 30 <= args.minutes <= 480:
        raise UserError(Message("cli.option.minutes", value=args.minutes))
    return PlanConstraints(sessions=args.sessions, minutes=args.minutes)


def _plan_text(kb: KnowledgeBase, diagnosis: Diagnosis, plan: Plan, lang: Lang) -> str:
    from coachassist.report.markdown import plan_markdown
    from coachassist.report.plan_view import plan_view

    return plan_markdown(plan_view(kb, diagnosis, plan, lang), level=1) + "\n"

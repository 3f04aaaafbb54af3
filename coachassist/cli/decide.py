"""``coachassist decide``: the coach confirms, adjusts or rejects a finding; saved in the intake.

The decision goes through the intake's one locked merge write (intake/store.py), so answers
collected meanwhile are never overwritten. Plan and reports follow it: a rejected finding leaves
the findings (it is listed with its reason) and brings no session formats; an adjusted one keeps
the coach's severity.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from coachassist.errors import UserError
from coachassist.i18n import t

if TYPE_CHECKING:  # parsing the command line imports nothing heavy
    from coachassist.intake.models import FindingDecision


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    parser.add_argument("intake", type=Path, metavar="INTAKE", help="cli.help.decide_intake")
    parser.add_argument("finding", metavar="FINDING", help="cli.help.decide_finding")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--confirm", action="store_true", help="cli.help.decide_confirm")
    action.add_argument(
        "--adjust",
        choices=("low", "medium", "high"),
        metavar="SEVERITY",
        help="cli.help.decide_adjust",
    )
    action.add_argument("--reject", action="store_true", help="cli.help.decide_reject")
    action.add_argument("--undo", action="store_true", help="cli.help.decide_undo")
    parser.add_argument("--reason", default="", help="cli.help.decide_reason")


def save_decision(path: Path, finding: str, decision: FindingDecision | None) -> None:
    """Write (or with None remove) the decision on ``finding`` through the locked merge."""
    from coachassist.intake.store import IntakeStore

    store = IntakeStore(path)
    intake = store.load()

    def change(current) -> None:
        decisions = dict(current.decisions or {})
        if decision is None:
            decisions.pop(finding, None)
        else:
            decisions[finding] = decision
        current.decisions = decisions or None

    store.update(intake, change)


def run(name: str, args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from coachassist.intake.invalid import invalid
    from coachassist.intake.models import FindingDecision
    from coachassist.kb.loader import load

    kb = load(args.kb)
    if args.finding not in kb.dysfunctions:
        known = ", ".join(sorted(kb.dysfunctions))
        raise UserError(t("decision.unknown_finding", args.lang, finding=args.finding, known=known))
    decision = None
    if not args.undo:
        action = "confirm" if args.confirm else "adjust" if args.adjust else "reject"
        try:
            decision = FindingDecision(action=action, severity=args.adjust, reason=args.reason)
        except ValidationError as error:
            raise UserError(invalid(error.errors(include_url=False)[0])) from None
    save_decision(args.intake, args.finding, decision)
    name_text = kb.dysfunctions[args.finding].name(args.lang)
    print(t("decision.saved", args.lang, finding=name_text, path=args.intake))
    return 0

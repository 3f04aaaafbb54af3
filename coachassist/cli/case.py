"""What `diagnose`, `plan` and `report` share: which files make a case, and diagnosing it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from coachassist.errors import UserError
from coachassist.i18n import Message

if TYPE_CHECKING:
    from coachassist.diagnosis import Diagnosis
    from coachassist.intake.models import Intake
    from coachassist.kb.loader import KnowledgeBase


def add_case_arguments(parser: argparse.ArgumentParser, metavar: str, help_text: str) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar=metavar, help=help_text)
    parser.add_argument("--context", type=Path, help="cli.help.context")
    add_min_group(parser)


def add_min_group(parser: argparse.ArgumentParser) -> None:
    """``--min-group K``, the anonymity threshold, as every command that shows figures has it."""
    parser.add_argument(
        "--min-group",
        type=int,
        default=None,
        metavar="K",
        help="cli.help.min_group",
    )


def diagnose_case(kb: KnowledgeBase, args: argparse.Namespace) -> tuple[Intake, Diagnosis]:
    """Load the case named by the arguments and diagnose it."""
    from coachassist.engine import diagnose
    from coachassist.intake.files import load_case

    if args.min_group is not None and args.min_group < 1:
        raise UserError(Message("cli.option.min_group"))
    intake = load_case(kb, args.files, args.context, lang=args.lang)
    return intake, diagnose(kb, intake, min_group=args.min_group)

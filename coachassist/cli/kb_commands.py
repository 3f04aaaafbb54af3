"""``coachassist check`` and ``coachassist schema``."""

from __future__ import annotations

import argparse
import json
import sys

from coachassist.i18n import t
from coachassist.kb.loader import load_with_problems
from coachassist.kb.models import FILE_KINDS


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    if name == "schema":
        parser.add_argument("kind", choices=sorted(FILE_KINDS), help="the file kind")


def run(name: str, args: argparse.Namespace) -> int:
    return check(args) if name == "check" else schema(args)


def check(args: argparse.Namespace) -> int:
    """Every problem (exit 1); otherwise the overrides and warnings, then the counts."""
    from coachassist.kb.lint import notices

    kb, problems = load_with_problems(args.kb)
    if problems:
        for problem in problems:
            print(problem.render(args.lang))
        print(t("check.failed", args.lang, count=len(problems)), file=sys.stderr)
        return 1
    for notice in notices(kb):
        print(notice.render(args.lang))
    print(t("check.ok", args.lang, **kb.counts()))
    return 0


def schema(args: argparse.Namespace) -> int:
    model = FILE_KINDS[args.kind]
    document = model.model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = f"coachassist {args.kind} file"
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0

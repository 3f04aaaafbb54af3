"""``coachassist check`` and ``coachassist schema``."""

from __future__ import annotations

import argparse
import json
import sys

from coachassist.i18n import t
from coachassist.kb.names import FILE_KIND_NAMES


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    if name == "schema":
        parser.add_argument("kind", choices=FILE_KIND_NAMES, help="cli.help.schema_kind")


def run(name: str, args: argparse.Namespace) -> int:
    return check(args) if name == "check" else schema(args)


def check(args: argparse.Namespace) -> int:
    """Every problem (exit 1; 2 when the whole knowledge base is refused as beyond the engine's
    capacity); otherwise the overrides and warnings, then the counts."""
    from coachassist.kb.lint import notices
    from coachassist.kb.loader import load_with_problems
    from coachassist.kb.problems import KnowledgeBaseError

    kb, problems = load_with_problems(args.kb)
    if problems:
        refusal = KnowledgeBaseError(problems).refusal
        if refusal:  # the whole knowledge base refused: that one line says it
            print(f"coachassist: {refusal.render(args.lang)}", file=sys.stderr)
            return 2
        for problem in problems:
            print(problem.render(args.lang))
        print(t("check.failed", args.lang, count=len(problems)), file=sys.stderr)
        return 1
    for notice in notices(kb):
        print(notice.render(args.lang))
    print(t("check.ok", args.lang, **kb.counts()))
    return 0


def schema(args: argparse.Namespace) -> int:
    from coachassist.kb.schema import schema_document

    json.dump(schema_document(args.kind), sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0

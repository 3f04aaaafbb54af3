"""``coachassist check`` and ``coachassist schema``."""

from __future__ import annotations

import argparse
import json
import sys

from coachassist.i18n import t
from coachassist.kb.names import FILE_KIND_NAMES


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    if name == "schema":
        parser.add_argument("kind", choices=FILE_KIND_NAMES, help="the file kind")


def run(name: str, args: argparse.Namespace) -> int:
    return check(args) if name == "check" else schema(args)


def check(args: argparse.Namespace) -> int:
    from coachassist.kb.loader import load_with_problems

    kb, problems = load_with_problems(args.kb)
    if problems:
        for problem in problems:
            print(problem)
        print(t("check.failed", args.lang, count=len(problems)), file=sys.stderr)
        return 1
    print(t("check.ok", args.lang, **kb.counts()))
    return 0


def schema(args: argparse.Namespace) -> int:
    from coachassist.kb.models import FILE_KINDS

    model = FILE_KINDS[args.kind]
    document = model.model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = f"coachassist {args.kind} file"
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0

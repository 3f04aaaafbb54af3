"""``coachassist check`` and ``coachassist schema``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from coachassist.i18n import t
from coachassist.kb.names import FILE_KIND_NAMES


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    if name == "schema":
        parser.add_argument("kind", choices=FILE_KIND_NAMES, help="the file kind")


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
    from coachassist.kb.models import FILE_KINDS

    model = FILE_KINDS[args.kind]
    document = editor_friendly(model.model_json_schema())
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = f"coachassist {args.kind} file"
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0


def editor_friendly(node: Any) -> Any:
    """The schema without unions an editor reports as "not valid under any of the schemas":
    TOML has no null, so ``X | None`` is just ``X``; a union of plain types is one ``type``."""
    if isinstance(node, list):
        return [editor_friendly(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: editor_friendly(value) for key, value in node.items()}
    branches = node.get("anyOf")
    if isinstance(branches, list):
        kept = [b for b in branches if b != {"type": "null"}]
        if len(kept) < len(branches) and node.get("default", 0) is None:
            del node["default"]
        plain = all(isinstance(b, dict) and set(b) <= {"type", "items"} for b in kept)
        if len(kept) == 1:
            del node["anyOf"]
            node = {**kept[0], **node}
        elif plain and sum("items" in b for b in kept) <= 1:
            del node["anyOf"]
            node["type"] = list(dict.fromkeys(b["type"] for b in kept))
            for branch in kept:
                if "items" in branch:
                    node["items"] = branch["items"]
    return node

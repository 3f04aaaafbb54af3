"""The trainers' tools: ``new`` (a commented skeleton), ``explain RULE_ID`` and ``rulebook``."""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from coachassist.cli.output import write_output
from coachassist.errors import UserError
from coachassist.i18n import Lang, os_reason, t

if TYPE_CHECKING:
    from coachassist.kb.loader import KnowledgeBase

SKELETONS = Path(__file__).resolve().parent.parent / "kb" / "skeletons"
NEW_KINDS = ("format", "dysfunction", "rule", "case")
_PLACES = {  # kind -> (subfolder, file name ending)
    "format": ("formats", ".toml"),
    "dysfunction": ("dysfunctions", ".toml"),
    "rule": ("rules", ".toml"),
    "case": ("rules", ".cases.toml"),
}
_DEFAULT_IDS = {"format": "my_format", "dysfunction": "my_dysfunction", "rule": "my.rule"}
_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_RULE_ID = re.compile(r"^[a-z][a-z0-9_.-]{0,99}$")


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    if name == "new":
        parser.add_argument("kind", choices=NEW_KINDS, help="cli.help.new_kind")
        parser.add_argument("id", nargs="?", metavar="ID", help="cli.help.new_id")
    elif name == "explain":
        parser.add_argument("rule", metavar="RULE_ID", help="cli.help.explain_rule")
    else:
        parser.add_argument(
            "--format", choices=("md", "html"), default="md", help="cli.help.md_or_html"
        )
        parser.add_argument(
            "-o", "--output", type=Path, metavar="FILE", help="cli.help.output_file"
        )


def run(name: str, args: argparse.Namespace) -> int:
    if name == "new":
        return new(args)
    from coachassist.kb.cache import load_cached

    kb = load_cached(args.kb)  # problems: main() lists them and exits 1
    return explain(kb, args.rule, args.lang) if name == "explain" else rulebook(kb, args)


# --- new ---------------------------------------------------------------------------------------


def new(args: argparse.Namespace) -> int:
    lang: Lang = args.lang
    if not args.kb:
        raise UserError(t("new.needs_kb", lang, kind=args.kind))
    folder: Path = args.kb[-1]
    item_id = args.id or _DEFAULT_IDS.get(args.kind, "my.case")
    dotted = args.kind in ("rule", "case")
    if not (_RULE_ID if dotted else _ID).match(item_id):
        extra = t("kbcheck.bad_id_extra", lang) if dotted else ""
        raise UserError(t("new.bad_id", lang, id=item_id[:80], extra=extra))
    from coachassist.kb.cache import load_cached

    bundled = load_cached([])
    plural = {"format": "formats", "dysfunction": "dysfunctions", "rule": "rules", "case": "cases"}
    if item_id in getattr(bundled, plural[args.kind]):
        raise UserError(t("new.bundled_id", lang, id=item_id, kind=args.kind))
    sub, ending = _PLACES[args.kind]
    target = folder / sub / f"{item_id}{ending}"
    schema = folder / "schema" / f"{args.kind}.json"
    text = (SKELETONS / f"{args.kind}.toml").read_text("utf-8")
    for key, value in {
        "{schema}": f"../schema/{args.kind}.json",
        "{folder}": str(folder),
        "{signal}": re.sub(r"[.-]", "_", item_id),
        "{id}": item_id,
    }.items():
        text = text.replace(key, value)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as fh:  # "x": never overwrite a trainer's file
            fh.write(text)
        if not schema.exists():
            from coachassist.kb.schema import schema_document

            document = schema_document(args.kind)
            schema.parent.mkdir(parents=True, exist_ok=True)
            schema.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")
    except FileExistsError:
        raise UserError(t("new.exists", lang, path=target)) from None
    except OSError as error:
        raise UserError(t("new.cannot_write", lang, path=target, reason=os_reason(error))) from None
    print(t("new.written", lang, path=target, folder=folder))
    return 0


# --- explain -----------------------------------------------------------------------------------


def _fired_in(kb: KnowledgeBase) -> dict[str, list[str]]:
    """Per rule id, the test cases that make it fire."""
    from coachassist.engine import engine_for
    from coachassist.engine.cases import run_all

    results, _ = run_all(kb, engine_for(kb))
    fired: dict[str, list[str]] = {}
    for result in results:
        for rule_id in result.fired:
            fired.setdefault(rule_id, []).append(result.case)
    return fired


def explain(kb: KnowledgeBase, rule_id: str, lang: Lang) -> int:
    from coachassist.kb import plain
    from coachassist.kb.wording import did_you_mean

    rule = kb.rules.get(rule_id)
    if rule is None:
        hint = did_you_mean(rule_id, kb.rules, lang)
        raise UserError(t("explain.unknown_rule", lang, id=rule_id[:100], hint=hint))
    from coachassist.kb.overrides import short_path

    origin = kb.origin("rule", rule.id)
    where = f"{short_path(origin.path)}:{origin.line}" if origin else "?"
    lines = [t("explain.where", lang, id=rule.id, where=where), ""]
    lines += plain.rule_lines(rule, kb, lang)
    # the trainer's own cases first (later folders first), then by id
    cases = sorted(
        _fired_in(kb).get(rule.id, []),
        key=lambda c: (-(getattr(kb.origin("case", c), "layer", 0)), c),
    )
    lines.append("")
    if cases:
        lines.append(t("explain.cases", lang, count=len(cases)))
        for case_id in cases:
            case_origin = kb.origin("case", case_id)
            place = f" ({case_origin.path.name}:{case_origin.line})" if case_origin else ""
            lines.append(f"  - {case_id}{place}")
    else:
        lines.append(t("explain.no_cases", lang))
    formats, builders = plain.leads_to(rule, kb)
    lines.append("")
    if builders:
        lines.append(t("explain.used_by", lang, rules=", ".join(builders)))
    if formats:
        lines.append(t("explain.formats", lang, count=len(formats)))
        lines += [
            f"  - {kb.formats[f].name(lang)} ({f}, {kb.formats[f].minutes} min)"
            for f in formats
            if f in kb.formats
        ]
    else:
        lines.append(t("explain.no_formats", lang))
    print("\n".join(lines))
    return 0


# --- rulebook ----------------------------------------------------------------------------------


def rulebook(kb: KnowledgeBase, args: argparse.Namespace) -> int:
    from coachassist.report.rulebook import render_rulebook

    fired = Counter({rule_id: len(cases) for rule_id, cases in _fired_in(kb).items()})
    text = render_rulebook(kb, fired, args.format, args.lang)
    write_output(args.output, text, t("rulebook.written", args.lang, path=args.output))
    return 0

"""``coachassist diagnose`` and ``coachassist test-rules``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from coachassist.cli.case import add_case_arguments, diagnose_case
from coachassist.i18n import Lang, t

if TYPE_CHECKING:
    from coachassist.diagnosis import Diagnosis
    from coachassist.kb.loader import KnowledgeBase


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    if name == "diagnose":
        add_case_arguments(
            parser,
            "FILE",
            "an intake file and/or its response files; or many intakes (files, folders, globs), "
            "each its own team",
        )
        parser.add_argument("--json", action="store_true", help="print the documented JSON shape")
        out = parser.add_mutually_exclusive_group()
        out.add_argument(
            "--jsonl", action="store_true", help="one JSON line per team and scale (many teams)"
        )
        out.add_argument(
            "--csv", action="store_true", help="one CSV row per team and scale (many teams)"
        )


def run(name: str, args: argparse.Namespace) -> int:
    from coachassist.engine import supervisor
    from coachassist.kb.cache import load_cached

    supervisor.prestart()  # the engine worker starts while the knowledge base loads
    kb = load_cached(args.kb)  # problems: main() lists them and exits 1
    if name == "test-rules":
        return _test_rules(kb, args.lang)
    from coachassist.cli.batch import is_batch, run_batch

    if is_batch(args):
        return run_batch(kb, args)
    _, result = diagnose_case(kb, args)
    if args.json:
        json.dump(result.to_json(), sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print(render_text(result, args.lang, kb))
    return 0


def _test_rules(kb, lang: Lang) -> int:
    from coachassist.engine import engine_for
    from coachassist.engine.cases import run_all

    results, uncovered = run_all(kb, engine_for(kb))
    failed = [r for r in results if r.failures]
    for result in failed:
        origin = kb.origin("case", result.case)
        where = f"{origin.path}:{origin.line}: " if origin else ""
        for failure in result.failures:
            print(f"{where}{result.case}: {failure} (fired: {', '.join(result.fired) or 'none'})")
    for rule in uncovered:
        origin = kb.origin("rule", rule)
        where = f"{origin.path}:{origin.line}: " if origin else ""
        print(f"{where}{t('test_rules.uncovered', lang, rule=rule)}")
    if failed or uncovered:
        print(t("test_rules.failed", lang, failed=len(failed), cases=len(results)), file=sys.stderr)
        return 1
    print(t("test_rules.ok", lang, cases=len(results), rules=len(kb.rules)))
    return 0


def render_text(d: Diagnosis, lang: Lang, kb: KnowledgeBase) -> str:
    """A readable summary for the terminal; evidence through the one evidence renderer."""
    from coachassist.report.evidence import reasons

    withheld = t("diagnose.withheld", lang)
    roles = ", ".join(f"{role} {n}" for role, n in d.roles.items())
    lines = [t("diagnose.respondents", lang, n=d.respondents, roles=roles), ""]
    if d.privacy.low_threshold:
        lines[:0] = [f"!!! {t('anonymity.low_threshold', lang, k=d.min_group)}", ""]
    lines.append(t("diagnose.scores", lang))
    for s in d.scores:
        if s.mean is None:
            lines.append(f"  {s.name(lang):<38} {withheld}")
            continue
        bar = "#" * round(s.mean * 4)
        extra = f"  ({t('diagnose.polarised', lang)})" if s.polarised else ""
        band = f"  {s.band(lang)}" if s.band else ""
        lines.append(f"  {s.name(lang):<38} {s.mean:4.2f} sd {s.sd:4.2f} {bar:<20}{band}{extra}")
    large = [g for g in d.gaps if g.large]
    if large:
        lines += ["", t("diagnose.gaps", lang)]
        for g in large:
            value = f"{g.value:+.2f}" if g.value is not None else withheld
            lines.append(f"  {g.name(lang):<38} {t('diagnose.' + g.direction, lang)} ({value})")
    lines += ["", t("diagnose.findings", lang)]
    if not d.findings:
        key = "diagnose.no_findings" if d.privacy.team_shown else "anonymity.more_needed"
        lines.append("  " + t(key, lang, more=d.privacy.needed, k=d.min_group))
    shown: set[str] = set()  # a reason a finding built on is told once, where it first appears
    for f in d.findings:
        severity = t(f"severity.{f.severity}", lang)
        lines.append(f"  [{severity}] {f.name(lang)}")
        for reason in reasons(f.evidence, kb, d, lang, concludes=f"dysfunction.{f.id}"):
            if reason.text in shown and not reason.own:
                continue
            shown.add(reason.text)
            rules = ", ".join(reason.rules)
            lines.append(f"      - {t('diagnose.because', lang)} {reason.text} [{rules}]")
            lines += [f"          {c.text}" for c in reason.conditions if c.verdict == "holds"]
    if d.suggestions:
        lines += ["", t("diagnose.suggestions", lang)]
        names = {f.id: f.name(lang) for f in d.findings}
        for suggestion in d.suggestions:
            answers = ", ".join(names.get(a, a) for a in suggestion.answers)
            lines.append(
                f"  {suggestion.name(lang)} ({suggestion.minutes} min) "
                f"{t('diagnose.answers', lang)}: {answers}"
            )
    if d.notes:
        lines += ["", t("diagnose.notes", lang)]
        lines += [f"  {note(lang)}" for note in d.notes]
    return "\n".join(lines)

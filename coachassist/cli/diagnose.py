"""``coachassist diagnose`` and ``coachassist test-rules``."""

from __future__ import annotations

import argparse
import gc
import json
import sys
from typing import TYPE_CHECKING

from coachassist.cli.case import add_case_arguments, diagnose_case
from coachassist.errors import UserError
from coachassist.i18n import Lang, Message, t

if TYPE_CHECKING:
    from coachassist.diagnosis import Diagnosis
    from coachassist.kb.loader import KnowledgeBase


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    if name == "diagnose":
        add_case_arguments(
            parser,
            "FILE",
            "cli.help.diagnose_files",
        )
        parser.add_argument("--json", action="store_true", help="cli.help.diagnose_json")
        parser.add_argument(
            "--why-not",
            metavar="DYSFUNCTION",
            help="cli.help.diagnose_why_not",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            metavar="N",
            help="cli.help.diagnose_jobs",
        )
        out = parser.add_mutually_exclusive_group()
        out.add_argument("--jsonl", action="store_true", help="cli.help.diagnose_jsonl")
        out.add_argument("--csv", action="store_true", help="cli.help.diagnose_csv")


def run(name: str, args: argparse.Namespace) -> int:
    from coachassist.engine import supervisor

    supervisor.prestart()  # first: the worker starts while this process imports and loads
    kb = _start_up(name, args)
    if name == "test-rules":
        return _test_rules(kb, args.lang)
    from coachassist.cli.batch import is_batch, run_batch

    if is_batch(args):
        return run_batch(kb, args)
    if args.jobs is not None:
        raise UserError(Message("cli.option.jobs_many"))
    intake, result = diagnose_case(kb, args)
    if args.why_not:
        from coachassist.engine.whynot import lines, why_not

        if args.why_not != "all":
            answer = why_not(kb, intake, args.why_not, min_group=args.min_group)
            print("\n".join(lines(answer, args.lang)))
            return 0
        for finding in result.findings:  # every finding: the smallest change that removes it
            answer = why_not(kb, intake, finding.id, min_group=args.min_group)
            print(f"{finding.name(args.lang)}: {lines(answer, args.lang)[-1]}")
        return 0
    if args.json:
        json.dump(result.to_json(), sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print(render_text(result, args.lang, kb))
    return 0


def _start_up(name: str, args: argparse.Namespace) -> KnowledgeBase:
    """The knowledge base, the rules sent to the worker, the modules a diagnosis needs.

    Without the cyclic garbage collector: start-up makes ~100,000 objects that live as long
    as the process (modules, models, the knowledge base) and hardly any garbage, and each
    collection would walk them all (~10% of a `diagnose`). Afterwards they are frozen, so
    later collections (e.g. over many teams) skip them."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        from coachassist.kb.cache import load_cached

        kb = load_cached(args.kb)  # problems: main() lists them and exits 1
        if name != "test-rules":
            from coachassist.engine.inference import engine_for

            engine_for(kb, wait=False)  # the worker registers the rules while the intake is read
            import coachassist.engine.pipeline
            import coachassist.intake.files
            import coachassist.report.evidence  # noqa: F401
    finally:
        if collecting:
            gc.enable()
        gc.freeze()
    return kb


def _test_rules(kb: KnowledgeBase, lang: Lang) -> int:
    from coachassist.engine import engine_for
    from coachassist.engine.cases import (
        explain_missing,
        explain_present,
        failure_line,
        run_all,
    )
    from coachassist.kb.overrides import short_path

    results, uncovered = run_all(kb, engine_for(kb))
    failed = [r for r in results if r.missing or r.unexpected]
    for result in failed:
        origin = kb.origin("case", result.case)
        where = f"{short_path(origin.path)}:{origin.line}: " if origin else ""
        for finding in result.missing:
            print(f"{where}{result.case}: {failure_line(result, finding, True, lang)}")
            for line in explain_missing(kb, result, finding, lang):
                print(line)
        for finding in result.unexpected:
            print(f"{where}{result.case}: {failure_line(result, finding, False, lang)}")
            for line in explain_present(kb, result, finding, lang):
                print(line)
    for rule in uncovered:
        origin = kb.origin("rule", rule)
        where = f"{short_path(origin.path)}:{origin.line}: " if origin else ""
        own = bool(origin and origin.layer > 0 and kb.bundled)
        key = "test_rules.uncovered_own" if own else "test_rules.uncovered"
        print(f"{where}{t(key, lang, rule=rule)}")
    if failed or uncovered:
        summary = []
        if failed:
            summary.append(t("test_rules.failed", lang, failed=len(failed), cases=len(results)))
        if uncovered:
            summary.append(t("test_rules.summary_coverage", lang, count=len(uncovered)))
        print(" ".join(summary), file=sys.stderr)
        return 1
    print(t("test_rules.ok", lang, cases=len(results), rules=len(kb.rules)))
    return 0


def render_text(d: Diagnosis, lang: Lang, kb: KnowledgeBase) -> str:
    """A readable summary for the terminal; evidence through the one evidence renderer."""
    from coachassist.report.evidence import reasons
    from coachassist.report.finding_tags import decision_text, finding_tags

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
    names = {f.id: f.name(lang) for f in [*d.findings, *d.rejected]}
    for f in d.findings:
        lines.append(f"  [{finding_tags(f, lang)}] {f.name(lang)}")
        if f.builds_on:
            built = ", ".join(names.get(b, b) for b in f.builds_on)
            lines.append(f"      {t('finding.builds_on', lang, names=built)}")
        if f.decision:
            lines.append(f"      {decision_text(f, lang)}")
        for reason in reasons(f.evidence, kb, d, lang, concludes=f"dysfunction.{f.id}"):
            if reason.text in shown and not reason.own:
                continue
            shown.add(reason.text)
            rules = ", ".join(reason.rules)
            lines.append(f"      - {t('diagnose.because', lang)} {reason.text} [{rules}]")
            lines += [f"          {c.text}" for c in reason.conditions if c.verdict == "holds"]
    for f in d.rejected:
        lines.append(f"  ({f.name(lang)}: {decision_text(f, lang)})")
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

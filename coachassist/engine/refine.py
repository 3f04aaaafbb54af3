"""From the rules' raw findings to what the coach sees: soft edges, stability, strength, order,
and the coach's own decisions. Called by ``engine.diagnose`` after the rules ran.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from coachassist.diagnosis import Decision, Diagnosis, Finding, Suggestion
from coachassist.engine.facts import FactTable
from coachassist.engine.privacy import Privacy
from coachassist.engine.soft import dysfunctions
from coachassist.engine.stability import exposes_one, label, missing_counts
from coachassist.engine.strength import rank
from coachassist.i18n import LANGS, t
from coachassist.intake.models import FindingDecision, Intake
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import SEVERITY_RANK, Rule, Text


def borrow_lenient(
    rules: Mapping[str, Rule],
    table: FactTable,
    hard: list[str],
    lenient: list[str],
    only: set[str],
) -> list[str]:
    """The lenient-run rules behind the findings ``only`` the lenient run made, with the signals
    they rest on added to ``table``, so those findings carry their evidence."""
    wanted = [r for r in lenient if rules[r].then.dysfunction in only]
    taken: list[str] = []
    while wanted:
        rid = wanted.pop(0)
        if rid in taken or rid in hard:
            continue
        taken.append(rid)
        rule = rules[rid]
        for cond in [*rule.conditions, *rule.any_conditions]:
            if cond.kind in ("signal", "dysfunction") and cond.key not in table.facts:
                wanted += [r for r in lenient if rules[r].then.fact_key == cond.key]
    for rid in taken:
        then = rules[rid].then
        if then.fact_key and then.fact_key not in table.facts:
            fields = {"severity": SEVERITY_RANK[then.severity]} if then.severity else {}
            table.add(then.fact_key, **fields)
    return taken


def _text(key: str, **values: object) -> Text:
    return Text(**{lang: t(key, lang, **values) for lang in LANGS})


def _suggestions(suggestions: list[Suggestion], order: list[str]) -> list[Suggestion]:
    kept = []
    for s in suggestions:
        answers = [a for a in s.answers if a in order]
        if answers:
            kept.append(s.model_copy(update={"answers": answers}))
    return sorted(kept, key=lambda s: min(order.index(a) for a in s.answers))


def _decide(finding: Finding, decision: FindingDecision | None) -> Finding:
    if decision is None:
        return finding
    made = Decision(
        action=decision.action,
        severity=decision.severity,
        reason=decision.reason,
        concluded=finding.severity,
    )
    update: dict[str, object] = {"decision": made}
    if decision.action == "adjust":
        update["severity"] = decision.severity
    return finding.model_copy(update=update)


@dataclass(frozen=True)
class Withheld:
    """Findings withheld because one particular person's answers decide them, and the rules
    that concluded them (the signals only those rules used are withheld with them)."""

    findings: frozenset[str] = frozenset()
    rules: frozenset[str] = frozenset()

    def adding(self, hidden: set[str], found: list[Finding]) -> Withheld:
        rules = {e.rule for f in found if f.id in hidden for e in f.evidence}
        return Withheld(self.findings | hidden, self.rules | rules)


NOTHING_WITHHELD = Withheld()


def one_person(
    kb: KnowledgeBase, intake: Intake, privacy: Privacy, findings: list[Finding]
) -> tuple[dict[str, int], set[str]]:
    """For each finding, in how many leave-one-out re-runs it disappears; and the findings one
    particular person's answers decide (withheld)."""
    if not findings:
        return {}, set()
    scan = kb.questionnaires[intake.scan]
    missing = missing_counts(kb, scan, intake, privacy, [f.id for f in findings])
    return missing, {fid for fid, n in missing.items() if exposes_one(n, privacy)}


def refine(
    kb: KnowledgeBase,
    intake: Intake,
    privacy: Privacy,
    diagnosis: Diagnosis,
    borderline: set[str],
    reaching: set[str] | None = None,
    facts: FactTable | None = None,
    withheld: Withheld = NOTHING_WITHHELD,
    missing: dict[str, int] | None = None,
) -> Diagnosis:
    """``reaching``: the borderline findings only the lenient run concluded; ``facts``: the
    visible facts the rules saw (a scale's depth leaves out a question that stands out);
    ``withheld``: findings already withheld, whose rules did not run for ``diagnosis``;
    ``missing``: ``one_person``'s counts when the caller has them."""
    findings = diagnosis.findings
    notes = list(diagnosis.notes)
    if missing is None:
        missing, hidden = one_person(kb, intake, privacy, findings)
    else:
        hidden = {fid for fid, n in missing.items() if exposes_one(n, privacy)}
    withheld = withheld.adding(hidden, findings)
    if withheld.findings:
        notes.append(_text("stability.withheld", n=len(withheld.findings)))
    if findings:
        findings = [
            f.model_copy(update={"stability": label(missing[f.id], diagnosis.respondents)})
            for f in findings
            if f.id not in hidden
        ]
        findings = rank(kb, intake.scan, findings, diagnosis.scores, borderline, reaching, facts)
    shown_rules = {e.rule for f in findings for e in f.evidence}
    signals = [
        s
        for s in diagnosis.signals
        if not ({e.rule for e in s.evidence} & withheld.rules - shown_rules)
    ]
    decisions = intake.decisions or {}
    decided = [_decide(f, decisions.get(f.id)) for f in findings]
    kept = [f for f in decided if not (f.decision and f.decision.action == "reject")]
    rejected = [f for f in decided if f.decision and f.decision.action == "reject"]
    order = [f.id for f in kept]
    return diagnosis.model_copy(
        update={
            "findings": kept,
            "rejected": rejected,
            "signals": signals,
            "suggestions": _suggestions(diagnosis.suggestions, order),
            "notes": notes,
        }
    )


__all__ = ["NOTHING_WITHHELD", "Withheld", "borrow_lenient", "dysfunctions", "one_person", "refine"]

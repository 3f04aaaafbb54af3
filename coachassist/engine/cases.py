"""Rule test cases: given answers or facts, expect findings to be present or absent.

A failing case explains itself (``explain_missing``): for each rule that could have concluded
the expected finding, every condition with the value measured in the case. Coverage is per
folder: a rule in a trainer's folder counts as tested only when a case of that folder fires it,
so a bundled case that happens to fire it gives no false pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coachassist.engine.facts import FactTable, build_facts, facts_from_given
from coachassist.engine.inference import Engine
from coachassist.i18n import Lang, t
from coachassist.intake.models import Intake, Respondent
from coachassist.kb.conditions import holds
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Case
from coachassist.scoring import score_team


@dataclass
class CaseResult:
    case: str
    fired: list[str]
    missing: list[str] = field(default_factory=list)  # expected present, not concluded
    unexpected: list[str] = field(default_factory=list)  # expected absent, concluded
    facts: FactTable = field(default_factory=FactTable)

    @property
    def failures(self) -> list[str]:
        """One English line per failed expectation."""
        return [failure_line(self, finding, True, "en") for finding in self.missing] + [
            failure_line(self, finding, False, "en") for finding in self.unexpected
        ]


def failure_line(result: CaseResult, finding: str, present: bool, lang: Lang) -> str:
    key = "test_rules.failure_present" if present else "test_rules.failure_absent"
    fired = ", ".join(result.fired) or t("test_rules.none", lang)
    return f"{t(key, lang, finding=finding)} ({t('test_rules.fired', lang)}: {fired})"


def case_facts(kb: KnowledgeBase, case: Case) -> FactTable:
    given = case.given
    context_questions = kb.context_questions()
    table = FactTable()
    if given.responses and given.questionnaire:
        intake = Intake(
            scan=given.questionnaire,
            responses=[
                Respondent(id=f"t{i}", role=r.role, answers=r.answers)
                for i, r in enumerate(given.responses)
            ],
        )
        table = build_facts(score_team(kb.questionnaires[given.questionnaire], intake), {}, {})
    stated = facts_from_given(given, context_questions, kb.scan_questions())
    table.facts.update(stated.facts)  # stated facts override computed ones
    return table


def findings_of(kb: KnowledgeBase, fired: list[str]) -> set[str]:
    found = set()
    for rid in fired:
        then = kb.rules[rid].then
        if then.fact_key:
            found.add(then.fact_key)
        found.update(f"format.{fmt}" for fmt in then.suggest)
    return found


def run_case(kb: KnowledgeBase, engine: Engine, case: Case) -> CaseResult:
    facts = case_facts(kb, case)
    fired = engine.run(facts)
    found = findings_of(kb, fired)
    return CaseResult(
        case.id,
        fired,
        missing=[x for x in case.expect.present if x not in found],
        unexpected=[x for x in case.expect.absent if x in found],
        facts=facts,
    )


def _layer(kb: KnowledgeBase, kind: str, item_id: str) -> int:
    origin = kb.origin(kind, item_id)
    return origin.layer if origin else 0


def run_all(kb: KnowledgeBase, engine: Engine) -> tuple[list[CaseResult], list[str]]:
    """Every case's result, and the rules no case of their own folder made fire."""
    results = [run_case(kb, engine, kb.cases[cid]) for cid in sorted(kb.cases)]
    covered = {(rid, _layer(kb, "case", result.case)) for result in results for rid in result.fired}
    uncovered = [rid for rid in sorted(kb.rules) if (rid, _layer(kb, "rule", rid)) not in covered]
    return results, uncovered


def explain_missing(kb: KnowledgeBase, result: CaseResult, finding: str, lang: Lang) -> list[str]:
    """Why ``finding`` was not concluded: each rule that could conclude it, with every
    condition, the value measured in the case, and whether it held."""
    return _explain(kb, result, finding, lang, fired=False)


def explain_present(kb: KnowledgeBase, result: CaseResult, finding: str, lang: Lang) -> list[str]:
    """Why ``finding`` was concluded although it should not be: each rule that fired and
    concluded it, with every condition and the value measured in the case."""
    return _explain(kb, result, finding, lang, fired=True)


def _explain(
    kb: KnowledgeBase, result: CaseResult, finding: str, lang: Lang, *, fired: bool
) -> list[str]:
    concluded = findings_of(kb, result.fired)
    questions = kb.scan_questions()
    anchors = {
        q.id: qn.anchors.get(q.anchors or "")
        for qn in kb.by_purpose("scan")
        for q in qn.questions
        if q.reverse
    }
    rules = [
        r
        for r in kb.rules.values()
        if _concludes(r.then, finding) and (r.id in result.fired) == fired
    ]
    if not rules:
        return [t("test_rules.no_rule", lang)]
    lines = []
    header = "test_rules.concluded_by" if fired else "test_rules.could_conclude"
    for rule in rules:
        origin = kb.origin("rule", rule.id)
        where = f"{origin.path.name}:{origin.line}" if origin else "?"
        lines.append(t(header, lang, rule=rule.id, where=where))
        for cond in [*rule.conditions, *rule.any_conditions]:
            if cond.kind in ("signal", "dysfunction"):
                held = cond.key in concluded
                value = t("test_rules.concluded" if held else "test_rules.not_concluded", lang)
            else:
                actual = result.facts.value(cond)
                held = holds(cond, actual)
                value = t("test_rules.missing_value", lang) if actual is None else str(actual)
            mark = "ok" if held else "NO"
            lines.append(
                t("test_rules.condition", lang, mark=mark, condition=cond.text, value=value)
            )
            question = questions.get(cond.name) if cond.kind == "item" else None
            scale = anchors.get(cond.name)
            if question is not None and question.reverse and scale is not None:
                lines.append(
                    t(
                        "test_rules.reverse_note",
                        lang,
                        question=question.id,
                        high=scale.max,
                        low=scale.min,
                    )
                )
    return lines


def _concludes(then: object, finding: str) -> bool:
    kind, _, name = finding.partition(".")
    if kind == "format":
        return name in getattr(then, "suggest", [])
    return getattr(then, "fact_key", None) == finding

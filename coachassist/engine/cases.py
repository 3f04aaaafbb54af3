"""Rule test cases: given answers or facts, expect findings to be present or absent."""

from __future__ import annotations

from dataclasses import dataclass

from coachassist.engine.facts import FactTable, build_facts, facts_from_given
from coachassist.engine.inference import Engine
from coachassist.intake.models import Intake, Respondent
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Case
from coachassist.scoring import score_team


@dataclass
class CaseResult:
    case: str
    fired: list[str]
    failures: list[str]  # one line each, naming what was expected


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
    stated = facts_from_given(given, context_questions)
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
    fired = engine.run(case_facts(kb, case))
    found = findings_of(kb, fired)
    failures = [
        f"expected {x}, but it was not concluded" for x in case.expect.present if x not in found
    ]
    failures += [f"expected no {x}, but it was concluded" for x in case.expect.absent if x in found]
    return CaseResult(case.id, fired, failures)


def run_all(kb: KnowledgeBase, engine: Engine) -> tuple[list[CaseResult], list[str]]:
    """Every case's result, and the rules no case made fire."""
    results = [run_case(kb, engine, kb.cases[cid]) for cid in sorted(kb.cases)]
    covered = {rid for result in results for rid in result.fired}
    return results, sorted(set(kb.rules) - covered)

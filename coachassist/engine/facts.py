"""Facts: every number a rule may look at, precomputed in Python and keyed like conditions.

A fact is a flat dict ``{"key": "score.trust", "mean": 2.4, ...}``. Rules compare a fact's
fields with constants only; derived numbers (gaps, agreement) are computed here, never in rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from coachassist.intake.models import Answers
from coachassist.kb.conditions import Condition
from coachassist.kb.models import Question
from coachassist.scoring import TeamScores

Fact = dict[str, Any]


@dataclass
class FactTable:
    """Facts by key; a multiple-choice answer is one fact per chosen value."""

    facts: dict[str, list[Fact]] = field(default_factory=dict)

    def add(self, key: str, **fields: Any) -> None:
        kept = {k: clean(v) for k, v in fields.items() if v is not None}
        self.facts.setdefault(key, []).append({"key": key, **kept})

    def value(self, cond: Condition) -> Any:
        """The value a condition looks at, or None when it is missing."""
        found = self.facts.get(cond.key)
        if not found:
            return None
        if cond.is_presence:
            return True
        if len(found) > 1 or cond.op == "has":
            return [f.get(cond.stat) for f in found]
        return found[0].get(cond.stat)

    def all(self) -> list[Fact]:
        return [fact for key in sorted(self.facts) for fact in self.facts[key]]


def clean(value: Any) -> Any:
    """A number as a fact holds it: 4 decimals, an integral float as an int."""
    if isinstance(value, float):
        value = round(value, 4)
        return int(value) if value.is_integer() and abs(value) < 1e9 else value
    return value


def build_facts(
    scores: TeamScores, context: Answers, context_questions: Mapping[str, Question]
) -> FactTable:
    table = FactTable()
    members = scores.roles.get("member", 0)
    table.add(
        "respondents", n=scores.respondents, members=members, leads=scores.roles.get("lead", 0)
    )
    for scale, stats in scores.scales.items():
        if stats.mean is not None:
            table.add(
                f"score.{scale}",
                mean=stats.mean,
                sd=stats.sd,
                rwg=stats.rwg,
                n=stats.n,
                polarised=stats.polarised,
            )
    for item_id, item in scores.items.items():
        table.add(f"item.{item_id}", mean=item.mean, sd=item.sd, n=item.n)
    for scale, gap in scores.gaps.items():
        table.add(f"gap.{scale}", value=gap)
    add_context(table, context, context_questions)
    return table


def add_context(
    table: FactTable, context: Answers, context_questions: Mapping[str, Question]
) -> None:
    """The coach's context answers: one fact per chosen value (open texts are not facts)."""
    for question_id, answer in sorted(context.items()):
        question = context_questions.get(question_id)
        if question is None or question.type == "text" or answer in ("", []):
            continue
        for value in answer if isinstance(answer, list) else [answer]:
            table.add(f"context.{question_id}", value=value)


def facts_from_given(given: Any, context_questions: Mapping[str, Question]) -> FactTable:
    """Facts stated directly by a rule test case (scores, items, gaps, context)."""
    table = FactTable()
    if given.respondents:
        table.add("respondents", **given.respondents)
    for scale, score in given.scores.items():
        table.add(f"score.{scale}", **score.model_dump())
    for question, item in given.items.items():
        table.add(f"item.{question}", **item.model_dump())
    for scale, gap in given.gaps.items():
        table.add(f"gap.{scale}", value=gap)
    for question_id, answer in sorted(given.context.items()):
        for value in answer if isinstance(answer, list) else [answer]:
            table.add(f"context.{question_id}", value=value)
    return table

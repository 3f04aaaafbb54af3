"""Soft edges: the rules re-run on scores shifted a small margin up and down.

A mean of 3.45 against a band edge of 3.5 should not make a finding that a mean of 3.55 lacks.
So besides the ordinary run, the rules run twice more in plain Python (``conclusions``: what
``inference.reference`` means, in one pass in dependency order) on copies of the visible facts:
- *strict*: every team and question mean ``MARGIN`` healthier, every lead-vs-members gap
  ``MARGIN`` smaller; a finding that disappears there is **borderline**;
- *lenient*: every mean ``MARGIN`` less healthy, every gap ``MARGIN`` larger; a finding that only
  appears there is added as a **borderline** finding (severity low).
A value within the margin of a threshold therefore gives a borderline finding on both sides of
the threshold instead of a finding that comes and goes.
"""

from __future__ import annotations

from collections.abc import Mapping

from coachassist.engine.facts import Fact, FactTable
from coachassist.engine.truth import Keyed, in_order, logic_of
from coachassist.kb.conditions import Condition, holds
from coachassist.kb.models import SEVERITY_RANK, Rule

MARGIN = 0.1  # points on the 1..5 scale; about one standard error of an 8-person team mean


def shifted(table: FactTable, delta: float) -> FactTable:
    """A copy of ``table`` with every mean ``delta`` higher (healthier) and every gap's size
    ``delta`` smaller (never past zero)."""
    return shift_in_place(
        FactTable({key: [dict(f) for f in facts] for key, facts in table.facts.items()}), delta
    )


def shift_in_place(result: FactTable, delta: float) -> FactTable:
    """``shifted`` without the copy, for a table nothing else holds."""
    for key, facts in result.facts.items():
        kind = key.partition(".")[0]
        stat = SHIFTED.get(kind)
        if stat is None:
            continue
        for fact in facts:
            if isinstance(fact.get(stat), int | float):
                fact[stat] = shift_value(kind, fact[stat], delta)
    return result


SHIFTED = {"score": "mean", "item": "mean", "gap": "value"}  # the field each kind shifts


def shift_value(kind: str, value: float, delta: float) -> float:
    """A mean ``delta`` higher, or a gap's size ``delta`` smaller (never past zero)."""
    if kind != "gap":
        return round(value + delta, 4)
    size = max(abs(value) - delta, 0.0)
    return round(size if value >= 0 else -size, 4)


def dysfunctions(rules: Mapping[str, Rule], fired: list[str]) -> set[str]:
    found = (rules[rid].then.dysfunction for rid in fired)
    return {d for d in found if d is not None}


def soft_runs(rules: Mapping[str, Rule], visible: FactTable) -> tuple[list[str], list[str]]:
    """The signal and dysfunction rules fired on the strict and on the lenient copy: what
    ``conclusions`` fires on ``shifted(visible, MARGIN)`` and ``shifted(visible, -MARGIN)``,
    from the truth of each input condition on the shifted values (``engine/truth.py``)."""
    logic = logic_of(rules)
    strict, lenient = [False] * len(logic.inputs), [False] * len(logic.inputs)
    facts = visible.facts
    for index, cond in enumerate(logic.inputs):
        value = _value(facts, cond.key, cond)
        if value is not None and cond.stat == SHIFTED.get(cond.kind):
            strict[index] = holds(cond, _shift(cond.kind, value, MARGIN))
            lenient[index] = holds(cond, _shift(cond.kind, value, -MARGIN))
        else:
            strict[index] = lenient[index] = holds(cond, value)
    return logic.fired(tuple(strict)), logic.fired(tuple(lenient))


def _shift(kind: str, value: object, delta: float) -> object:
    """A value as ``shift_in_place`` leaves it: numbers shifted, one by one in a list."""
    if isinstance(value, list):
        return [_shift(kind, v, delta) for v in value]
    return shift_value(kind, value, delta) if isinstance(value, int | float) else value


def conclusions(rules: Mapping[str, Rule], table: FactTable) -> list[str]:
    """What ``inference.reference`` concludes (signals and dysfunctions; suggestions are left
    out), in one pass over the rules in dependency order instead of repeated sweeps: the soft
    edges, stability and why-not re-run the rules many times per team."""
    fired = []
    facts = table.facts
    for rule, when, when_any in in_order(rules):
        if _holds(facts, when, when_any):
            fired.append(rule.id)
            key = rule.then.fact_key
            assert key is not None
            fields = {"severity": SEVERITY_RANK[rule.then.severity]} if rule.then.severity else {}
            table.add(key, **fields)
    return fired


def _holds(facts: dict[str, list[Fact]], when: Keyed, when_any: Keyed) -> bool:
    """``inference.rule_holds`` with the condition keys computed once and a missing fact
    (on which every condition is false) rejected before any comparison."""
    for key, _cond in when:
        if key not in facts:
            return False
    for key, cond in when:
        if not holds(cond, _value(facts, key, cond)):
            return False
    return not when_any or any(holds(c, _value(facts, key, c)) for key, c in when_any)


def _value(facts: dict[str, list[Fact]], key: str, cond: Condition) -> object:
    """``FactTable.value`` for a condition whose key is known."""
    found = facts.get(key)
    if not found:
        return None
    if cond.op == "?":
        return True
    if len(found) > 1 or cond.op == "has":
        return [f.get(cond.stat) for f in found]
    return found[0].get(cond.stat)

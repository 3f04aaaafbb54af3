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
    """The signal and dysfunction rules fired on the strict and on the lenient copy."""
    return conclusions(rules, shifted(visible, MARGIN)), conclusions(
        rules, shifted(visible, -MARGIN)
    )


Keyed = tuple[tuple[str, Condition], ...]
_ORDER: dict[int, tuple[Mapping[str, Rule], list[tuple[Rule, Keyed, Keyed]]]] = {}


def _keyed(conditions: list[Condition]) -> Keyed:
    return tuple((c.key, c) for c in conditions)


def in_order(rules: Mapping[str, Rule]) -> list[tuple[Rule, Keyed, Keyed]]:
    """The signal and dysfunction rules, every rule after all rules concluding what it tests
    (the rule files have no cycles: ``check`` refuses them), each with its ``when`` and
    ``when_any`` conditions and the key each looks at; cached per rule set."""
    cached = _ORDER.get(id(rules))
    if cached is not None and cached[0] is rules:
        return cached[1]
    concluding: dict[str, list[str]] = {}
    for rule in rules.values():
        if rule.then.fact_key:
            concluding.setdefault(rule.then.fact_key, []).append(rule.id)
    depth: dict[str, int] = {}

    def depth_of(rid: str, seen: frozenset[str] = frozenset()) -> int:
        if rid not in depth:
            rule = rules[rid]
            tested = [c.key for c in [*rule.conditions, *rule.any_conditions]]
            below = [
                depth_of(other, seen | {rid})
                for key in tested
                for other in concluding.get(key, [])
                if other not in seen and other != rid
            ]
            depth[rid] = 1 + max(below, default=0)
        return depth[rid]

    ordered = [
        (rule, _keyed(rule.conditions), _keyed(rule.any_conditions))
        for rule in sorted(
            (r for r in rules.values() if r.then.fact_key), key=lambda r: (depth_of(r.id), r.id)
        )
    ]
    if len(_ORDER) > 64:  # the knowledge base's rules and a few rule sets built in tests
        _ORDER.clear()
    _ORDER[id(rules)] = (rules, ordered)
    return ordered


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

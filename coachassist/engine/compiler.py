"""Compile rule conditions into durable-rules patterns (data in, data out; nothing executed).

Conditions on the same fact become one alias pattern: the fact's ``key`` first (the most
selective equality test), then every comparison. durable-rules binds each alias to a different
fact, so two aliases must never be meant for one fact; only ``has`` tests (one fact per chosen
value) get an alias each. A rule with ``when_any`` becomes one engine rule per alternative, so
an ``$or`` over several facts can never double-fire.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the engine worker imports this module: keep pydantic out of it
    from coachassist.kb.conditions import Condition
    from coachassist.kb.models import Rule

_OPS = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}
VARIANT = "#"  # separates a rule id from its when_any alternative in engine rule names


def tests(cond: Condition) -> list[dict[str, Any]]:
    """The engine tests of one condition, without the key test."""
    field, value = cond.stat, cond.value
    match cond.op:
        case "?":
            return []
        case "==":
            return [{field: value}]
        case "!=":
            return [{"$ex": {field: 1}}, {"$neq": {field: value}}]
        case "in":
            return [{"$or": [{field: v} for v in value]}]  # type: ignore[union-attr]
        case "has":
            return [{"value": value}]
        case op:
            return [{_OPS[op]: {field: value}}]


def patterns(conds: list[Condition]) -> list[dict[str, Any]]:
    """One alias pattern per fact the conditions need."""
    groups: dict[str, list[Condition]] = {}
    for cond in conds:
        slot = f"{cond.key}={cond.value}" if cond.op == "has" else cond.key
        if cond.text not in [c.text for c in groups.get(slot, [])]:
            groups.setdefault(slot, []).append(cond)
    result = []
    for group in groups.values():
        checks = [test for cond in group for test in tests(cond)]
        key = {"key": group[0].key}
        result.append({"$and": [key, *checks]} if checks else key)
    return result


def compile_rule(rule: Rule) -> dict[str, list[dict[str, Any]]]:
    """Engine rules for one rule: name -> alias patterns."""
    if not rule.any_conditions:
        return {rule.id: patterns(rule.conditions)}
    return {
        f"{rule.id}{VARIANT}{i}": patterns([*rule.conditions, alt])
        for i, alt in enumerate(rule.any_conditions)
    }


def rule_id(engine_name: str) -> str:
    return engine_name.split(VARIANT, 1)[0]

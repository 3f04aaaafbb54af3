"""Compile rule conditions into durable-rules patterns (data in, data out; nothing executed).

Each condition becomes one alias pattern that matches one fact: the fact's ``key`` first (the
most selective equality test), then the comparison. A rule with ``when_any`` becomes one engine
rule per alternative, so an ``$or`` over several facts can never double-fire.
"""

from __future__ import annotations

from typing import Any

from coachassist.kb.conditions import Condition
from coachassist.kb.models import Rule

_OPS = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}
VARIANT = "#"  # separates a rule id from its when_any alternative in engine rule names


def pattern(cond: Condition) -> dict[str, Any]:
    key = {"key": cond.key}
    if cond.is_presence:
        return key
    field, value = cond.stat, cond.value
    match cond.op:
        case "==":
            test: dict[str, Any] = {field: value}
        case "!=":
            return {"$and": [key, {"$ex": {field: 1}}, {"$neq": {field: value}}]}
        case "in":
            test = {"$or": [{field: v} for v in value]}  # type: ignore[union-attr]
        case "has":
            test = {"value": value}
        case op:
            test = {_OPS[op]: {field: value}}
    return {"$and": [key, test]}


def compile_rule(rule: Rule) -> dict[str, list[dict[str, Any]]]:
    """Engine rules for one rule: name -> alias patterns."""
    base = [pattern(c) for c in rule.conditions]
    if not rule.any_conditions:
        return {rule.id: base}
    return {
        f"{rule.id}{VARIANT}{i}": [*base, pattern(alt)] for i, alt in enumerate(rule.any_conditions)
    }


def rule_id(engine_name: str) -> str:
    return engine_name.split(VARIANT, 1)[0]

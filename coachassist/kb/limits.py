"""What a knowledge base may ask of the rules engine: limits checked before durable-rules sees it.

durable-rules 2.0.28 crashes (SIGSEGV/SIGABRT) or hangs past certain sizes instead of raising.
The measured breaking points are in docs/engine.md (re-measure: ``python bench/engine_limits.py``);
every limit here keeps a wide margin below them. ``rule_limit_problems`` returns one message per
violation and rule, so ``coachassist check`` can name the file, line and rule.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from coachassist.kb.conditions import DECIMALS, NUMBER_LIMIT, Condition
from coachassist.kb.models import Rule

MAX_CONDITIONS_PER_RULE = 16  # when + when_any together
MAX_FACTS_PER_RULE = 8  # different facts one rule (or one when_any alternative) joins
MAX_WHEN_ANY = 16  # alternatives; each becomes an engine rule
MAX_IN_VALUES = 32  # values in one `in [...]` list
MAX_TESTS_PER_FACT = 32  # distinct comparisons on one fact (e.g. score.trust) over all rules
MAX_CHAIN_DEPTH = 16  # signal -> signal -> ... -> dysfunction -> suggest
MAX_RULES = 6_000  # rules in one knowledge base, counting each when_any alternative
# The engine evaluates larger layers in several rulesets, each with at most this many alias
# patterns (one per fact a rule joins, summed over its rules) and different fact keys.
PATTERNS_PER_RULESET = 200
KEYS_PER_RULESET = 128


def engine_number(value: float | int) -> float | int:
    """``value`` as the engine may see it: finite, bounded, plain decimal. ValueError if not."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value!r} is not a finite number")
    if abs(value) >= NUMBER_LIMIT:
        raise ValueError(f"{value!r} is out of range (keep numbers below {NUMBER_LIMIT:,})")
    if isinstance(value, int):
        return value
    rounded = round(value, DECIMALS)
    return int(rounded) if rounded.is_integer() else rounded


def chain_depths(rules: Mapping[str, Rule]) -> dict[str, int]:
    """Each rule's layer: 0 when it needs no conclusion, else one more than its deepest
    producer. Rules in a cycle (and rules needing them) get no layer."""
    producers: dict[str, list[str]] = {}
    for rule in rules.values():
        if rule.then.fact_key:
            producers.setdefault(rule.then.fact_key, []).append(rule.id)
    needs = {
        rule.id: {
            producer
            for cond in [*rule.conditions, *rule.any_conditions]
            if cond.kind in ("signal", "dysfunction")
            for producer in producers.get(cond.key, [])
        }
        for rule in rules.values()
    }
    depth: dict[str, int] = {}
    progress = True
    while progress:
        progress = False
        for rid, deps in needs.items():
            if rid not in depth and all(d in depth for d in deps):
                depth[rid] = 1 + max((depth[d] for d in deps), default=-1)
                progress = True
    return depth


def fact_slots(conds: list[Condition]) -> set[str]:
    """The facts a rule joins: one per fact key, and one per value a ``has`` test needs."""
    return {f"{c.key}={c.value}" if c.op == "has" else c.key for c in conds}


def _tests(cond: Condition) -> list[tuple[str, str, object]]:
    if cond.op == "in":
        return [(cond.stat, "==", v) for v in cond.value]  # type: ignore[union-attr]
    if cond.op == "has":
        return [("value", "==", cond.value)]
    if cond.op == "?":
        return []
    return [(cond.stat, cond.op, cond.value)]


def capacity_problem(
    rules: Mapping[str, Rule], layer: Callable[[str], int] | None = None
) -> tuple[str, str, str] | None:
    """(rule id, field, message) naming the first rule past the engine's capacity, or None.

    Rules are counted layer by layer (``layer``: a rule id's knowledge-base layer, the bundled
    rules first), so the rule named is one of the layer that pushed the total over: a
    trainer's file, not a bundled one. Past the capacity the whole knowledge base is refused
    (exit 2), not one rule corrected."""
    ordered = sorted(rules.values(), key=lambda r: (layer(r.id) if layer else 0, r.id))
    counted = 0
    for rule in ordered:
        counted += max(1, len(rule.any_conditions))
        if counted > MAX_RULES:
            total = sum(max(1, len(r.any_conditions)) for r in ordered)
            return (
                rule.id,
                "when",
                f"the knowledge base has {total:,} rules (counting each when_any "
                f"alternative); the engine supports up to {MAX_RULES:,}: merge or remove rules",
            )
    return None


def rule_limit_problems(
    rules: Mapping[str, Rule], layer: Callable[[str], int] | None = None
) -> list[tuple[str, str, str]]:
    """Every limit violation as (rule id, field, message saying what to change)."""
    problems: list[tuple[str, str, str]] = []
    ordered = sorted(rules.values(), key=lambda r: r.id)
    if capacity := capacity_problem(rules, layer):
        problems.append(capacity)
    tests_by_fact: dict[str, dict[tuple, str]] = {}
    for rule in ordered:
        total = len(rule.conditions) + len(rule.any_conditions)
        if total > MAX_CONDITIONS_PER_RULE:
            problems.append(
                (
                    rule.id,
                    "when",
                    f"{total} conditions; a rule may have at most {MAX_CONDITIONS_PER_RULE} "
                    "(when and when_any together): split it into rules concluding a signal",
                )
            )
        alternatives = [[alt] for alt in rule.any_conditions] or [[]]
        joined = max(len(fact_slots([*rule.conditions, *alt])) for alt in alternatives)
        if joined > MAX_FACTS_PER_RULE:
            problems.append(
                (
                    rule.id,
                    "when",
                    f"the conditions test {joined} different facts; a rule may join at most "
                    f"{MAX_FACTS_PER_RULE}: split it into rules concluding a signal",
                )
            )
        if len(rule.any_conditions) > MAX_WHEN_ANY:
            problems.append(
                (
                    rule.id,
                    "when_any",
                    f"{len(rule.any_conditions)} alternatives in when_any; at most "
                    f"{MAX_WHEN_ANY}: split it into several rules",
                )
            )
        for field, conds in (("when", rule.conditions), ("when_any", rule.any_conditions)):
            for cond in conds:
                if cond.op == "in" and len(cond.value) > MAX_IN_VALUES:  # type: ignore[arg-type]
                    problems.append(
                        (
                            rule.id,
                            field,
                            f"condition {cond.text[:60]!r}: {len(cond.value)} values in the "  # type: ignore[arg-type]
                            f"list; at most {MAX_IN_VALUES}: split the list over rules",
                        )
                    )
                for test in _tests(cond):
                    seen = tests_by_fact.setdefault(cond.key, {})
                    if test not in seen:
                        seen[test] = rule.id
                        if len(seen) == MAX_TESTS_PER_FACT + 1:
                            problems.append(
                                (
                                    rule.id,
                                    field,
                                    f"more than {MAX_TESTS_PER_FACT} different comparisons on "
                                    f"{cond.key} over all rules: reuse thresholds (e.g. conclude "
                                    "a signal once and test the signal)",
                                )
                            )
    depths = chain_depths(rules)
    for rid in sorted(rid for rid, depth in depths.items() if depth >= MAX_CHAIN_DEPTH):
        if depths[rid] == MAX_CHAIN_DEPTH:  # name the rule where the chain gets too deep
            problems.append(
                (
                    rid,
                    "when",
                    f"a chain of more than {MAX_CHAIN_DEPTH} rules concluding signals leads "
                    "here: let this rule test the answers or scores directly",
                )
            )
    return problems

"""What a knowledge base may ask of the rules engine: limits checked before durable-rules sees it.

durable-rules 2.0.28 crashes (SIGSEGV/SIGABRT) or hangs past certain sizes instead of raising.
The measured breaking points are in docs/engine.md (re-measure: ``python bench/engine_limits.py``);
every limit here keeps a wide margin below them. ``rule_limit_problems`` returns one message per
violation and rule, so ``coachassist check`` can name the file, line and rule.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import NamedTuple

from coachassist.i18n import Lang, Message, t
from coachassist.kb.conditions import DECIMALS, NUMBER_LIMIT, Condition
from coachassist.kb.models import Rule

MAX_CONDITIONS_PER_RULE = 16  # when + when_any together
MAX_FACTS_PER_RULE = 8  # different facts one rule (or one when_any alternative) joins
MAX_WHEN_ANY = 16  # alternatives; each becomes an engine rule
MAX_IN_VALUES = 32  # values in one `in [...]` list
MAX_TESTS_PER_FACT = 32  # distinct comparisons on one fact (e.g. score.trust) over all rules
MAX_CHAIN_DEPTH = 16  # signal -> signal -> ... -> dysfunction -> suggest
MAX_RULES = 6_000  # rules in one knowledge base, counting each when_any alternative
# Each signal and finding carries the evidence of every rule it builds on, so a diagnosis can
# carry as many rule evidences as the chains of all conclusions hold together (the bundled
# rules: 428; 5,000 generated rules in bench/big_kb.py: 12,928; 4,500 fanned-out rules: 2.4
# million, a 950 MB `--json` after 230 s).
MAX_EVIDENCE = 50_000
# The engine evaluates larger layers in several rulesets, each with at most this many alias
# patterns (one per fact a rule joins, summed over its rules) and different fact keys.
PATTERNS_PER_RULESET = 200
KEYS_PER_RULESET = 128


class LimitProblem(NamedTuple):
    """A limit a rule (or the whole knowledge base) goes past: the rule, its field, and what to
    change, as the message ``kbcheck.limit.<key>`` (coachassist/messages/kb.toml)."""

    rule: str
    field: str
    key: str
    values: tuple[tuple[str, object], ...] = ()

    @property
    def refuses_all(self) -> bool:
        """The knowledge base as a whole is beyond the engine: refused (exit 2), not corrected."""
        return self.key in ("capacity", "evidence")

    def render(self, lang: Lang = "en") -> str:
        """The message in ``lang`` (as a ``Message`` renders; it can stand as one's value)."""
        sep = "." if lang == "nl" else ","
        values = {
            name: f"{value:,}".replace(",", sep) if isinstance(value, int) else value
            for name, value in self.values
        }
        return t(f"kbcheck.limit.{self.key}", lang, **values)


def _limit(rule: str, field: str, key: str, **values: object) -> LimitProblem:
    return LimitProblem(rule, field, key, tuple(values.items()))


def engine_number(value: float | int) -> float | int:
    """``value`` as the engine may see it: finite, bounded, plain decimal. ValueError if not."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(Message("answer.not_a_number", value=repr(value)))
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(Message("engine.not_finite", value=repr(value)))
    if abs(value) >= NUMBER_LIMIT:
        raise ValueError(
            Message("engine.out_of_range", value=repr(value), limit=f"{NUMBER_LIMIT:,}")
        )
    if isinstance(value, int):
        return value
    rounded = round(value, DECIMALS)
    return int(rounded) if rounded.is_integer() else rounded


def chain_depths(rules: Mapping[str, Rule]) -> dict[str, int]:
    """Each rule's layer: 0 when it needs no conclusion, else one more than its deepest
    producer. Rules in a cycle (and rules needing them) get no layer."""
    producers = _producers(rules)
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


def _producers(rules: Mapping[str, Rule]) -> dict[str, list[str]]:
    """The ids of the rules concluding each fact key."""
    producers: dict[str, list[str]] = {}
    for rule in rules.values():
        if rule.then.fact_key:
            producers.setdefault(rule.then.fact_key, []).append(rule.id)
    return producers


def _layer_order(layer: Callable[[str], int] | None) -> Callable[[Rule], tuple[int, str]]:
    """Rules by knowledge-base layer (the bundled rules first), then by id."""
    return lambda rule: (layer(rule.id) if layer else 0, rule.id)


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
) -> LimitProblem | None:
    """The problem naming the first rule past the engine's capacity, or None.

    Rules are counted layer by layer (``layer``: a rule id's knowledge-base layer, the bundled
    rules first), so the rule named is one of the layer that pushed the total over: a
    trainer's file, not a bundled one. Past the capacity the whole knowledge base is refused
    (exit 2), not one rule corrected."""
    ordered = sorted(rules.values(), key=_layer_order(layer))
    counted = 0
    for rule in ordered:
        counted += max(1, len(rule.any_conditions))
        if counted > MAX_RULES:
            total = sum(max(1, len(r.any_conditions)) for r in ordered)
            return _limit(rule.id, "when", "capacity", total=total, most=MAX_RULES)
    return None


def evidence_sizes(
    rules: Mapping[str, Rule], depths: Mapping[str, int] | None = None
) -> dict[str, int]:
    """For each signal and dysfunction, how many rules' evidence it may carry at most: the rules
    concluding it and every rule they build on (as ``explain.build_diagnosis`` follows them),
    whether or not their conditions hold. Sets of rules are bit masks, built layer by layer."""
    depths = chain_depths(rules) if depths is None else depths
    bit = {rid: 1 << i for i, rid in enumerate(rules)}
    producers = _producers(rules)
    below: dict[str, int] = {}  # a rule and every rule it builds on
    concluded: dict[str, int] = {}  # a fact key: every rule its producers build on

    def of_key(key: str) -> int:
        if key not in concluded:
            mask = 0
            for producer in producers.get(key, []):
                mask |= below.get(producer, 0)  # a rule in a cycle: refused elsewhere
            concluded[key] = mask
        return concluded[key]

    for rid in sorted(depths, key=lambda r: depths[r]):
        mask = bit[rid]
        for cond in [*rules[rid].conditions, *rules[rid].any_conditions]:
            if cond.kind in ("signal", "dysfunction"):
                mask |= of_key(cond.key)
        below[rid] = mask
    return {
        key: of_key(key).bit_count()
        for key in producers
        if key.startswith(("signal.", "dysfunction."))
    }


def evidence_problem(
    rules: Mapping[str, Rule],
    layer: Callable[[str], int] | None = None,
    depths: Mapping[str, int] | None = None,
) -> LimitProblem | None:
    """The problem when a diagnosis could carry more than ``MAX_EVIDENCE`` rule
    evidences, naming a rule (of the last layer) concluding the largest chain; else None."""
    sizes = evidence_sizes(rules, depths)
    total = sum(sizes.values())
    if total <= MAX_EVIDENCE:
        return None
    largest = max(sorted(sizes), key=lambda key: sizes[key])
    rule = max((r for r in rules.values() if r.then.fact_key == largest), key=_layer_order(layer))
    return _limit(
        rule.id, "then", "evidence", total=total, on=largest, own=sizes[largest], most=MAX_EVIDENCE
    )


def rule_limit_problems(
    rules: Mapping[str, Rule], layer: Callable[[str], int] | None = None
) -> list[LimitProblem]:
    """Every limit violation, each naming its rule, field and what to change; one refusing the
    whole knowledge base first. The evidence a diagnosis may carry is judged only when no rule
    is past a limit of its own (a chain too deep makes the evidence grow too, and its own
    message says what to change)."""
    depths = chain_depths(rules)
    own = _rule_problems(rules, depths)
    whole = capacity_problem(rules, layer) or (
        None if own else evidence_problem(rules, layer, depths)
    )
    return [whole, *own] if whole else own


def _rule_problems(rules: Mapping[str, Rule], depths: Mapping[str, int]) -> list[LimitProblem]:
    problems: list[LimitProblem] = []
    ordered = sorted(rules.values(), key=lambda r: r.id)
    tests_by_fact: dict[str, dict[tuple, str]] = {}
    for rule in ordered:
        total = len(rule.conditions) + len(rule.any_conditions)
        if total > MAX_CONDITIONS_PER_RULE:
            problems.append(
                _limit(rule.id, "when", "conditions", count=total, most=MAX_CONDITIONS_PER_RULE)
            )
        alternatives = [[alt] for alt in rule.any_conditions] or [[]]
        joined = max(len(fact_slots([*rule.conditions, *alt])) for alt in alternatives)
        if joined > MAX_FACTS_PER_RULE:
            problems.append(_limit(rule.id, "when", "facts", count=joined, most=MAX_FACTS_PER_RULE))
        if len(rule.any_conditions) > MAX_WHEN_ANY:
            problems.append(
                _limit(
                    rule.id,
                    "when_any",
                    "when_any",
                    count=len(rule.any_conditions),
                    most=MAX_WHEN_ANY,
                )
            )
        for field, conds in (("when", rule.conditions), ("when_any", rule.any_conditions)):
            for cond in conds:
                if cond.op == "in" and len(cond.value) > MAX_IN_VALUES:  # type: ignore[arg-type]
                    problems.append(
                        _limit(
                            rule.id,
                            field,
                            "in_values",
                            condition=repr(cond.text[:60]),
                            count=len(cond.value),  # type: ignore[arg-type]
                            most=MAX_IN_VALUES,
                        )
                    )
                for test in _tests(cond):
                    seen = tests_by_fact.setdefault(cond.key, {})
                    if test not in seen:
                        seen[test] = rule.id
                        if len(seen) == MAX_TESTS_PER_FACT + 1:
                            problems.append(
                                _limit(
                                    rule.id,
                                    field,
                                    "tests",
                                    most=MAX_TESTS_PER_FACT,
                                    fact=cond.key,
                                )
                            )
    for rid in sorted(rid for rid, depth in depths.items() if depth >= MAX_CHAIN_DEPTH):
        if depths[rid] == MAX_CHAIN_DEPTH:  # name the rule where the chain gets too deep
            problems.append(_limit(rid, "when", "chain", most=MAX_CHAIN_DEPTH))
    return problems

"""What the engine worker runs for one knowledge base: rules in layers, layers in rulesets.

A rule's layer is one more than the deepest rule whose conclusion it tests (``chain_depths``),
so rules in one layer never need each other: the worker evaluates the layers in order, and each
layer's conclusions become facts of the next. A layer larger than ``PATTERNS_PER_RULESET`` engine
rules is split into several rulesets. That keeps every ruleset small (durable-rules fails to register
about 300 joining rules in one ruleset, and hangs past about 500 fact keys) and chains no deeper
than one rule inside the engine. Rules in a cycle (refused by ``check``) go into one last ruleset, where the
engine itself chains them as before.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from coachassist.engine.compiler import compile_rule
from coachassist.kb.limits import KEYS_PER_RULESET, PATTERNS_PER_RULESET, chain_depths
from coachassist.kb.models import SEVERITY_RANK, Rule

Patterns = dict[str, list[dict[str, Any]]]  # engine rule name -> alias patterns
_NAMES = itertools.count(1)


@dataclass
class Program:
    """Plain data (sent to the worker): rulesets by layer and what each rule concludes."""

    layers: list[list[Patterns]]
    conclusions: dict[str, tuple[str | None, dict[str, Any]]]
    name: str = field(default_factory=lambda: f"program{next(_NAMES)}")


def conclusion(rule: Rule) -> tuple[str | None, dict[str, Any]]:
    """The fact a rule adds and its fields (severity rank for a dysfunction)."""
    fields = {"severity": SEVERITY_RANK[rule.then.severity]} if rule.then.severity else {}
    return rule.then.fact_key, fields


def _size(compiled: Patterns) -> int:
    return sum(len(patterns) for patterns in compiled.values())


def _keys(compiled: Patterns) -> set[str]:
    return {
        p["$and"][0]["key"] if "$and" in p else p["key"] for ps in compiled.values() for p in ps
    }


def build_program(rules: Mapping[str, Rule], per_ruleset: int = PATTERNS_PER_RULESET) -> Program:
    """Rules by layer; a layer split into rulesets of at most ``per_ruleset`` alias patterns
    and ``KEYS_PER_RULESET`` fact keys (measured limits: docs/engine.md)."""
    depths = chain_depths(rules)
    cyclic = max(depths.values(), default=-1) + 1
    by_layer: dict[int, list[Rule]] = {}
    for rule in sorted(rules.values(), key=lambda r: r.id):
        by_layer.setdefault(depths.get(rule.id, cyclic), []).append(rule)
    layers = []
    for depth in sorted(by_layer):
        chunks: list[Patterns] = [{}]
        keys: set[str] = set()
        size = 0
        for rule in by_layer[depth]:
            compiled = compile_rule(rule)
            more, grown = keys | _keys(compiled), size + _size(compiled)
            full = grown > per_ruleset or len(more) > KEYS_PER_RULESET
            if full and chunks[-1] and depth != cyclic:
                chunks.append({})
                more, grown = _keys(compiled), _size(compiled)
            chunks[-1].update(compiled)
            keys, size = more, grown
        layers.append(chunks)
    return Program(layers, {rule.id: conclusion(rule) for rule in rules.values()})

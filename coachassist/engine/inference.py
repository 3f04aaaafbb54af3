"""Forward chaining over the knowledge base's rules, in durable-rules or in plain Python.

Both paths take the same compiled conditions and the same facts and must fire the same rules:
the plain-Python path (``reference``) is the documented meaning of a rule file, what explains a
finding, and what the property-based tests hold the engine to.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from coachassist.engine.adapter import CompiledRuleset, EngineError
from coachassist.engine.compiler import compile_rule, rule_id
from coachassist.engine.facts import FactTable
from coachassist.kb.conditions import holds
from coachassist.kb.models import SEVERITY_RANK, Rule


def _apply(rule: Rule, table: FactTable) -> list[dict[str, Any]]:
    """Record a rule's conclusion in the table; the new fact, if the key is new."""
    key = rule.then.fact_key
    if key is None:
        return []
    fields = {"severity": SEVERITY_RANK[rule.then.severity]} if rule.then.severity else {}
    is_new = key not in table.facts
    table.add(key, **fields)
    return [{"key": key, **fields}] if is_new else []


class Engine:
    """The bundled rules compiled once into durable-rules; evaluate() per team."""

    def __init__(self, rules: Mapping[str, Rule]) -> None:
        self.rules = dict(rules)
        self._table: FactTable | None = None
        self._fired: list[str] = []
        # Only facts some rule looks at are asserted: fewer facts, less engine work.
        self._keys = {
            c.key for r in self.rules.values() for c in [*r.conditions, *r.any_conditions]
        }
        compiled: dict[str, list[dict[str, Any]]] = {}
        for rule in self.rules.values():
            compiled.update(compile_rule(rule))
        try:
            self._ruleset = CompiledRuleset(compiled, self._on_fire)
        except EngineError:
            self._raise_for_bad_rule()
            raise

    def _raise_for_bad_rule(self) -> None:
        for rule in sorted(self.rules.values(), key=lambda r: r.id):
            for name, patterns in compile_rule(rule).items():
                problem = CompiledRuleset.check_rule(name, patterns)
                if problem:
                    raise EngineError(f"rule {rule.id!r}: {problem}")

    def _on_fire(self, engine_name: str) -> list[dict[str, Any]]:
        rid = rule_id(engine_name)
        assert self._table is not None
        if rid in self._fired:
            return []
        self._fired.append(rid)
        return _apply(self.rules[rid], self._table)

    def run(self, table: FactTable) -> list[str]:
        """Fire rules over ``table`` (which gains the conclusions); the fired rule ids."""
        self._table, self._fired = table, []
        try:
            self._ruleset.evaluate(f for f in table.all() if f["key"] in self._keys)
            return list(self._fired)
        finally:
            self._table = None


def rule_holds(rule: Rule, table: FactTable) -> bool:
    if not all(holds(c, table.value(c)) for c in rule.conditions):
        return False
    return not rule.any_conditions or any(holds(c, table.value(c)) for c in rule.any_conditions)


def reference(rules: Mapping[str, Rule], table: FactTable) -> list[str]:
    """Plain-Python forward chaining to a fixpoint: the meaning of the rule files."""
    fired: list[str] = []
    changed = True
    while changed:
        changed = False
        for rule in sorted(rules.values(), key=lambda r: r.id):
            if rule.id not in fired and rule_holds(rule, table):
                fired.append(rule.id)
                _apply(rule, table)
                changed = True
    return fired

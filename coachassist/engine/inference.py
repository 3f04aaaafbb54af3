"""Forward chaining over the knowledge base's rules, in durable-rules or in plain Python.

Both paths take the same compiled conditions and the same facts and must fire the same rules:
the plain-Python path (``reference``) is the documented meaning of a rule file, what explains a
finding, and what the property-based tests hold the engine to.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from coachassist.engine import supervisor
from coachassist.engine.adapter import EngineError
from coachassist.engine.facts import FactTable
from coachassist.engine.program import build_program
from coachassist.i18n import Message
from coachassist.kb.conditions import holds
from coachassist.kb.limits import engine_number, rule_limit_problems
from coachassist.kb.models import SEVERITY_RANK, Rule

if TYPE_CHECKING:
    from coachassist.kb.loader import KnowledgeBase

_ENGINES: dict[int, tuple[KnowledgeBase, Engine]] = {}


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
    """A knowledge base's rules compiled once for durable-rules; run() per team.

    The rules run in the supervised worker process (``engine/supervisor.py``); what fires comes
    back here and is applied to the caller's fact table exactly as ``reference`` would.
    """

    def __init__(
        self, rules: Mapping[str, Rule], source: str = "(rules given in code)", *, wait: bool = True
    ) -> None:
        """``wait=False``: the worker registers the rules while the caller goes on; a refusal is
        then raised by the first ``run``, with the same message."""
        self.rules = dict(rules)
        self.source = source
        over = rule_limit_problems(self.rules)
        if over:
            raise EngineError(
                Message("engine.in_rule", source=source, rule=repr(over[0].rule), problem=over[0])
            )
        # Only facts some rule looks at are sent: fewer facts, less engine work.
        self._keys = {
            c.key for r in self.rules.values() for c in [*r.conditions, *r.any_conditions]
        }
        self.program = build_program(self.rules)
        if wait:
            supervisor.register(self.program, source)
        else:
            supervisor.preregister(self.program, source)

    def run(self, table: FactTable) -> list[str]:
        """Fire rules over ``table`` (which gains the conclusions); the fired rule ids."""
        facts = [engine_fact(f) for f in table.all() if f["key"] in self._keys]
        fired = supervisor.evaluate(self.program, facts, set(table.facts), self.source)
        for rid in fired:
            _apply(self.rules[rid], table)
        return fired

    def submit(self, tables: list[FactTable]) -> Callable[[], list[list[str] | EngineError]]:
        """Send many teams' facts to the worker at once and return at once; calling the
        result waits for the answers, applies each team's to its table (as ``run``) and gives
        each team's fired rule ids, or the EngineError that team met."""
        teams: list[supervisor.Team | EngineError] = []
        for table in tables:
            try:
                teams.append(
                    (
                        [engine_fact(f) for f in table.all() if f["key"] in self._keys],
                        set(table.facts),
                    )
                )
            except EngineError as exc:
                teams.append(exc)
        sendable = [t for t in teams if not isinstance(t, EngineError)]
        pending = supervisor.submit(self.program, sendable, self.source)

        def outcomes() -> list[list[str] | EngineError]:
            answers = iter(pending.outcomes())
            out: list[list[str] | EngineError] = []
            for table, team in zip(tables, teams, strict=True):
                outcome = team if isinstance(team, EngineError) else next(answers)
                if not isinstance(outcome, EngineError):
                    for rid in outcome:
                        _apply(self.rules[rid], table)
                out.append(outcome)
            return out

        return outcomes


def engine_for(kb: KnowledgeBase, *, wait: bool = True) -> Engine:
    """One compiled engine per loaded knowledge base (a reload compiles a new ruleset).
    ``wait=False`` starts registering it early (see ``Engine``)."""
    cached = _ENGINES.get(id(kb))
    if cached is None or cached[0] is not kb:
        _ENGINES.clear()
        cached = (kb, Engine(kb.rules, kb_source(kb), wait=wait))
        _ENGINES[id(kb)] = cached
    return cached[1]


def kb_source(kb: KnowledgeBase) -> str:
    """The folder holding the knowledge base's rule files, to name it in engine errors."""
    folders = sorted(
        {str(o.path.parent.absolute()) for (kind, _), o in kb.origins.items() if kind == "rule"}
    )
    if not folders:
        return "(no rule files)"
    return folders[0] if len(folders) == 1 else os.path.commonpath(folders)


def engine_fact(fact: dict[str, Any]) -> dict[str, Any]:
    """A fact with every number checked and written plainly; EngineError when out of range."""
    clean = {}
    for name, value in fact.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            try:
                value = engine_number(value)
            except ValueError as exc:
                raise EngineError(
                    Message("file.about", path=f"{fact['key']}.{name}", problem=exc.args[0])
                ) from None
        clean[name] = value
    return clean


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

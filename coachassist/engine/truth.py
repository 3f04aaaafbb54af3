"""A rule set as a function of the truth of its input conditions.

What ``soft.conclusions`` concludes depends on the facts only through whether each input
condition (every condition except the presence of a signal or dysfunction) holds: the rules
test nothing else, and a concluded signal or dysfunction is present exactly when a rule before
it in dependency order concluded it. So a team's findings follow from one tuple of booleans,
which many re-runs of the same rules share (stability's leave-one-out: most left-out teams
cross no threshold), and a tuple already seen costs one dictionary lookup.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from coachassist.kb.conditions import Condition
from coachassist.kb.models import Rule

DERIVED = ("signal", "dysfunction")
Ref = int | str  # an input condition's index, or a concluded fact's key
Step = tuple[str, str | None, tuple[Ref, ...], tuple[Ref, ...]]


@dataclass
class RuleLogic:
    """The rules in dependency order, each condition an input index or a derived key."""

    inputs: tuple[Condition, ...]
    steps: tuple[Step, ...]
    ids: tuple[str, ...]  # the rule behind each step
    _seen: dict[tuple[bool, ...], frozenset[str]] = field(default_factory=dict)

    def subset(self, keep: Collection[str]) -> RuleLogic:
        """Only the rules in ``keep``, with the same input indexes (the inputs no kept rule
        tests are then never read)."""
        kept = [(step, rid) for step, rid in zip(self.steps, self.ids, strict=True) if rid in keep]
        return RuleLogic(self.inputs, tuple(s for s, _ in kept), tuple(r for _, r in kept))

    def found(self, truth: tuple[bool, ...]) -> frozenset[str]:
        """The dysfunctions concluded when the inputs hold as ``truth`` says."""
        known = self._seen.get(truth)
        if known is None:
            if len(self._seen) > 32:
                self._seen.clear()
            dysfunctions = (self.steps[n][1] for n in self._firing(truth))
            known = self._seen[truth] = frozenset(d for d in dysfunctions if d)
        return known

    def fired(self, truth: tuple[bool, ...]) -> list[str]:
        """The rules that fire, in dependency order, when the inputs hold as ``truth`` says."""
        return [self.ids[n] for n in self._firing(truth)]

    def _firing(self, truth: tuple[bool, ...]) -> Iterator[int]:
        """The steps that fire, in order: an input holds as ``truth`` says, a signal or
        dysfunction when a step before concluded it."""
        concluded: set[str] = set()
        for n, (key, _, when, when_any) in enumerate(self.steps):
            if all(truth[r] if type(r) is int else r in concluded for r in when) and (
                not when_any
                or any(truth[r] if type(r) is int else r in concluded for r in when_any)
            ):
                concluded.add(key)
                yield n

    def live(self, fixed: dict[int, bool]) -> set[int]:
        """The inputs that can still change what is concluded when the inputs in ``fixed``
        hold as given: those of rules not already ruled out by a fixed input (or by a signal
        or dysfunction no rule left can conclude)."""
        possible: set[str] = set()
        needed: set[int] = set()

        def maybe(ref: Ref) -> bool:
            return fixed.get(ref, True) if type(ref) is int else ref in possible

        for key, _, when, when_any in self.steps:
            if all(maybe(r) for r in when) and (not when_any or any(maybe(r) for r in when_any)):
                possible.add(key)
                needed.update(r for r in (*when, *when_any) if type(r) is int and r not in fixed)
        return needed

    @cached_property
    def by_figure(self) -> list[tuple[str, str, str, list[tuple[int, Condition]]]]:
        """The inputs grouped by the figure they test (kind, name, stat), each figure once."""
        tested = {r for _, _, when, when_any in self.steps for r in (*when, *when_any)}
        groups: dict[tuple[str, str, str], list[tuple[int, Condition]]] = {}
        for i, cond in enumerate(self.inputs):
            if i in tested:
                groups.setdefault((cond.kind, cond.name, cond.stat), []).append((i, cond))
        return [(*figure, conds) for figure, conds in groups.items()]


_CONCLUDING: dict[int, tuple[Mapping[str, Rule], dict[str, list[str]]]] = {}


def concluding(rules: Mapping[str, Rule]) -> dict[str, list[str]]:
    """For each signal or dysfunction fact, the rules concluding it; cached for the most
    recent rule set."""
    cached = _CONCLUDING.get(id(rules))
    if cached is None or cached[0] is not rules:
        by_fact: dict[str, list[str]] = {}
        for rule in rules.values():
            if rule.then.fact_key:
                by_fact.setdefault(rule.then.fact_key, []).append(rule.id)
        _CONCLUDING.clear()
        cached = _CONCLUDING[id(rules)] = (rules, by_fact)
    return cached[1]


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
    by_fact = concluding(rules)
    depth: dict[str, int] = {}

    def depth_of(rid: str, seen: frozenset[str] = frozenset()) -> int:
        if rid not in depth:
            rule = rules[rid]
            tested = [c.key for c in [*rule.conditions, *rule.any_conditions]]
            below = [
                depth_of(other, seen | {rid})
                for key in tested
                for other in by_fact.get(key, [])
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


_LOGIC: dict[int, tuple[Mapping[str, Rule], RuleLogic]] = {}


def logic_of(rules: Mapping[str, Rule]) -> RuleLogic:
    """``rules`` compiled to a RuleLogic, cached for the most recent rule set."""
    cached = _LOGIC.get(id(rules))
    if cached is not None and cached[0] is rules:
        return cached[1]
    index: dict[Condition, int] = {}

    def ref(cond: Condition) -> Ref:
        if cond.kind in DERIVED:
            return cond.key
        return index.setdefault(cond, len(index))

    ordered = in_order(rules)
    steps = tuple(
        (
            rule.then.fact_key or "",
            rule.then.dysfunction,
            tuple(ref(c) for c in rule.conditions),
            tuple(ref(c) for c in rule.any_conditions),
        )
        for rule, _, _ in ordered
    )
    logic = RuleLogic(tuple(index), steps, tuple(rule.id for rule, _, _ in ordered))
    _LOGIC.clear()
    _LOGIC[id(rules)] = (rules, logic)
    return logic

"""Two scans of one team compared: per scale the change with a 95% interval, the findings
that appeared, disappeared or changed severity with the rule-level reason, and a revised plan.

Privacy is never decided here: each scan is diagnosed as usual, and a change is computed only
for a scale whose mean both Diagnoses show (so it rests on at least k people in each scan).
The interval (docs/compare.md) is Welch's interval for a difference of two means, computed
from the figures the two Diagnoses already show (mean, sd and n per scale) and nothing else:
a resampling interval over person scores would give away their minimum and maximum, and with
three people those, the mean and the sd reveal every person's score. Its degrees of freedom
are the conservative min(n1, n2) - 1. A change is called an improvement or a decline only when
the whole interval lies on one side of zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from coachassist.diagnosis import Diagnosis, Finding, ScaleScore, Value
from coachassist.engine import diagnose_with_facts
from coachassist.engine.facts import FactTable
from coachassist.engine.inference import rule_holds
from coachassist.errors import UserError
from coachassist.i18n import Message
from coachassist.intake.models import Intake
from coachassist.kb import conditions
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import SEVERITY_RANK, Rule, Severity, Text
from coachassist.plan import Plan, PlanConstraints, build_plan

SCHEMA = "coachassist-comparison/1"
LEVEL = 0.95
# Student's t, two-sided 95%, by degrees of freedom (larger df: the next smaller entry's value)
T_975 = {
    1: 12.706,
    2: 4.303,
    3: 3.182,
    4: 2.776,
    5: 2.571,
    6: 2.447,
    7: 2.365,
    8: 2.306,
    9: 2.262,
    10: 2.228,
    11: 2.201,
    12: 2.179,
    13: 2.160,
    14: 2.145,
    15: 2.131,
    16: 2.120,
    17: 2.110,
    18: 2.101,
    19: 2.093,
    20: 2.086,
    21: 2.080,
    22: 2.074,
    23: 2.069,
    24: 2.064,
    25: 2.060,
    26: 2.056,
    27: 2.052,
    28: 2.048,
    29: 2.045,
    30: 2.042,
    40: 2.021,
    60: 2.000,
    120: 1.980,
}
ScaleVerdict = Literal["improved", "declined", "within_noise", "withheld", "not_measured"]
FindingChangeKind = Literal["appeared", "disappeared", "stronger", "weaker", "same", "not_measured"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScaleChange(_Model):
    scale: str
    name: Text
    earlier: float | None  # the earlier Diagnosis's mean; None when withheld or not measured
    later: float | None
    change: float | None  # later minus earlier; only when both means are shown
    low: float | None  # the 95% interval of the change (Welch, from the shown figures)
    high: float | None
    verdict: ScaleVerdict


class ConditionChange(_Model):
    text: str  # the condition as the trainer wrote it
    earlier: Value  # None: not measured, or withheld in that scan
    later: Value
    held: bool
    holds: bool
    unknown_later: bool = False  # a figure the later scan did not ask for, or withholds


class RuleChange(_Model):
    rule: str
    because: Text
    conditions: list[ConditionChange]
    depth: int = 0  # 0: concluded the finding; 1+: concluded a signal a rule above tests


class FindingChange(_Model):
    id: str
    name: Text
    change: FindingChangeKind
    earlier: Severity | None
    later: Severity | None
    rules: list[RuleChange]  # the rules that concluded it, in either scan


class Comparison(_Model):
    schema_: str = SCHEMA
    earlier_scan: str
    later_scan: str
    earlier_respondents: int
    later_respondents: int
    teams_shown: bool  # both scans have k or more respondents
    # a figure may rest on one or two people (a scan's threshold below 3, or a lead's self-scan
    # compared with a coach's scan): for the coach only, as the warning says
    low_threshold: bool = False
    low_k: int = 3  # the lowest threshold of the two scans
    scales: list[ScaleChange]
    findings: list[FindingChange]
    plan: Plan
    later: Diagnosis

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def to_json(self) -> dict:
        data = self.model_dump(mode="json", exclude={"later"})
        return {"schema": data.pop("schema_"), **data}


@dataclass(frozen=True)
class Scan:
    """One scan as diagnosed: its intake, its Diagnosis and the facts the rules saw, without
    the signals the Diagnosis withholds (``withheld``: those only a finding one person decides
    rested on)."""

    intake: Intake
    diagnosis: Diagnosis
    facts: FactTable
    withheld: frozenset[str] = frozenset()


def diagnose_scan(kb: KnowledgeBase, intake: Intake, min_group: int | None = None) -> Scan:
    diagnosis, facts = diagnose_with_facts(kb, intake, min_group=min_group)
    shown = {f"signal.{s.id}" for s in diagnosis.signals}
    withheld = frozenset(k for k in facts.facts if k.startswith("signal.") and k not in shown)
    kept = FactTable({k: v for k, v in facts.facts.items() if k not in withheld})
    return Scan(intake, diagnosis, kept, withheld)


def compare(
    kb: KnowledgeBase,
    earlier: Scan,
    later: Scan,
    constraints: PlanConstraints | None = None,
) -> Comparison:
    """Compare two diagnosed scans of one team; the plan is for the later one."""
    shown = earlier.diagnosis.privacy.team_shown and later.diagnosis.privacy.team_shown
    return Comparison(
        earlier_scan=earlier.diagnosis.scan,
        later_scan=later.diagnosis.scan,
        earlier_respondents=earlier.diagnosis.respondents,
        later_respondents=later.diagnosis.respondents,
        teams_shown=shown,
        low_threshold=few_people(earlier.diagnosis, later.diagnosis),
        low_k=min(earlier.diagnosis.min_group, later.diagnosis.min_group),
        scales=scale_changes(kb, earlier, later),
        findings=finding_changes(kb, earlier, later) if shown else [],
        plan=build_plan(
            kb, later.diagnosis, later.intake.context, constraints, edits=later.intake.plan
        ),
        later=later.diagnosis,
    )


def few_people(earlier: Diagnosis, later: Diagnosis) -> bool:
    """A figure of either scan may rest on fewer than three people: its threshold is below 3,
    or one scan is a lead's self-scan and the other is not (its reader is not that lead)."""
    a, b = earlier.privacy, later.privacy
    return a.low_threshold or b.low_threshold or a.self_scan != b.self_scan


def scale_changes(kb: KnowledgeBase, earlier: Scan, later: Scan) -> list[ScaleChange]:
    before = {s.scale: s for s in earlier.diagnosis.scores}
    after = {s.scale: s for s in later.diagnosis.scores}
    result = []
    for scale in [*after, *(s for s in before if s not in after)]:
        old, new = before.get(scale), after.get(scale)
        name = (new or old).name  # type: ignore[union-attr]
        a = old.mean if old else None
        b = new.mean if new else None
        bounds = interval(old, new) if old and new and a is not None and b is not None else None
        verdict: ScaleVerdict = "not_measured" if old is None or new is None else "withheld"
        if bounds is not None:
            low, high = bounds
            verdict = "improved" if low > 0 else "declined" if high < 0 else "within_noise"
        result.append(
            ScaleChange(
                scale=scale,
                name=name,
                earlier=a,
                later=b,
                change=round(b - a, 4) if bounds and a is not None and b is not None else None,
                low=bounds[0] if bounds else None,
                high=bounds[1] if bounds else None,
                verdict=verdict,
            )
        )
    return result


def interval(earlier: ScaleScore, later: ScaleScore) -> tuple[float, float] | None:
    """The ``LEVEL`` interval of later - earlier from the shown mean, sd and n; None without them."""
    a, b = earlier, later
    if a.mean is None or b.mean is None or a.sd is None or b.sd is None:
        return None
    if a.n is None or b.n is None or min(a.n, b.n) < 2:
        return None
    se = math.sqrt(a.sd**2 / a.n + b.sd**2 / b.n)
    df = min(a.n, b.n) - 1
    t = T_975[max(k for k in T_975 if k <= df)]
    change = b.mean - a.mean
    return round(change - t * se, 4), round(change + t * se, 4)


def finding_changes(kb: KnowledgeBase, earlier: Scan, later: Scan) -> list[FindingChange]:
    before = {f.id: f for f in earlier.diagnosis.findings}
    after = {f.id: f for f in later.diagnosis.findings}
    changes = []
    for fid in sorted(before.keys() | after.keys()):
        old, new = before.get(fid), after.get(fid)
        rules = _concluding(kb, fid, old, new)
        lines = _chain(
            kb,
            rules,
            earlier.facts,
            later,
            detail=old is None or new is None or old.severity != new.severity,
        )
        changes.append(
            FindingChange(
                id=fid,
                name=(new or old).name,  # type: ignore[union-attr]
                change=_kind(old, new, lines, _still_concluded(kb, fid, later.facts)),
                earlier=old.severity if old else None,
                later=new.severity if new else None,
                rules=lines,
            )
        )
    order = {"appeared": 0, "stronger": 1, "disappeared": 2, "weaker": 3, "not_measured": 4}
    return sorted(changes, key=lambda c: (order.get(c.change, 5), c.id))


def _concluding(kb: KnowledgeBase, fid: str, *found: Finding | None) -> list[str]:
    key = f"dysfunction.{fid}"
    rules: list[str] = []
    for finding in found:
        for ev in finding.evidence if finding else []:
            rule = kb.rules.get(ev.rule)
            if rule and rule.then.fact_key == key and ev.rule not in rules:
                rules.append(ev.rule)
    return rules


def _chain(
    kb: KnowledgeBase, rules: list[str], before: FactTable, later: Scan, *, detail: bool
) -> list[RuleChange]:
    """The concluding rules, each followed by the rules behind a signal or finding it tests
    whose presence changed (down to the scores), so the reason reaches the figures."""
    if not detail:
        return []
    after = later.facts
    out: list[RuleChange] = []
    seen: set[str] = set()

    def visit(rule_id: str, depth: int) -> None:
        if rule_id in seen or depth > 4:
            return
        seen.add(rule_id)
        change = _rule_change(kb, rule_id, before, after, depth, later.withheld)
        out.append(change)
        rule = kb.rules[rule_id]
        for cond, moved in zip(
            [*rule.conditions, *rule.any_conditions], change.conditions, strict=True
        ):
            if cond.kind in ("signal", "dysfunction") and moved.held != moved.holds:
                for rid, other in kb.rules.items():
                    if other.then.fact_key == cond.key and _held_once(other, before, after):
                        visit(rid, depth + 1)

    for rid in rules:
        visit(rid, 0)
    return out


def _held_once(rule: Rule, before: FactTable, after: FactTable) -> bool:
    """The rule's ``when`` held in one of the scans (it may have concluded the fact)."""
    return any(
        all(conditions.holds(c, table.value(c)) for c in rule.conditions)
        for table in (before, after)
    )


def _rule_change(
    kb: KnowledgeBase,
    rule_id: str,
    before: FactTable,
    after: FactTable,
    depth: int = 0,
    withheld: frozenset[str] = frozenset(),
) -> RuleChange:
    """``withheld``: the signals the later Diagnosis withholds; like a withheld figure, the
    later scan cannot tell whether they hold."""
    rule = kb.rules[rule_id]
    lines = []
    for cond in [*rule.conditions, *rule.any_conditions]:
        a, b = before.value(cond), after.value(cond)
        figure = cond.kind in ("score", "item", "gap") or cond.key in withheld
        lines.append(
            ConditionChange(
                text=cond.text,
                earlier=_value(a),
                later=_value(b),
                held=conditions.holds(cond, a),
                holds=conditions.holds(cond, b),
                unknown_later=figure and b is None,
            )
        )
    return RuleChange(rule=rule_id, because=rule.because, conditions=lines, depth=depth)


def _value(value: object) -> Value:
    if isinstance(value, tuple):
        return [str(v) for v in value]
    return value  # type: ignore[return-value]


def _still_concluded(kb: KnowledgeBase, fid: str, facts: FactTable) -> bool:
    """A rule concluding the finding holds on the later scan's facts: a finding the later
    Diagnosis does not show anyway (too weak to report, or one person's answers decide it)."""
    key = f"dysfunction.{fid}"
    return any(r.then.fact_key == key and rule_holds(r, facts) for r in kb.rules.values())


def _kind(
    old: Finding | None, new: Finding | None, rules: list[RuleChange], concluded: bool = False
) -> FindingChangeKind:
    if old and new:
        delta = SEVERITY_RANK[new.severity or "low"] - SEVERITY_RANK[old.severity or "low"]
        return "stronger" if delta > 0 else "weaker" if delta < 0 else "same"
    if new:
        return "appeared"
    # Gone: but if a condition that held before has no value now (not asked in the later
    # scan, e.g. a pulse, or withheld there), the later scan cannot tell: not "disappeared";
    # nor when its rules still conclude it but the later Diagnosis does not show it (too weak
    # to report, or withheld because one person's answers decide it: alike on purpose).
    unknown = any(c.held and c.unknown_later for r in rules for c in r.conditions)
    return "not_measured" if unknown or concluded else "disappeared"


def earlier_paths(intake: Intake, path: Path) -> list[Path]:
    """The earlier scans an intake points to, oldest first, resolved beside it."""
    return [path.parent / Path(p) for p in intake.earlier or []]


def last_earlier(intake: Intake, path: Path) -> Path:
    found = earlier_paths(intake, path)
    if not found:
        raise UserError(Message("compare.no_earlier", path=path))
    return found[-1]

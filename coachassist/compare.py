"""Two scans of one team compared: per scale the change with a bootstrap interval, the findings
that appeared, disappeared or changed severity with the rule-level reason, and a revised plan.

Privacy is never decided here: each scan is diagnosed as usual, and a change is computed only
for a scale whose mean both Diagnoses show (so it rests on at least k people in each scan).
The interval (docs/compare.md): resample each scan's person scores with replacement
(``SAMPLES`` times, fixed ``SEED``, so the same two files always give the same interval),
take the difference of the two means, and read the 2.5th and 97.5th percentiles. Each
resampled mean's deviation is widened by sqrt(n / (n - 1)), which corrects the plain
bootstrap's too-small spread for groups of a few people. A change is called an improvement or
a decline only when the whole interval lies on one side of zero.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from coachassist.diagnosis import Diagnosis, Finding, Value
from coachassist.engine import diagnose_with_facts
from coachassist.engine.facts import FactTable
from coachassist.errors import UserError
from coachassist.intake.models import Intake
from coachassist.kb import conditions
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import SEVERITY_RANK, Rule, Severity, Text
from coachassist.plan import Plan, PlanConstraints, build_plan
from coachassist.scoring import person_scores

SCHEMA = "coachassist-comparison/1"
SAMPLES = 2000
SEED = 15
LEVEL = 0.95
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
    low: float | None  # the 95% bootstrap interval of the change
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
    """One scan as diagnosed: its intake, its Diagnosis and the facts the rules saw."""

    intake: Intake
    diagnosis: Diagnosis
    facts: FactTable


def diagnose_scan(kb: KnowledgeBase, intake: Intake, min_group: int | None = None) -> Scan:
    diagnosis, facts = diagnose_with_facts(kb, intake, min_group=min_group)
    return Scan(intake, diagnosis, facts)


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
        scales=scale_changes(kb, earlier, later),
        findings=finding_changes(kb, earlier, later) if shown else [],
        plan=build_plan(
            kb, later.diagnosis, later.intake.context, constraints, edits=later.intake.plan
        ),
        later=later.diagnosis,
    )


def scale_changes(kb: KnowledgeBase, earlier: Scan, later: Scan) -> list[ScaleChange]:
    before = {s.scale: s for s in earlier.diagnosis.scores}
    after = {s.scale: s for s in later.diagnosis.scores}
    people = (_people(kb, earlier), _people(kb, later))
    result = []
    for scale in [*after, *(s for s in before if s not in after)]:
        old, new = before.get(scale), after.get(scale)
        name = (new or old).name  # type: ignore[union-attr]
        a = old.mean if old else None
        b = new.mean if new else None
        if old is None or new is None:
            verdict: ScaleVerdict = "not_measured"
        elif a is None or b is None:
            verdict = "withheld"
        else:
            low, high = bootstrap(people[0][scale], people[1][scale], seed=f"{SEED}:{scale}")
            verdict = "improved" if low > 0 else "declined" if high < 0 else "within_noise"
            change = round(b - a, 4)
            result.append(
                ScaleChange(
                    scale=scale,
                    name=name,
                    earlier=a,
                    later=b,
                    change=change,
                    low=low,
                    high=high,
                    verdict=verdict,
                )
            )
            continue
        result.append(
            ScaleChange(
                scale=scale,
                name=name,
                earlier=a,
                later=b,
                change=None,
                low=None,
                high=None,
                verdict=verdict,
            )
        )
    return result


def _people(kb: KnowledgeBase, scan: Scan) -> dict[str, list[float]]:
    return person_scores(kb.questionnaires[scan.intake.scan], scan.intake)


def bootstrap(
    earlier: list[float], later: list[float], *, seed: str = str(SEED), samples: int = SAMPLES
) -> tuple[float, float]:
    """The ``LEVEL`` interval of mean(later) - mean(earlier), by resampling each group."""
    rng = random.Random(seed)
    mean_a, mean_b = _mean(earlier), _mean(later)
    widen_a, widen_b = _widen(len(earlier)), _widen(len(later))
    diffs = sorted(
        mean_b
        + (_mean(rng.choices(later, k=len(later))) - mean_b) * widen_b
        - mean_a
        - (_mean(rng.choices(earlier, k=len(earlier))) - mean_a) * widen_a
        for _ in range(samples)
    )
    tail = (1 - LEVEL) / 2
    low = diffs[math.floor(tail * (samples - 1))]
    high = diffs[math.ceil((1 - tail) * (samples - 1))]
    return round(low, 4), round(high, 4)


def _mean(values: list[float]) -> float:
    return math.fsum(values) / len(values)


def _widen(n: int) -> float:
    return math.sqrt(n / (n - 1)) if n > 1 else 1.0


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
            later.facts,
            detail=old is None or new is None or old.severity != new.severity,
        )
        changes.append(
            FindingChange(
                id=fid,
                name=(new or old).name,  # type: ignore[union-attr]
                change=_kind(old, new, lines),
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
    kb: KnowledgeBase, rules: list[str], before: FactTable, after: FactTable, *, detail: bool
) -> list[RuleChange]:
    """The concluding rules, each followed by the rules behind a signal or finding it tests
    whose presence changed (down to the scores), so the reason reaches the figures."""
    if not detail:
        return []
    out: list[RuleChange] = []
    seen: set[str] = set()

    def visit(rule_id: str, depth: int) -> None:
        if rule_id in seen or depth > 4:
            return
        seen.add(rule_id)
        change = _rule_change(kb, rule_id, before, after, depth)
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
    kb: KnowledgeBase, rule_id: str, before: FactTable, after: FactTable, depth: int = 0
) -> RuleChange:
    rule = kb.rules[rule_id]
    lines = []
    for cond in [*rule.conditions, *rule.any_conditions]:
        a, b = before.value(cond), after.value(cond)
        figure = cond.kind in ("score", "item", "gap")
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


def _kind(old: Finding | None, new: Finding | None, rules: list[RuleChange]) -> FindingChangeKind:
    if old and new:
        delta = SEVERITY_RANK[new.severity or "low"] - SEVERITY_RANK[old.severity or "low"]
        return "stronger" if delta > 0 else "weaker" if delta < 0 else "same"
    if new:
        return "appeared"
    # Gone: but if a condition that held before has no value now (not asked in the later
    # scan, e.g. a pulse, or withheld there), the later scan cannot tell: not "disappeared".
    unknown = any(c.held and c.unknown_later for r in rules for c in r.conditions)
    return "not_measured" if unknown else "disappeared"


def earlier_paths(intake: Intake, path: Path) -> list[Path]:
    """The earlier scans an intake points to, oldest first, resolved beside it."""
    return [path.parent / Path(p) for p in intake.earlier or []]


def last_earlier(intake: Intake, path: Path) -> Path:
    found = earlier_paths(intake, path)
    if not found:
        raise UserError(
            f"{path}: names no earlier scan; give two intake files (EARLIER LATER) or add "
            'earlier = ["<file>.toml"] to this intake'
        )
    return found[-1]

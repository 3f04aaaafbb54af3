"""How strongly the evidence supports a finding, and the order and severity that follow from it.

Strength (docs/engine.md, "Strength"), from the conditions that hold in the finding's own
evidence and the signals it builds on (never through another dysfunction: that is a cascade):
- **depth**: how far the lowest team score it rests on lies below the scale's "needs attention"
  edge (3.5 on the team scan), in units of that scale's spread (person-score sd, at least 0.5);
  a divided team (polarised or rwg below 0.5) counts 1.0, a lead-vs-members gap its size in
  points, a question mean half its depth;
- **lines**: independent lines of evidence: each scale, each question, each coach observation,
  each other intake answer, the lead's view, a divided team; +0.5 for every line after the first;
- **observations**: +0.25 for every coach observation;
- **agreement**: +0.25 when the team agrees on the scale (rwg 0.70 or more).

Findings are ordered by strength; the pyramid level breaks ties (strength rounded to 0.1).
Cascades: a rule that tests another dysfunction makes a "builds on" link; it never raises the
severity, and a finding that rests on such rules alone stays below its root cause. "high" is kept
for the three strongest findings, unless a scale is extreme (depth 3 or more); a borderline
finding is "low".
"""

from __future__ import annotations

from dataclasses import dataclass

from coachassist.diagnosis import Evidence, Finding, ScaleScore
from coachassist.kb.conditions import Condition
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import SEVERITY_RANK, Severity

MAX_HIGH = 3
EXTREME_DEPTH = 3.0
MIN_UNIT = 0.5
MAX_DEPTH = 4.0
DEFAULT_EDGE = 3.5
DESCRIPTIVE_CONTEXT = ("team_type", "team_size", "team_age")


@dataclass(frozen=True)
class Weighed:
    strength: float
    depth: float
    severity: Severity
    builds_on: list[str]
    cascade_only: bool


def _edge(kb: KnowledgeBase, scan: str, scale: str) -> float:
    for s in kb.questionnaires[scan].scales:
        if s.id == scale and len(s.bands) >= 2:
            return s.bands[-2].upto
    return DEFAULT_EDGE


def _own_chain(kb: KnowledgeBase, finding: Finding) -> list[Evidence]:
    """The own rules' evidence and what they reach through signals (never other findings)."""
    by_rule = {e.rule: e for e in finding.evidence}
    key = f"dysfunction.{finding.id}"
    own = [e for e in finding.evidence if kb.rules[e.rule].then.fact_key == key]
    seen, todo = [e.rule for e in own], list(own)
    while todo:
        rule = kb.rules[todo.pop(0).rule]
        for cond in [*rule.conditions, *rule.any_conditions]:
            if cond.kind != "signal":
                continue
            for e in finding.evidence:
                concludes = kb.rules[e.rule].then.fact_key == cond.key
                if concludes and e.rule not in seen and any(c.holds for c in e.conditions):
                    seen.append(e.rule)
                    todo.append(e)
    return [by_rule[r] for r in seen]


def _line(cond: Condition) -> str | None:
    if cond.kind == "score":
        return f"divided:{cond.name}" if cond.stat in ("rwg", "polarised") else f"scale:{cond.name}"
    if cond.kind == "item":
        return f"item:{cond.name}"
    if cond.kind == "gap":
        return "lead_view"
    if cond.kind == "context" and cond.name not in DESCRIPTIVE_CONTEXT:
        return f"observed:{cond.value}" if cond.op == "has" else f"context:{cond.name}"
    return None


def weigh(
    kb: KnowledgeBase, scan: str, finding: Finding, scores: dict[str, ScaleScore]
) -> tuple[float, float, set[str]]:
    """(strength before cascades, depth, dysfunctions the own rules test)."""
    chain = _own_chain(kb, finding)
    questions = kb.scan_questions()
    lines: set[str] = set()
    depth, agree = 0.0, False
    roots: set[str] = set()
    for evidence in chain:
        rule = kb.rules[evidence.rule]
        parsed = [*rule.conditions, *rule.any_conditions]
        for cond, checked in zip(parsed, evidence.conditions, strict=True):
            if cond.kind == "dysfunction":
                if checked.holds:
                    roots.add(cond.name)
                continue
            if not checked.holds:
                continue
            line = _line(cond)
            if line:
                lines.add(line)
            value = checked.actual
            if line and line.startswith("divided:"):
                depth = max(depth, 1.0)
            elif cond.kind == "gap" and isinstance(value, int | float):
                depth = max(depth, abs(value))
            elif cond.stat == "mean" and cond.op in ("<", "<=") and isinstance(value, int | float):
                scale = cond.name if cond.kind == "score" else questions[cond.name].scale or ""
                score = scores.get(scale)
                unit = max(score.sd or 0.0, MIN_UNIT) if score else MIN_UNIT
                beyond = max(_edge(kb, scan, scale) - value, 0.0) / unit
                depth = max(depth, beyond if cond.kind == "score" else beyond / 2)
                agree |= bool(score and score.rwg is not None and score.rwg >= 0.70)
    depth = min(depth, MAX_DEPTH)
    observed = sum(line.startswith("observed:") for line in lines)
    strength = depth + 0.5 * max(len(lines) - 1, 0) + 0.25 * observed + (0.25 if agree else 0.0)
    return round(strength, 2), round(depth, 2), roots


def rank(
    kb: KnowledgeBase,
    scan: str,
    findings: list[Finding],
    scores: list[ScaleScore],
    borderline: set[str],
) -> list[Finding]:
    """Findings with strength, builds-on links and capped severities, strongest first."""
    by_scale = {s.scale: s for s in scores}
    present = {f.id for f in findings}
    weighed: dict[str, tuple[float, float, set[str]]] = {
        f.id: weigh(kb, scan, f, by_scale) for f in findings
    }
    result: dict[str, Finding] = {}

    # roots before consequences, so a consequence can be held below its root
    def cascade_only(f: Finding) -> bool:
        key = f"dysfunction.{f.id}"
        return all(
            any(c.kind == "dysfunction" for c in [*r.conditions, *r.any_conditions])
            for r in (kb.rules[e.rule] for e in f.evidence)
            if r.then.fact_key == key
        )

    for f in sorted(findings, key=lambda f: (cascade_only(f), f.level or 9, f.id)):
        strength, _, roots = weighed[f.id]
        key = f"dysfunction.{f.id}"
        own = [kb.rules[e.rule] for e in f.evidence if kb.rules[e.rule].then.fact_key == key]
        independent = [
            r
            for r in own
            if not any(c.kind == "dysfunction" for c in [*r.conditions, *r.any_conditions])
        ]
        builds_on = sorted(roots & present)
        deciding = independent or own
        severity: Severity = max(
            (r.then.severity or "low" for r in deciding), key=SEVERITY_RANK.__getitem__
        )
        if not independent and builds_on:
            done = [result[r] for r in builds_on if r in result]
            if done:
                top = max(done, key=lambda x: x.strength or 0.0)
                strength = min(strength, round((top.strength or 0.0) - 0.01, 2))
                if SEVERITY_RANK[severity] > SEVERITY_RANK[top.severity or "low"]:
                    severity = top.severity or "low"
        if f.id in borderline:
            severity = "low"
        result[f.id] = f.model_copy(
            update={
                "severity": severity,
                "strength": max(strength, 0.0),
                "borderline": f.id in borderline,
                "builds_on": builds_on,
            }
        )
    ordered = sorted(
        result.values(), key=lambda f: (-round(f.strength or 0.0, 1), f.level or 9, f.id)
    )
    highs = 0
    capped = []
    for f in ordered:
        if f.severity == "high":
            highs += 1
            if highs > MAX_HIGH and weighed[f.id][1] < EXTREME_DEPTH:
                f = f.model_copy(update={"severity": "medium"})
        capped.append(f)
    return capped

"""How strongly the evidence supports a finding, and the order and severity that follow from it.

Strength (docs/engine.md, "Strength"), from the conditions that hold in the finding's own rules
and the signals they build on (never through another dysfunction: that is a cascade):
- **depth**: how far the lowest score on the finding's own scales (the catalogue's ``scales``)
  lies below the scale's "needs attention" edge (3.5 on the team scan), in units of that scale's
  spread (person-score sd, at least 0.5; 0.8 with fewer than 3 people). A question counts half
  (in a rule about a question, the scale condition only guards it), fully when the rule requires
  it to stand out below its scale (``item.<q>.diff``) and three or more people answered; a
  scale's depth leaves out a question standing out half a point below it whose own rule fired
  (``rest_of_scales``). Scaled by agreement: x1 with rwg 0.70 or more, x0.75 from 0.50, x0.5
  below. A divided team counts 1.0, a lead-vs-members gap its size in points. At most 4.
- **lines**: independent lines of evidence: each scale (its questions included), each coach
  observation, each other intake answer, the lead's view, a divided team; +0.5 for every line
  after the strongest, weighted by how clearly it holds (a numeric condition counts 0 at its
  threshold and fully from one unit, 0.5 points, beyond, so a line fades in rather than jumps;
  a lower bound on a mean only guards its rule and counts 0);
- **observations**: +0.25 for every coach observation.

A finding weaker than 0.5 is not reported (its scale still shows its band), nor one weaker than
1.0 that only the lenient soft edge concludes; one below 1.0 is borderline. Findings are ordered by strength; the pyramid level breaks ties (strength rounded to
0.1). Cascades: a rule that tests another dysfunction makes a "builds on" link; it never raises
the severity, and a finding that rests on such rules alone stays below its root cause. "high" is
kept for the three strongest findings, unless a scale is extreme (depth 3 or more); a borderline
finding is "low".
"""

from __future__ import annotations

from coachassist.diagnosis import Evidence, Finding, ScaleScore
from coachassist.engine.facts import FactTable
from coachassist.kb.conditions import Condition
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import SEVERITY_RANK, Severity

MAX_HIGH = 3
EXTREME_DEPTH = 3.0
MIN_UNIT = 0.5
SMALL_N_UNIT = 0.8  # fewer than 3 people: no measurable spread; one person's typical item spread
MIN_STRENGTH = 0.5  # weaker findings are not reported (the scores still show the band)
REACHING_STRENGTH = 1.0  # the same for a finding only the lenient soft edge concludes
SOFT_STRENGTH = 0.5  # a finding less than this above MIN_STRENGTH is borderline
MAX_DEPTH = 4.0
DEFAULT_EDGE = 3.5
STANDS_OUT = -0.5  # a question this far or further below its own scale's mean stands out
DESCRIPTIVE_CONTEXT = ("team_type", "team_size", "team_age")


def _edge(kb: KnowledgeBase, scan: str, scale: str) -> float:
    for s in kb.questionnaires[scan].scales:
        if s.id == scale and len(s.bands) >= 2:
            return s.bands[-2].upto
    return DEFAULT_EDGE


def _agreement(score: ScaleScore | None) -> float:
    """Depth counts fully when the team agrees (rwg 0.70+), less as answers scatter."""
    if score is None or score.rwg is None or score.rwg >= 0.70:
        return 1.0
    return 0.75 if score.rwg >= 0.5 else 0.5


def _clarity(cond: Condition, value: object) -> float:
    """How clearly a numeric condition holds: 0 at its threshold, 1 from one unit (0.5 points)
    beyond (a line of evidence fades in instead of jumping at a threshold); a lower bound on a
    mean ("not clearly low", "trust is high") only guards its rule: 0; other conditions 1."""
    if cond.op not in ("<", "<=", ">", ">=") or not isinstance(value, int | float):
        return 1.0
    if not isinstance(cond.value, int | float) or isinstance(value, bool):
        return 1.0
    if cond.stat in ("mean", "diff") and cond.op in (">", ">="):
        return 0.0
    return min(1.0, abs(value - cond.value) / MIN_UNIT)


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


def rest_of_scales(
    kb: KnowledgeBase, scan: str, facts: FactTable | None, carried: set[str]
) -> dict[str, float]:
    """Per scale with a question standing out below it (``STANDS_OUT``) whose own rule fired
    (``carried``): the mean of its other questions, when those are the majority. A scale that
    is low only because such a question stands out is that question's finding, not the scale's;
    a low question no rule of its own speaks for stays part of its scale."""
    if facts is None or not carried:
        return {}
    questions = kb.questionnaires[scan].questions
    scales = {q.scale for q in questions if q.id in carried}
    by_scale: dict[str, list[tuple[float, bool]]] = {}
    for q in questions:
        found = facts.facts.get(f"item.{q.id}") if q.scale in scales else None
        if q.scale and found and isinstance(found[0].get("mean"), int | float):
            diff = found[0].get("diff")
            out = q.id in carried and isinstance(diff, int | float) and diff <= STANDS_OUT
            by_scale.setdefault(q.scale, []).append((found[0]["mean"], out))
    rest = {}
    for scale, items in by_scale.items():
        kept = [mean for mean, out in items if not out]
        if len(kept) < len(items) and len(kept) > len(items) - len(kept):
            rest[scale] = sum(kept) / len(kept)
    return rest


def _carried(kb: KnowledgeBase, findings: list[Finding]) -> set[str]:
    """The questions an item condition holds on in some finding's evidence."""
    carried = set()
    for f in findings:
        for e in f.evidence:
            rule = kb.rules[e.rule]
            for cond, checked in zip(
                [*rule.conditions, *rule.any_conditions], e.conditions, strict=True
            ):
                if cond.kind == "item" and checked.holds:
                    carried.add(cond.name)
    return carried


def weigh(
    kb: KnowledgeBase,
    scan: str,
    finding: Finding,
    scores: dict[str, ScaleScore],
    rest: dict[str, float] | None = None,
) -> tuple[float, float, set[str]]:
    """(strength before cascades, depth, dysfunctions the own rules test). ``rest``: per scale
    the mean of the questions that do not stand out (``rest_of_scales``): a scale's depth."""
    chain = _own_chain(kb, finding)
    questions = kb.scan_questions()
    own_scales = set(kb.dysfunctions[finding.id].scales)
    lines: dict[str, float] = {}  # line -> weight 0.25..1 (how clearly it holds)
    depth = 0.0
    roots: set[str] = set()
    for evidence in chain:
        rule = kb.rules[evidence.rule]
        parsed = [*rule.conditions, *rule.any_conditions]
        # in a rule about one question, a scale condition only guards it: its depth is the item's
        guarded = any(c.kind == "item" for c in parsed)
        # a question the rule requires to stand out below its own scale (``diff``) is evidence
        # in its own right and counts fully; any other question counts half
        standing = {
            c.name
            for c, checked in zip(parsed, evidence.conditions, strict=True)
            if c.kind == "item" and c.stat == "diff" and checked.holds
        }
        for cond, checked in zip(parsed, evidence.conditions, strict=True):
            if cond.kind == "dysfunction":
                if checked.holds:
                    roots.add(cond.name)
                continue
            if not checked.holds:
                continue
            line = _line(cond)
            if cond.kind == "item":  # a question is part of its scale's line, not a new one
                line = f"scale:{questions[cond.name].scale}"
            value = checked.actual
            if line:
                lines[line] = max(lines.get(line, 0.0), _clarity(cond, value))
            scale = cond.name if cond.kind in ("score", "gap") else ""
            if cond.kind == "item":
                scale = questions[cond.name].scale or ""
            if own_scales and scale not in own_scales:
                continue  # corroborates (a line), but the depth is the finding's own scales'
            if line and line.startswith("divided:"):
                depth = max(depth, 1.0)
            elif cond.kind == "gap" and isinstance(value, int | float):
                depth = max(depth, abs(value))
            elif (
                cond.stat == "mean"
                and cond.op in ("<", "<=")
                and isinstance(value, int | float)
                and not (guarded and cond.kind == "score")
            ):
                score = scores.get(scale)
                unit = SMALL_N_UNIT
                if score and (score.n or 0) >= 3:
                    unit = max(score.sd or 0.0, MIN_UNIT)
                if cond.kind == "score" and rest and scale in rest:
                    value = max(value, rest[scale])  # not what a standing-out question adds
                beyond = max(_edge(kb, scan, scale) - value, 0.0) / unit
                beyond *= _agreement(score)
                # a question standing out counts fully when the team answered it: one or two
                # people's answers stay half, like any question
                team = score is not None and (score.n or 0) >= 3
                weight = 1.0 if cond.kind == "score" or (cond.name in standing and team) else 0.5
                depth = max(depth, beyond * weight)
    depth = min(depth, MAX_DEPTH)
    observed = sum(line.startswith("observed:") for line in lines)
    weights = sorted(lines.values())
    strength = depth + 0.5 * sum(weights[:-1]) + 0.25 * observed
    return round(strength, 2), round(depth, 2), roots


def rank(
    kb: KnowledgeBase,
    scan: str,
    findings: list[Finding],
    scores: list[ScaleScore],
    borderline: set[str],
    reaching: set[str] | None = None,
    facts: FactTable | None = None,
) -> list[Finding]:
    """Findings with strength, builds-on links and capped severities, strongest first.
    ``reaching``: borderline findings the figures themselves do not reach (lenient run only):
    reported only from ``REACHING_STRENGTH``, a weak one is noise rather than a knife edge."""
    by_scale = {s.scale: s for s in scores}
    rest = rest_of_scales(kb, scan, facts, _carried(kb, findings))
    present = {f.id for f in findings}
    weighed: dict[str, tuple[float, float, set[str]]] = {
        f.id: weigh(kb, scan, f, by_scale, rest) for f in findings
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
        if f.id in borderline or strength < MIN_STRENGTH + SOFT_STRENGTH:
            severity = "low"
        result[f.id] = f.model_copy(
            update={
                "severity": severity,
                "strength": max(strength, 0.0),
                "borderline": f.id in borderline or strength < MIN_STRENGTH + SOFT_STRENGTH,
                "builds_on": builds_on,
            }
        )

    def reported(f: Finding) -> bool:
        floor = REACHING_STRENGTH if f.id in (reaching or set()) else MIN_STRENGTH
        return (f.strength or 0.0) >= floor

    ordered = sorted(
        (f for f in result.values() if reported(f)),
        # a consequence held just below its root sorts after it even when they round alike
        key=lambda f: (-round(f.strength or 0.0, 1), cascade_only(f), f.level or 9, f.id),
    )
    kept = {f.id for f in ordered}
    highs = 0
    capped = []
    for f in ordered:
        if any(root not in kept for root in f.builds_on):  # a root too weak to report
            f = f.model_copy(update={"builds_on": [r for r in f.builds_on if r in kept]})
        if f.severity == "high":
            highs += 1
            if highs > MAX_HIGH and weighed[f.id][1] < EXTREME_DEPTH:
                f = f.model_copy(update={"severity": "medium"})
        capped.append(f)
    return capped

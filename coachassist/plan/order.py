"""Step 1: the order of work. Findings bottom-up along the pyramid (docs/plan-and-report.md).

Level 1 (trust) before 2 (conflict) before 3, 4, 5. A finding outside the pyramid rests on the
highest pyramid level whose dysfunction shares one of its scales and comes right after it (no
shared scale: right after trust). Ties: higher severity first, then id.
"""

from __future__ import annotations

from coachassist.diagnosis import Diagnosis, Finding
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import SEVERITY_RANK

Rank = tuple[float, int, str]
WEIGHT = {"high": 3, "medium": 2, "low": 1}  # how much covering a finding is worth


def rank(kb: KnowledgeBase, finding: Finding) -> Rank:
    severity = -SEVERITY_RANK.get(finding.severity or "", 0)
    if finding.level is not None:
        return (float(finding.level), severity, finding.id)
    dysfunction = kb.dysfunctions.get(finding.id)
    scales = set(dysfunction.scales) if dysfunction else set()
    levels = [
        d.level for d in kb.dysfunctions.values() if d.level is not None and scales & set(d.scales)
    ]
    return (max(levels, default=1) + 0.5, severity, finding.id)


def ordered(kb: KnowledgeBase, dx: Diagnosis) -> list[Finding]:
    return sorted(dx.findings, key=lambda f: rank(kb, f))


def weight(finding: Finding) -> int:
    return WEIGHT.get(finding.severity or "", 1)


def concluding_rules(kb: KnowledgeBase, finding: Finding) -> list[str]:
    """The rules that concluded the finding itself (not the signals they built on)."""
    rules = list(dict.fromkeys(e.rule for e in finding.evidence))
    own = [r for r in rules if r in kb.rules and kb.rules[r].then.dysfunction]
    return own or rules

"""A pulse questionnaire (``pulse_of = "<scan id>"``) asks a subset of a scan's questions.

Every question and scale of a pulse must be the scan's own: same id, type, text, scale, anchors
and reverse scoring, and anchors with the same points. Then a pulse and a full scan of the same
team compare scale by scale (coachassist/compare.py), and the rules read both alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coachassist.kb.loader import KnowledgeBase
    from coachassist.kb.models import Questionnaire

_SAME = ("type", "text", "scale", "anchors", "reverse")


def pulse_problems(kb: KnowledgeBase, pulse: Questionnaire) -> list[str]:
    """What makes ``pulse`` differ from the scan it is a pulse of; empty when it does not."""
    if pulse.pulse_of is None:
        return []
    scan = kb.questionnaires.get(pulse.pulse_of)
    scans = sorted(q.id for q in kb.by_purpose("scan") if q.pulse_of is None and q is not pulse)
    if (
        scan is None
        or scan.purpose != "scan"
        or scan.pulse_of is not None
        or pulse.purpose != "scan"
    ):
        return [
            f'pulse_of {pulse.pulse_of!r}: a pulse (purpose = "scan") names a full scan; '
            f"known: {', '.join(scans) or 'none'}"
        ]
    problems = []
    own = {q.id: q for q in scan.questions}
    for question in pulse.questions:
        original = own.get(question.id)
        if original is None:
            problems.append(
                f"question {question.id!r} is not a question of {scan.id!r}; a pulse asks only "
                "questions of its scan, with the same id"
            )
            continue
        differ = [f for f in _SAME if getattr(question, f) != getattr(original, f)]
        if differ:
            problems.append(
                f"question {question.id!r} differs from {scan.id!r} in {', '.join(differ)}; "
                "copy the question exactly"
            )
    scales = {s.id for s in scan.scales}
    for scale in pulse.scales:
        if scale.id not in scales:
            problems.append(f"scale {scale.id!r} is not a scale of {scan.id!r}")
    for name, anchors in pulse.anchors.items():
        theirs = scan.anchors.get(name)
        if theirs is None or (theirs.min, theirs.max) != (anchors.min, anchors.max):
            problems.append(f"anchors {name!r} differ from those of {scan.id!r}; copy them")
    return problems

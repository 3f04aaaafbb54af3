"""What the plan leaves out, why, and what would change that; and the suggestion list's marks.

Every suggested format is in the plan or here; every finding that no format in the plan works
on is here too (``format`` None), with the most telling reason and its fix.
"""

from __future__ import annotations

from dataclasses import dataclass

from coachassist.diagnosis import Diagnosis, Finding
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Format, Text
from coachassist.plan.candidates import Pool
from coachassist.plan.fit import Misfit, misfit
from coachassist.plan.models import (
    FixKind,
    LeftOut,
    LeftOutKind,
    PlanConstraints,
    Session,
    SuggestionFit,
    Values,
)


@dataclass(frozen=True)
class Scope:
    """What the left-out list is about: this diagnosis and knowledge base, these limits."""

    kb: KnowledgeBase
    dx: Diagnosis
    c: PlanConstraints
    pool: Pool
    findings: list[Finding]
    sessions: int
    minutes: int

    @property
    def room(self) -> Values:
        return {"sessions": self.sessions, "minutes": self.minutes}


def entry(
    format_id: str | None,
    name: Text,
    findings: list[str],
    reason: LeftOutKind,
    fix: FixKind,
    values: Values,
) -> LeftOut:
    return LeftOut(
        format=format_id, name=name, findings=findings, reason=reason, fix=fix, values=values
    )


def from_misfit(format_id: str | None, name: Text, findings: list[str], why: Misfit) -> LeftOut:
    return entry(format_id, name, findings, why.kind, why.fix, why.values)


def left_out(scope: Scope, sessions: list[Session], *, list_no_room: bool) -> list[LeftOut]:
    """Suggested formats not in the plan (``no_room`` only for a plan the planner made, not
    the coach's own layout), then the findings no format in the plan works on."""
    planned = {i.format for s in sessions for i in s.items}
    served = {f for s in sessions for i in s.items for f in i.reason.findings}
    ids = {f.id for f in scope.findings}
    left: list[LeftOut] = []
    seen: set[str] = set()
    for s in scope.dx.suggestions:
        wanted = [f for f in s.answers if f in ids]
        if s.format in planned or s.format in seen or not wanted:
            continue
        seen.add(s.format)
        problem = scope.pool.misfits.get(s.format)
        if s.format not in scope.kb.formats:
            values: Values = {"format": s.format}
            left.append(entry(s.format, s.name, wanted, "unknown_format", "add_format", values))
        elif problem is not None:
            left.append(from_misfit(s.format, s.name, wanted, problem))
        elif list_no_room:
            values = {**scope.room, "format_minutes": s.minutes}
            left.append(entry(s.format, s.name, wanted, "no_room", "more_sessions", values))
    left += [unserved(scope, f) for f in scope.findings if f.id not in served]
    return left


def unserved(scope: Scope, finding: Finding) -> LeftOut:
    """Why no format in the plan works on this finding, and what would change that."""
    ids = [finding.id]
    options = scope.pool.by_finding.get(finding.id, [])
    if options:
        shortest = min(options, key=lambda x: (x.fmt.minutes, x.fmt.id)).fmt
        values: Values = {**scope.room, "format": shortest.id, "format_minutes": shortest.minutes}
        return entry(None, finding.name, ids, "no_room", "more_sessions", values)
    known = scope.pool.finding_misfit.get(finding.id)
    if known is not None:
        fmt, problem = known
        values = {**problem.values, "format": fmt.id}
        return entry(None, finding.name, ids, problem.kind, problem.fix, values)
    return entry(None, finding.name, ids, "no_format", "add_format", {"finding": finding.id})


def sponsor_formats(kb: KnowledgeBase) -> list[Format]:
    return sorted(
        (f for f in kb.formats.values() if "sponsor" in f.default_for), key=lambda f: f.id
    )


def sponsor_left_out(scope: Scope, sponsor: str, sessions: list[Session]) -> list[LeftOut]:
    """A named sponsor without a sponsor part in the plan: say why."""
    marked = sponsor_formats(scope.kb)
    if not sponsor or not marked or any(s.sponsor for s in sessions):
        return []
    fmt = marked[0]
    problem = misfit(fmt, scope.c)
    if problem is None:  # it fits a session, but the single session had no room for it
        return [entry(fmt.id, fmt.name, [], "no_room", "more_sessions", scope.room)]
    return [from_misfit(fmt.id, fmt.name, [], problem)]


def suggestion_fits(kb: KnowledgeBase, dx: Diagnosis, c: PlanConstraints) -> list[SuggestionFit]:
    """Every suggested format once, with what keeps it from this team (the list's marks)."""
    fits: dict[str, SuggestionFit] = {}
    for s in dx.suggestions:
        if s.format in fits:
            continue
        fmt = kb.formats.get(s.format)
        problem = misfit(fmt, c) if fmt is not None else None
        fits[s.format] = SuggestionFit(
            format=s.format,
            name=s.name,
            minutes=s.minutes,
            findings=s.answers,
            misfit="unknown_format" if fmt is None else (problem.kind if problem else None),
            values=problem.values if problem else {},
        )
    return list(fits.values())

"""Step 2: which formats could work on which finding, and which cannot and why.

A format works on a finding when a rule suggested it for it (``diagnosis.suggestions``) or
its ``addresses`` name it: the same two sources the library's dysfunction filter reads. Only
core formats count (opening, closing and the sponsor part frame sessions); formats the coach
removed, or that do not suit the team (coachassist/plan/fit.py), are kept aside with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coachassist.diagnosis import Diagnosis, Finding
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Format
from coachassist.plan.fit import Misfit, misfit
from coachassist.plan.models import PlanConstraints, ReasonKind
from coachassist.plan.order import concluding_rules

# When nothing fits, the misfit that says most about what would change it comes first.
_TELLING = ("needs_day", "group_size", "setting", "removed")


@dataclass
class Candidate:
    fmt: Format
    kind: ReasonKind  # suggested (a rule suggested it) or addresses
    findings: list[str]  # the team's findings it works on, in the order of the work
    rules: list[str]
    order: int
    suggested_for: list[str] = field(
        default_factory=list
    )  # the findings a rule suggested it for  # the diagnosis's order of suggestions (unsuggested: after all of them)


@dataclass
class Pool:
    candidates: list[Candidate] = field(default_factory=list)
    by_finding: dict[str, list[Candidate]] = field(default_factory=dict)
    misfits: dict[str, Misfit] = field(default_factory=dict)  # suggested formats kept aside
    unknown: dict[str, list[str]] = field(default_factory=dict)  # suggested ids not in the kb
    finding_misfit: dict[str, tuple[Format, Misfit]] = field(default_factory=dict)


def is_core(fmt: Format) -> bool:
    return fmt.role == "core" and "sponsor" not in fmt.default_for


def gather(
    kb: KnowledgeBase,
    dx: Diagnosis,
    findings: list[Finding],
    c: PlanConstraints,
    removed: set[str],
) -> Pool:
    pool = Pool()
    ids = [f.id for f in findings]
    by_id: dict[str, Candidate] = {}
    order = {s.format: n for n, s in reversed(list(enumerate(dx.suggestions)))}
    rules_of = {f.id: concluding_rules(kb, f) for f in findings}
    suggested: dict[str, list[str]] = {}
    suggesting_rules: dict[str, list[str]] = {}
    for s in dx.suggestions:
        suggested.setdefault(s.format, []).extend(a for a in s.answers if a in ids)
        suggesting_rules.setdefault(s.format, []).extend(e.rule for e in s.evidence)
        if s.format not in kb.formats:
            pool.unknown.setdefault(s.format, []).extend(a for a in s.answers if a in ids)
    for fmt in sorted(kb.formats.values(), key=lambda f: f.id):
        serves = set(suggested.get(fmt.id, [])) | (set(fmt.addresses) & set(ids))
        if not serves or not is_core(fmt):
            continue
        kind: ReasonKind = "suggested" if suggested.get(fmt.id) else "addresses"
        problem = misfit(fmt, c)
        if fmt.id in removed:
            problem = Misfit("removed", "restore", {})
        if problem is not None:
            if kind == "suggested":
                pool.misfits[fmt.id] = problem
            for finding in serves:
                known = pool.finding_misfit.get(finding)
                if known is None or _telling(problem) < _telling(known[1]):
                    pool.finding_misfit[finding] = (fmt, problem)
            continue
        findings_served = [i for i in ids if i in serves]
        rules = list(suggesting_rules.get(fmt.id, []))
        for finding in findings_served:
            rules.extend(rules_of[finding])
        candidate = Candidate(
            fmt,
            kind,
            findings_served,
            list(dict.fromkeys(rules)),
            order.get(fmt.id, 10_000),
            [i for i in ids if i in suggested.get(fmt.id, [])],
        )
        by_id[fmt.id] = candidate
    pool.candidates = sorted(
        by_id.values(), key=lambda x: (x.kind != "suggested", x.order, x.fmt.id)
    )
    for finding in ids:  # per finding: the formats a rule suggested for it first
        serving = [x for x in pool.candidates if finding in x.findings]
        pool.by_finding[finding] = sorted(serving, key=lambda x: finding not in x.suggested_for)
    return pool


def _telling(problem: Misfit) -> int:
    return _TELLING.index(problem.kind) if problem.kind in _TELLING else len(_TELLING)

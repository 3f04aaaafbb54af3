"""Stability: is a finding carried by the team, or by one or two people?

Each finding is re-checked leaving out each respondent once (a lead who agreed to have their view
shown stays in: nothing to protect). Which people are left out never depends on anything else
about their role, so swapping two people's answers across roles changes no label. The re-runs use the plain-Python evaluation
(``soft.conclusions``: ``inference.reference`` in one pass in dependency order, without
suggestions) on the lenient soft-edge facts (engine/soft.py), about 1-2 ms per run,
and look only at the facts the full team may show. A finding that disappears in no re-run is
"stable"; one that disappears when some single person is left out "rests on one or two people"
(the coach never learns who). A finding that disappears when one particular person is left out,
and only then, would tell that one person's answers: it is withheld, unless that person is the
only reader (a self-scan, or a threshold of 1).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from coachassist.engine.facts import FactTable, add_context, build_facts, clean
from coachassist.engine.privacy import Privacy
from coachassist.engine.soft import MARGIN, SHIFTED, conclusions, dysfunctions, shift_value, shifted
from coachassist.engine.truth import RuleLogic, concluding, logic_of
from coachassist.intake.models import Intake, Respondent
from coachassist.kb.conditions import Condition, holds
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Questionnaire, Rule
from coachassist.scoring import LeaveOneOut, LeftOut, score_team


def _visible_like(table: FactTable, privacy: Privacy) -> FactTable:
    """Keep only the kinds of facts the full team may show (the same scales, items, gaps)."""
    allowed = {"score": privacy.scales, "item": privacy.items, "gap": privacy.gaps}
    kept = FactTable()
    for key, facts in table.facts.items():
        kind, _, name = key.partition(".")
        if kind not in allowed or name in allowed[kind]:
            kept.facts[key] = privacy.without_hidden_diff(kind, name, facts)
    return kept


@dataclass(frozen=True)
class Rerun:
    """What the re-runs for one set of findings need: the rules those findings rest on, as a
    RuleLogic, and the scales (scores and gaps) and items those rules look at."""

    logic: RuleLogic
    scales: frozenset[str]
    items: frozenset[str]


_RERUNS: OrderedDict[tuple[int, frozenset[str]], tuple[Mapping[str, Rule], Rerun]] = OrderedDict()
RERUNS_KEPT = 128  # distinct sets of findings; least recently used go first


def needed_by(rules: Mapping[str, Rule], found: frozenset[str]) -> set[str]:
    """The rules concluding the dysfunctions ``found`` and every rule they rest on (through
    signal and dysfunction conditions): only these can decide whether a finding survives a
    re-run, so the re-runs evaluate only these."""
    by_fact = concluding(rules)
    wanted = [rid for key in sorted(found) for rid in by_fact.get(f"dysfunction.{key}", [])]
    kept: set[str] = set()
    while wanted:
        rid = wanted.pop()
        if rid not in kept:
            kept.add(rid)
            rule = rules[rid]
            wanted += [
                o for c in [*rule.conditions, *rule.any_conditions] for o in by_fact.get(c.key, [])
            ]
    return kept


def rerun_for(rules: Mapping[str, Rule], found: frozenset[str]) -> Rerun:
    """The Rerun for the findings ``found``, kept for the most recent sets of findings."""
    key = (id(rules), found)
    cached = _RERUNS.get(key)
    if cached is not None and cached[0] is rules:
        _RERUNS.move_to_end(key)
        return cached[1]
    logic = logic_of(rules).subset(needed_by(rules, found))
    figures = [(kind, name) for kind, name, _, _ in logic.by_figure]
    rerun = Rerun(
        logic,
        frozenset(name for kind, name in figures if kind in ("score", "gap")),
        frozenset(name for kind, name in figures if kind == "item"),
    )
    _RERUNS[key] = (rules, rerun)
    if len(_RERUNS) > RERUNS_KEPT:
        _RERUNS.popitem(last=False)
    return rerun


def _kept_out(person: Respondent, privacy: Privacy) -> bool:
    """A lead who agreed to be shown as the lead's view is never left out: nothing to protect."""
    return person.role == "lead" and person.lead_view_consent and privacy.lead_view


def missing_counts(
    kb: KnowledgeBase,
    scan: Questionnaire,
    intake: Intake,
    privacy: Privacy,
    ids: Iterable[str],
) -> dict[str, int]:
    """For each finding id: in how many leave-one-out re-runs it disappears.

    Only the rules the findings rest on count (``needed_by``), and they matter only through
    which of their input conditions hold (``engine/truth.py``): each left-out team computes
    just the figures those conditions test (``scoring.LeftOut``), as the lenient visible facts
    would hold them. Equal to ``missing_counts_reference``.
    """
    counts = dict.fromkeys(ids, 0)
    rerun = rerun_for(kb.rules, frozenset(counts))
    logic = rerun.logic
    basis = LeaveOneOut(scan, intake, rerun.scales | _diff_scales(scan, logic), rerun.items)
    context = FactTable()
    add_context(context, intake.context, kb.context_questions())
    shown = {"score": privacy.scales, "item": privacy.items, "gap": privacy.gaps}
    truth = [False] * len(logic.inputs)
    candidates = [i for i, p in enumerate(intake.responses) if not _kept_out(p, privacy)]
    fixed: dict[int, bool] = {}  # inputs that hold alike whoever is left out
    varying = []
    for kind, name, stat, conds in logic.by_figure:
        allowed = shown.get(kind)
        if kind == "context":  # the same for every left-out team
            fixed.update((index, holds(cond, context.value(cond))) for index, cond in conds)
        elif (allowed is not None and name not in allowed) or (
            kind == "item" and stat == "diff" and name not in privacy.diffs  # scale withheld
        ):  # never seen: no condition holds
            fixed.update((index, False) for index, _ in conds)
        elif not _alike(kind, name, stat, conds, allowed, basis, candidates, fixed):
            varying.append((kind, name, stat, conds, allowed))
    for index, holds_alike in fixed.items():
        truth[index] = holds_alike
    live = logic.live(fixed)  # a figure only rules already ruled out test is not computed
    varying = [v for v in varying if any(index in live for index, _ in v[3])]
    for i in candidates:  # one left-out team's figures at a time: memory linear in the team
        figures = basis.figures(i)
        for kind, name, stat, conds, allowed in varying:
            present, value = _lenient_value(kind, name, stat, figures, allowed)
            for index, cond in conds:
                truth[index] = present if cond.op == "?" else holds(cond, value)
        found = logic.found(tuple(truth))
        for fid in counts:
            counts[fid] += fid not in found
    return counts


def _diff_scales(scan: Questionnaire, logic: RuleLogic) -> set[str]:
    """The scales of the questions whose diff a re-run tests: a diff needs its scale's mean."""
    diffed = {name for kind, name, stat, _ in logic.by_figure if kind == "item" and stat == "diff"}
    return {q.scale for q in scan.questions if q.id in diffed and q.scale} if diffed else set()


MONOTONE = ("<", "<=", ">", ">=", "?")  # comparisons that hold alike between two that do


def _alike(
    kind: str,
    name: str,
    stat: str,
    conds: list[tuple[int, Condition]],
    allowed: frozenset[str] | None,
    basis: LeaveOneOut,
    candidates: list[int],
    fixed: dict[int, bool],
) -> bool:
    """Whether the conditions on one figure hold alike whoever is left out, found from a few
    probes (``LeaveOneOut.probes``); then their truth goes into ``fixed``."""
    if not candidates or any(c.op not in MONOTONE for _, c in conds):
        return False
    spread = basis.spread(kind, name) if stat == "mean" else None
    if spread is not None and all(c.op != "?" for _, c in conds):
        mean, reach = spread  # no one can move the mean across any threshold: no probes needed
        lenient = shift_value(kind, clean(mean), -MARGIN)
        if all(abs(lenient - c.value) > reach for _, c in conds):  # type: ignore[operator]
            fixed.update((index, holds(cond, lenient)) for index, cond in conds)
            return True
    picks = basis.probes(kind, name, stat, candidates)
    if picks is None:
        return False
    seen = set()
    for pick in picks:
        present, value = _lenient_value(kind, name, stat, basis.figures(pick), allowed)
        seen.add(tuple(present if c.op == "?" else holds(c, value) for _, c in conds))
        if len(seen) > 1:
            return False
    fixed.update(zip((index for index, _ in conds), seen.pop(), strict=True))
    return True


def _lenient_value(
    kind: str, name: str, stat: str, figures: LeftOut, allowed: frozenset[str] | None
) -> tuple[bool, object]:
    """Whether a left-out team's re-run sees the fact ``kind.name`` (only what the full team
    may show: ``_visible_like``), and the value it sees for ``stat`` (means and gaps shifted
    to the lenient side; None when the fact or the field is missing)."""
    if (allowed is not None and name not in allowed) or not figures.exists(kind, name):
        return False, None
    value = clean(figures.value(kind, name, stat)) if stat else None
    if value is not None and stat in SHIFTED.get(kind, ()):
        value = shift_value(kind, value, -MARGIN)
    return True, value


def missing_counts_reference(
    kb: KnowledgeBase,
    scan: Questionnaire,
    intake: Intake,
    privacy: Privacy,
    ids: Iterable[str],
) -> dict[str, int]:
    """The straightforward ``missing_counts``: re-score every reduced intake from its answers
    (the oracle the tests hold the fast path to)."""
    counts = dict.fromkeys(ids, 0)
    context_questions = kb.context_questions()
    for i, person in enumerate(intake.responses):
        if _kept_out(person, privacy):
            continue
        rest = intake.responses[:i] + intake.responses[i + 1 :]
        reduced = intake.model_copy(update={"responses": rest})
        table = build_facts(score_team(scan, reduced), intake.context, context_questions)
        lenient = shifted(_visible_like(table, privacy), -MARGIN)
        found = dysfunctions(kb.rules, conclusions(kb.rules, lenient))
        for fid in counts:
            counts[fid] += fid not in found
    return counts


def label(missing: int, respondents: int) -> str:
    if respondents <= 1:
        return "single"
    return "stable" if missing == 0 else "few"


def exposes_one(missing: int, privacy: Privacy) -> bool:
    """One particular person's answers alone decide the finding."""
    return missing == 1 and privacy.k > 1 and not privacy.self_scan

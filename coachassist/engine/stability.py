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

from collections.abc import Iterable, Mapping

from coachassist.engine.facts import FactTable, add_context, build_facts, clean
from coachassist.engine.privacy import Privacy
from coachassist.engine.soft import MARGIN, SHIFTED, conclusions, dysfunctions, shift_value, shifted
from coachassist.engine.truth import logic_of
from coachassist.intake.models import Intake, Respondent
from coachassist.kb.conditions import holds
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
            kept.facts[key] = facts
    return kept


_LOOKED_AT: dict[int, tuple[Mapping[str, Rule], set[str], set[str]]] = {}


def looked_at(rules: Mapping[str, Rule]) -> tuple[set[str], set[str]]:
    """The scales (scores and gaps) and the items some rule looks at, cached per rule set:
    the only figures a re-run can use."""
    cached = _LOOKED_AT.get(id(rules))
    if cached is None or cached[0] is not rules:
        keys = {c.key for r in rules.values() for c in [*r.conditions, *r.any_conditions]}
        scales = {k.partition(".")[2] for k in keys if k.startswith(("score.", "gap."))}
        items = {k.partition(".")[2] for k in keys if k.startswith("item.")}
        if len(_LOOKED_AT) > 256:  # the rule set and its subsets (needed_by)
            _LOOKED_AT.clear()
        cached = _LOOKED_AT[id(rules)] = (rules, scales, items)
    return cached[1], cached[2]


_NEEDED: dict[tuple[int, frozenset[str]], tuple[Mapping[str, Rule], dict[str, Rule]]] = {}


def needed_by(rules: Mapping[str, Rule], found: frozenset[str]) -> dict[str, Rule]:
    """The rules concluding the dysfunctions ``found`` and every rule they rest on (through
    signal and dysfunction conditions), cached per rule set: only these can decide whether a
    finding survives a re-run, so the re-runs evaluate only these."""
    cached = _NEEDED.get((id(rules), found))
    if cached is not None and cached[0] is rules:
        return cached[1]
    concluding: dict[str, list[str]] = {}
    for rule in rules.values():
        if rule.then.fact_key:
            concluding.setdefault(rule.then.fact_key, []).append(rule.id)
    wanted = [rid for key in sorted(found) for rid in concluding.get(f"dysfunction.{key}", [])]
    kept: set[str] = set()
    while wanted:
        rid = wanted.pop()
        if rid not in kept:
            kept.add(rid)
            rule = rules[rid]
            wanted += [
                o
                for c in [*rule.conditions, *rule.any_conditions]
                for o in concluding.get(c.key, [])
            ]
    subset = {rid: rule for rid, rule in rules.items() if rid in kept}
    if len(_NEEDED) > 256:
        _NEEDED.clear()
    _NEEDED[(id(rules), found)] = (rules, subset)
    return subset


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
    rules = needed_by(kb.rules, frozenset(counts))
    logic = logic_of(rules)
    basis = LeaveOneOut(scan, intake, *looked_at(rules))
    context = FactTable()
    add_context(context, intake.context, kb.context_questions())
    shown = {"score": privacy.scales, "item": privacy.items, "gap": privacy.gaps}
    truth = [False] * len(logic.inputs)
    figures_tested = []
    for kind, name, stat, conds in logic.by_figure:
        if kind == "context":  # the same for every left-out team
            for index, cond in conds:
                truth[index] = holds(cond, context.value(cond))
        else:
            figures_tested.append((kind, name, stat, conds, shown.get(kind)))
    for i, person in enumerate(intake.responses):
        if _kept_out(person, privacy):
            continue
        figures = basis.figures(i)
        for kind, name, stat, conds, allowed in figures_tested:
            present, value = _lenient_value(kind, name, stat, figures, allowed)
            for index, cond in conds:
                truth[index] = present if cond.op == "?" else holds(cond, value)
        found = logic.found(tuple(truth))
        for fid in counts:
            counts[fid] += fid not in found
    return counts


def _lenient_value(
    kind: str, name: str, stat: str, figures: LeftOut, allowed: frozenset[str] | None
) -> tuple[bool, object]:
    """Whether a left-out team's re-run sees the fact ``kind.name`` (only what the full team
    may show: ``_visible_like``), and the value it sees for ``stat`` (means and gaps shifted
    to the lenient side; None when the fact or the field is missing)."""
    if (allowed is not None and name not in allowed) or not figures.exists(kind, name):
        return False, None
    value = clean(figures.value(kind, name, stat)) if stat else None
    if value is not None and SHIFTED.get(kind) == stat:
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

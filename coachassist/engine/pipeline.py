"""From an intake to an explained Diagnosis: scoring -> facts -> rules -> findings + evidence.

Re-exported by ``coachassist.engine`` (lazily, so the engine worker does not import it).
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from dataclasses import dataclass

from coachassist.diagnosis import Diagnosis
from coachassist.engine.differencing import ruled_questions
from coachassist.engine.explain import build_diagnosis
from coachassist.engine.facts import FactTable, build_facts
from coachassist.engine.inference import engine_for, reference
from coachassist.engine.inference import kb_source as kb_source  # re-exported
from coachassist.engine.privacy import Privacy
from coachassist.engine.refine import (
    NOTHING_WITHHELD,
    Withheld,
    borrow_lenient,
    dysfunctions,
    one_person,
    refine,
)
from coachassist.engine.soft import soft_runs
from coachassist.errors import UserError
from coachassist.i18n import Message
from coachassist.intake.models import Intake
from coachassist.kb.loader import KnowledgeBase
from coachassist.scoring import TeamScores, score_team

DEFAULT_MIN_GROUP = 3


def team_facts(kb: KnowledgeBase, intake: Intake) -> tuple[FactTable, TeamScores]:
    scan = kb.questionnaires.get(intake.scan)
    if scan is None:
        raise UserError(Message("intake.unknown_scan", id=repr(intake.scan)))
    scores = score_team(scan, intake)
    return build_facts(scores, intake.context, kb.context_questions()), scores


def diagnose(
    kb: KnowledgeBase, intake: Intake, *, min_group: int | None = None, use_engine: bool = True
) -> Diagnosis:
    """Diagnose one team. ``min_group`` is the anonymity threshold k (default 3)."""
    return diagnose_with_facts(kb, intake, min_group=min_group, use_engine=use_engine)[0]


def diagnose_with_facts(
    kb: KnowledgeBase, intake: Intake, *, min_group: int | None = None, use_engine: bool = True
) -> tuple[Diagnosis, FactTable]:
    """The Diagnosis and the facts the rules saw (only what its privacy decision shows)."""
    team = prepare(kb, intake, min_group)
    if not team.privacy.team_ok:
        return conclude(kb, team, [])
    fired = engine_for(kb).run(team.visible) if use_engine else reference(kb.rules, team.visible)
    return conclude(kb, team, fired)


@dataclass
class Prepared:
    """A team up to the rules: its scores, the privacy decision and the facts the rules see."""

    intake: Intake
    scores: TeamScores
    privacy: Privacy
    visible: FactTable
    strict: list[str]  # the rules fired on the strict and the lenient copy (engine/soft.py)
    lenient: list[str]


def prepare(
    kb: KnowledgeBase,
    intake: Intake,
    min_group: int | None = None,
    privacy: Privacy | None = None,
) -> Prepared:
    """``privacy``: a decision already made for this team (the re-run without a withheld
    finding keeps it; its fewer rules look at fewer questions)."""
    k = min_group or intake.min_group or DEFAULT_MIN_GROUP
    table, scores = team_facts(kb, intake)
    scan = kb.questionnaires[intake.scan]  # team_facts checked it
    if privacy is None:
        privacy = Privacy.decide(intake, scores, k, scan, _ruled(kb))
    visible = privacy.visible_facts(table)  # the rules see only what may be shown
    strict, lenient = soft_runs(kb.rules, visible) if privacy.team_ok else ([], [])
    return Prepared(intake, scores, privacy, visible, strict, lenient)


def conclude(
    kb: KnowledgeBase, team: Prepared, fired: list[str], withheld: Withheld = NOTHING_WITHHELD
) -> tuple[Diagnosis, FactTable]:
    """The Diagnosis from the rules ``fired`` over ``team.visible`` (which holds their
    conclusions): soft edges, strength, order, stability and the coach's decisions."""
    diagnosis, visible, _ = conclude_withholding(kb, team, fired, withheld)
    return diagnosis, visible


def conclude_withholding(
    kb: KnowledgeBase, team: Prepared, fired: list[str], withheld: Withheld = NOTHING_WITHHELD
) -> tuple[Diagnosis, FactTable, Withheld]:
    """``conclude``, and the findings withheld because one person's answers decide them.

    Nothing may rest on such a finding: when one turns up, the rules run again (plain Python,
    ``inference.reference``) without the rules concluding it, so no other finding, reason,
    signal or suggested format can say it holds; until no more turn up."""
    intake, scores, privacy, visible = team.intake, team.scores, team.privacy, team.visible
    if not privacy.team_ok:  # the whole team below k: no finding at all
        return build_diagnosis(kb, intake, scores, visible, [], privacy), visible, withheld
    strict, lenient = team.strict, team.lenient
    hard = dysfunctions(kb.rules, fired)
    soft = dysfunctions(kb.rules, lenient)
    borderline = (hard - dysfunctions(kb.rules, strict)) | (soft - hard)
    reaching = soft - hard  # concluded only on the lenient figures
    fired = fired + borrow_lenient(kb.rules, visible, fired, lenient, soft - hard)
    raw = build_diagnosis(kb, intake, scores, visible, fired, privacy)
    missing, hidden = one_person(kb, intake, privacy, raw.findings)
    if hidden:
        more = withheld.adding(hidden, raw.findings)
        fewer = without_findings(kb, more.findings)
        again = prepare(fewer, intake, privacy.k, privacy)
        return conclude_withholding(fewer, again, reference(fewer.rules, again.visible), more)
    # strength, order, stability and the coach's decisions (engine/refine.py)
    refined = refine(
        kb, intake, privacy, raw, borderline, reaching, visible, withheld=withheld, missing=missing
    )
    return refined, visible, withheld


_FEWER: OrderedDict[tuple[int, frozenset[str]], tuple[KnowledgeBase, KnowledgeBase]] = OrderedDict()
FEWER_KEPT = 32  # distinct sets of withheld findings; least recently used go first


def without_findings(kb: KnowledgeBase, ids: frozenset[str]) -> KnowledgeBase:
    """``kb`` without the rules concluding the dysfunctions ``ids`` (so no rule can test them
    either); kept for the most recent sets, as the engine's caches are per rule set."""
    key = (id(kb), ids)
    cached = _FEWER.get(key)
    if cached is not None and cached[0] is kb:
        _FEWER.move_to_end(key)
        return cached[1]
    rules = {rid: r for rid, r in kb.rules.items() if r.then.dysfunction not in ids}
    fewer = dataclasses.replace(kb, rules=rules)
    _FEWER[key] = (kb, fewer)
    if len(_FEWER) > FEWER_KEPT:
        _FEWER.popitem(last=False)
    return fewer


_RULED: dict[int, tuple[KnowledgeBase, frozenset[str]]] = {}


def _ruled(kb: KnowledgeBase) -> frozenset[str]:
    """``ruled_questions`` of ``kb``, once per knowledge base (not once per team)."""
    cached = _RULED.get(id(kb))
    if cached is None or cached[0] is not kb:
        if len(_RULED) > 8:  # knowledge bases built on the fly (tests): keep it small
            _RULED.clear()
        cached = _RULED[id(kb)] = (kb, ruled_questions(kb.rules.values()))
    return cached[1]

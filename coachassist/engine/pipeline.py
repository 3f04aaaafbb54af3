"""From an intake to an explained Diagnosis: scoring -> facts -> rules -> findings + evidence.

Re-exported by ``coachassist.engine`` (lazily, so the engine worker does not import it).
"""

from __future__ import annotations

from dataclasses import dataclass

from coachassist.diagnosis import Diagnosis
from coachassist.engine.differencing import ruled_questions
from coachassist.engine.explain import build_diagnosis
from coachassist.engine.facts import FactTable, build_facts
from coachassist.engine.inference import engine_for, reference
from coachassist.engine.inference import kb_source as kb_source  # re-exported
from coachassist.engine.privacy import Privacy
from coachassist.engine.refine import borrow_lenient, dysfunctions, refine
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


def prepare(kb: KnowledgeBase, intake: Intake, min_group: int | None = None) -> Prepared:
    k = min_group or intake.min_group or DEFAULT_MIN_GROUP
    table, scores = team_facts(kb, intake)
    scan = kb.questionnaires[intake.scan]  # team_facts checked it
    privacy = Privacy.decide(intake, scores, k, scan, ruled_questions(kb.rules.values()))
    visible = privacy.visible_facts(table)  # the rules see only what may be shown
    strict, lenient = soft_runs(kb.rules, visible) if privacy.team_ok else ([], [])
    return Prepared(intake, scores, privacy, visible, strict, lenient)


def conclude(kb: KnowledgeBase, team: Prepared, fired: list[str]) -> tuple[Diagnosis, FactTable]:
    """The Diagnosis from the rules ``fired`` over ``team.visible`` (which holds their
    conclusions): soft edges, strength, order, stability and the coach's decisions."""
    intake, scores, privacy, visible = team.intake, team.scores, team.privacy, team.visible
    if not privacy.team_ok:  # the whole team below k: no finding at all
        return build_diagnosis(kb, intake, scores, visible, [], privacy), visible
    strict, lenient = team.strict, team.lenient
    hard = dysfunctions(kb.rules, fired)
    soft = dysfunctions(kb.rules, lenient)
    borderline = (hard - dysfunctions(kb.rules, strict)) | (soft - hard)
    reaching = soft - hard  # concluded only on the lenient figures
    fired = fired + borrow_lenient(kb.rules, visible, fired, lenient, soft - hard)
    raw = build_diagnosis(kb, intake, scores, visible, fired, privacy)
    # strength, order, stability and the coach's decisions (engine/refine.py)
    return refine(kb, intake, privacy, raw, borderline, reaching, visible), visible

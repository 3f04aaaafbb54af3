"""Two team profiles from issue 17, diagnosed from generated questionnaire answers: a fitting
format must be among the first five suggestions (and in the session plan)."""

from __future__ import annotations

import random

import pytest

from coachassist.engine import diagnose
from coachassist.intake.models import Intake, Respondent
from coachassist.kb.loader import KnowledgeBase, load
from coachassist.plan import PlanConstraints, build_plan

SAFETY_AND_LEAD = {
    "anonymous_question_box",
    "lead_out_of_the_room",
    "lead_speaks_last",
    "feedforward_for_lead",
    "safety_check_vote",
    "what_i_hold_back",
    "psychological_safety_conversation",
    "speak_up_agreements",
}
BETWEEN_CAMPS = {
    "camps_fishbowl",
    "cross_camp_listening_pairs",
    "argue_the_other_side",
    "polarity_map",
    "shared_ground_map",
    "tensions_on_the_table",
}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load()


def answers(kb: KnowledgeBase, rng: random.Random, score_of) -> dict:
    """Likert answers per scale from ``score_of(question) -> 1..5``, reverse items mirrored."""
    result = {}
    for q in kb.questionnaires["teamscan"].questions:
        if q.type == "likert":
            value = score_of(q)
            result[q.id] = 6 - value if q.reverse else value
    return result


def dominant_lead(kb: KnowledgeBase, seed: int) -> Intake:
    """Members score trust, open conflict and the lead relation low and watch their words
    (trust_4); the lead rates the team highly. The coach saw a strained relation."""
    rng = random.Random(seed)
    low = {"trust", "conflict", "lead_relation"}

    def member(q):
        if q.id == "trust_4":
            return rng.choice([1, 2])
        return rng.choice([1, 2, 2, 3]) if q.scale in low else rng.choice([3, 4, 4])

    responses = [
        Respondent(id="lead", role="lead", answers=answers(kb, rng, lambda q: rng.choice([4, 5])))
    ]
    responses += [
        Respondent(id=f"m{i}", role="member", answers=answers(kb, rng, member)) for i in range(8)
    ]
    context = {"team_type": "one_team", "team_size": 9, "observed": ["strained_lead"]}
    return Intake(scan="teamscan", context=context, responses=responses)


def two_camps(kb: KnowledgeBase, seed: int, team_type: str) -> Intake:
    """Half the team scores trust, conflict and cooperation high, the other half low."""
    rng = random.Random(seed)
    split = {"trust", "conflict", "cooperation"}
    responses = []
    for i in range(12):
        camp_low = i % 2 == 1

        def score(q, camp_low=camp_low):
            if q.scale in split:
                return rng.choice([1, 2]) if camp_low else rng.choice([4, 5])
            return rng.choice([3, 4])

        role = "lead" if i == 0 else "member"
        responses.append(Respondent(id=f"r{i}", role=role, answers=answers(kb, rng, score)))
    context = {"team_type": team_type, "team_size": 12}
    return Intake(scan="teamscan", context=context, responses=responses)


def top_five(kb: KnowledgeBase, intake: Intake) -> list[str]:
    return [s.format for s in diagnose(kb, intake).suggestions[:5]]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_dominant_lead_with_unsafe_members_gets_safety_formats_first(kb, seed):
    intake = dominant_lead(kb, seed)
    dx = diagnose(kb, intake)
    found = {f.id for f in dx.findings}
    assert {"absence_of_trust", "strained_lead_relation"} <= found
    assert "unsafe_to_speak" in {s.id for s in dx.signals}
    first = top_five(kb, intake)
    assert SAFETY_AND_LEAD & set(first), first
    # the planner, which reorders by fit, still plans one of them
    plan = build_plan(kb, dx, intake.context, PlanConstraints())
    planned = {item.format for session in plan.sessions for item in session.items}
    assert SAFETY_AND_LEAD & planned


@pytest.mark.parametrize(("seed", "team_type"), [(1, "one_team"), (2, "two_departments")])
def test_team_split_into_two_camps_gets_a_between_camps_format_first(kb, seed, team_type):
    intake = two_camps(kb, seed, team_type)
    dx = diagnose(kb, intake)
    assert {"divided_on_trust", "divided_on_cooperation"} <= {s.id for s in dx.signals}
    first = top_five(kb, intake)
    assert BETWEEN_CAMPS & set(first), first
    plan = build_plan(kb, dx, intake.context, PlanConstraints())
    planned = {item.format for session in plan.sessions for item in session.items}
    assert BETWEEN_CAMPS & planned

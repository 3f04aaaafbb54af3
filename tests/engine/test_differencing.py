"""The differencing audit (coachassist/engine/differencing.py): which question figures a scale's
mean would give away, its exact rank, and its conservative cap."""

from __future__ import annotations

import pytest

from coachassist.engine import differencing
from coachassist.engine.privacy import Privacy
from coachassist.intake.models import Intake, Respondent
from coachassist.kb.loader import KnowledgeBase, load
from coachassist.scoring import score_team
from tests.engine.conftest import scored_answers


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load()


def trust_items(kb: KnowledgeBase) -> list[str]:
    return [q.id for q in kb.questionnaires["teamscan"].questions if q.scale == "trust"]


def decide(kb: KnowledgeBase, people: list[dict], consent: bool = False) -> Privacy:
    roles = ["lead"] + ["member"] * (len(people) - 1)
    intake = Intake(
        scan="teamscan",
        responses=[
            Respondent(id=f"r{i}", role=role, answers=answers, lead_view_consent=consent)
            for i, (role, answers) in enumerate(zip(roles, people, strict=True))
        ],
    )
    scan = kb.questionnaires["teamscan"]
    return Privacy.decide(intake, score_team(scan, intake), 3, scan)


def test_rank_is_exact():
    assert differencing._rank([]) == 0
    assert differencing._rank([(2, 4, 6), (1, 2, 3), (3, 6, 9)]) == 1
    assert differencing._rank([(1, 0, 1), (0, 1, 1), (1, 1, 2), (5, 0, 1)]) == 3
    # nearly parallel: a float rank with a tolerance could call these dependent
    assert differencing._rank([(10**12, 1), (10**12 + 1, 1)]) == 2


def test_a_consenting_leads_skipped_question_stays_shown(kb):
    """With the lead's view shown, the lead's own mean is shown on purpose; the scale and its
    questions add nothing beyond it, so nothing is withheld. Without consent the same skip
    would give the lead's mean away, so the question goes."""
    everyone = [scored_answers(kb, {"trust": 3}) for _ in range(5)]
    everyone[0] = {**everyone[0], "trust_3": "dont_know"}
    agreed = decide(kb, everyone, consent=True)
    assert agreed.lead_view and "trust" in agreed.gaps
    assert set(trust_items(kb)) <= agreed.items
    refused = decide(kb, everyone)
    assert set(trust_items(kb)) - refused.items == {"trust_3"}


def test_past_the_cap_any_small_set_counts_as_a_leak(kb, monkeypatch):
    """Past the cap on sets of fewer than k people the audit assumes a leak wherever such a set
    exists: what stays shown is only what no set of fewer than k people can be singled out in.
    Here r1 skipped trust_3, so r1's answers weigh 1/4 in the scale's mean and everyone else's
    1/5: the four questions r1 answered go, and trust_3 (the four others' answers) stays."""
    everyone = [scored_answers(kb, {"trust": 4}) for _ in range(5)]
    everyone[1] = {**everyone[1], "trust_3": "dont_know"}
    assert set(trust_items(kb)) - decide(kb, everyone).items == {"trust_3"}
    monkeypatch.setattr(differencing, "MAX_SUSPECTS", 0)
    differencing._withheld.cache_clear()  # decisions are kept per pattern of answers
    try:
        capped = decide(kb, everyone)
    finally:
        differencing._withheld.cache_clear()
    assert set(trust_items(kb)) - capped.items == {"trust_1", "trust_2", "trust_4", "trust_5"}
    assert "conflict_1" in capped.items and "trust" in capped.scales

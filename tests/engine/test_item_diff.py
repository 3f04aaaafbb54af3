"""A question's diff from its own scale (issue 13): the fact, its privacy, its soft edge, the
rules that need a question to stand out, and what it does to strength and order."""

from __future__ import annotations

import pytest

from coachassist.engine import diagnose, team_facts
from coachassist.engine.privacy import Privacy
from coachassist.engine.soft import MARGIN, shifted
from coachassist.engine.stability import missing_counts, missing_counts_reference
from coachassist.engine.strength import rank
from coachassist.intake.models import Intake, Respondent
from coachassist.kb.conditions import parse
from coachassist.kb.loader import KnowledgeBase, load
from coachassist.scoring import score_team
from tests.engine.conftest import scored_answers, scored_team


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load()


def self_scan(kb: KnowledgeBase, scored: dict[str, int]) -> Intake:
    lead = Respondent(
        id="lead", role="lead", lead_view_consent=True, answers=scored_answers(kb, scored)
    )
    return Intake(scan="teamscan", min_group=1, responses=[lead])


def test_the_diff_is_the_question_mean_minus_its_scale_mean(kb):
    people = [
        {"lead_relation": 4, "lead_relation_4": 1},
        {"lead_relation": 4, "lead_relation_4": 2},
    ]
    intake = scored_team(kb, people * 2)
    table, scores = team_facts(kb, intake)
    item = table.facts["item.lead_relation_4"][0]
    assert item["mean"] == 1.5
    assert item["diff"] == pytest.approx(1.5 - scores.scales["lead_relation"].mean, abs=1e-4)
    assert item["diff"] == pytest.approx(-2.0, abs=1e-4)  # the scale holds the low item too
    # the soft edges move a diff like a mean: it stands out less on the strict side
    strict = shifted(table, MARGIN).facts["item.lead_relation_4"][0]
    assert strict["diff"] == pytest.approx(item["diff"] + MARGIN, abs=1e-4)


def test_a_diff_is_withheld_with_its_scale(kb):
    """Three people answered "too much runs through the lead", but only two have enough answers
    for a lead-relation score: the question may be shown (k = 3), its diff may not (the diff
    and the mean together would give the withheld scale's mean away)."""
    scan = kb.questionnaires["teamscan"]
    full = scored_answers(kb, {"lead_relation_4": 1})
    sparse = {q: "dont_know" for q in full if q.startswith("lead_relation")}
    sparse["lead_relation_4"] = full["lead_relation_4"]
    people = [full, full, {**full, **sparse}]
    intake = Intake(
        scan="teamscan",
        responses=[Respondent(id=f"m{i}", answers=a) for i, a in enumerate(people)],
    )
    scores = score_team(scan, intake)
    privacy = Privacy.decide(intake, scores, 3, scan)
    assert "lead_relation_4" in privacy.items and "lead_relation" not in privacy.scales
    assert privacy.withheld(parse("item.lead_relation_4.diff <= -0.5"))
    assert not privacy.withheld(parse("item.lead_relation_4.mean <= 2.5"))
    table, _ = team_facts(kb, intake)
    visible = privacy.visible_facts(table)
    assert "diff" in table.facts["item.lead_relation_4"][0]
    assert "diff" not in visible.facts["item.lead_relation_4"][0]
    ids = ["overloaded_lead", "strained_lead_relation", "absence_of_trust"]
    assert missing_counts(kb, scan, intake, privacy, ids) == missing_counts_reference(
        kb, scan, intake, privacy, ids
    )
    d = diagnose(kb, intake)
    assert "overloaded_lead" not in {f.id for f in d.findings}
    shown = [
        c
        for f in [*d.findings, *d.signals]
        for e in f.evidence
        for c in e.conditions
        if ".diff" in c.text
    ]
    assert all(c.withheld and c.actual is None for c in shown)  # no diff value is shown


def test_a_question_as_low_as_its_scale_names_no_other_problem(kb):
    """Every question about the lead equally low: a strained relation, not an overloaded lead;
    every question about change equally low: change fatigue, not an unclear strategy."""
    people = [{"lead_relation": 2, "change_load": 2} for _ in range(6)]
    context = {"team_type": "one_team", "recent_reorganisation": "yes"}
    found = {f.id for f in diagnose(kb, scored_team(kb, people, context=context)).findings}
    assert {"strained_lead_relation", "change_fatigue"} <= found
    assert not found & {"overloaded_lead", "strategy_not_in_behaviour"}


def test_a_question_standing_out_is_its_own_finding_not_its_scales(kb):
    """One low question in an otherwise fine scale: the question's own finding, carried by the
    question; no finding about the scale it drags down."""
    # the other lead-relation questions 3.5 on average: "needs attention" only because of one
    people = [{"lead_relation": 3 + i % 2, "lead_relation_4": 1 + i % 2} for i in range(6)]
    d = diagnose(kb, scored_team(kb, people, context={"team_type": "one_team"}))
    found = {f.id: f for f in d.findings}
    assert "overloaded_lead" in found and not found["overloaded_lead"].borderline
    assert "strained_lead_relation" not in found


def test_a_self_scan_says_clearly_that_the_strategy_has_not_landed(kb):
    """A lead's self-scan: "I know what the strategy means for my work" answered 1 (strongly
    disagree) while the rest is fine: the strategy finding (medium, not borderline), and no
    change fatigue from the one question pulling the change-load score down. Answered 2, it is
    one person's one answer: a borderline finding, as for any other question."""
    d = diagnose(kb, self_scan(kb, {"change_load_3": 1}))
    found = {f.id: f for f in d.findings}
    assert list(found) == ["strategy_not_in_behaviour"]
    assert not found["strategy_not_in_behaviour"].borderline
    assert found["strategy_not_in_behaviour"].severity == "medium"
    d = diagnose(kb, self_scan(kb, {"change_load_3": 2}))
    found = {f.id: f for f in d.findings}
    assert list(found) == ["strategy_not_in_behaviour"]
    assert found["strategy_not_in_behaviour"].borderline


def test_one_answer_standing_out_in_a_self_scan_is_borderline(kb):
    """One answer of 2 on "colleagues of other departments are spoken of with respect" in an
    otherwise healthy self-scan: at most a borderline, low finding, never a high one."""
    d = diagnose(kb, self_scan(kb, {"cooperation_4": 2, "cooperation_1": 3}))
    assert "stereotyping_between_departments" in {f.id for f in d.findings}
    assert all(f.borderline and f.severity == "low" for f in d.findings)


def test_a_weak_finding_only_the_lenient_edge_reaches_is_not_reported(kb):
    people = [{"accountability": 4 if i % 5 == 4 else 3} for i in range(10)]  # 3.2: weak
    intake = scored_team(kb, people, context={"team_type": "one_team"})
    d = diagnose(kb, intake)
    weak = [f for f in d.findings if f.borderline and (f.strength or 0) < 1.0]
    assert weak, "the example needs a weak borderline finding"
    target = weak[0]
    again = rank(kb, "teamscan", d.findings, d.scores, {f.id for f in weak})
    assert target.id in {f.id for f in again}
    reaching = rank(kb, "teamscan", d.findings, d.scores, {f.id for f in weak}, {target.id})
    assert target.id not in {f.id for f in reaching}


def test_low_questions_without_a_rule_of_their_own_stay_in_their_scale(kb):
    """Two trust questions that no rule looks at on its own are very low, the rest fine: the
    trust scale itself (on the low side) carries the finding; leaving those questions out of
    its depth would hide it."""
    people = [{"trust": 4, "trust_1": 1, "trust_2": 1} for _ in range(6)]
    d = diagnose(kb, scored_team(kb, people, context={"team_type": "one_team"}))
    assert "absence_of_trust" in {f.id for f in d.findings}

"""The fast paths give exactly what the slow ones give: leave-one-out (scores from answers
reverse-scored once per team, only the figures rules look at, probes) against re-scoring every
reduced intake, and the soft-edge runs (the truth of each condition on shifted values) against
running the rules on shifted copies of the facts."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachassist.batch import read_team
from coachassist.engine import refine as refine_module
from coachassist.engine.pipeline import diagnose, team_facts
from coachassist.engine.privacy import Privacy
from coachassist.engine.soft import MARGIN, conclusions, shifted, soft_runs
from coachassist.engine.stability import missing_counts, missing_counts_reference
from coachassist.intake.models import Intake, Respondent
from coachassist.kb.loader import KnowledgeBase, load
from coachassist.kb.models import Rule, Text, Then
from coachassist.scoring import LeaveOneOut, score_team
from tests.engine.conftest import intake_of

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.toml"))
answer = st.one_of(
    st.integers(1, 5), st.sampled_from([0.0, -0.0, 2.5]), st.just("dont_know"), st.none()
)
person = st.tuples(
    st.sampled_from(["member", "lead"]), st.fixed_dictionaries({"a": answer, "b": answer})
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(person, min_size=1, max_size=9))
def test_left_out_scores_equal_rescoring(two_item_scan, rows):
    rows = [(role, {k: v for k, v in answers.items() if v is not None}) for role, answers in rows]
    intake = intake_of(*rows)
    basis = LeaveOneOut(two_item_scan, intake)
    for i in range(len(rows)):
        reduced = intake_of(*(rows[:i] + rows[i + 1 :]))
        assert basis.without(i) == score_team(two_item_scan, reduced)


def _generated(kb: KnowledgeBase, count: int) -> list[Intake]:
    scan = kb.questionnaires["teamscan"]
    rng = random.Random(15)
    teams = []
    for index in range(count):
        low = set(rng.sample([s.id for s in scan.scales], rng.randint(0, 4)))
        people = []
        for i in range(rng.randint(3, 12)):
            answers: dict = {}
            for q in scan.questions:
                if q.type == "likert" and rng.random() > 0.05:
                    value = rng.choice([1, 2, 2, 3]) if q.scale in low else rng.choice([3, 4, 5])
                    answers[q.id] = "dont_know" if rng.random() < 0.03 else value
            role = "lead" if i == 0 else "member"
            consent = rng.random() < 0.5
            people.append(
                Respondent(id=f"r{i}", role=role, lead_view_consent=consent, answers=answers)
            )
        context = {"team_type": ["leadership_team", "two_departments", "one_team"][index % 3]}
        teams.append(
            Intake(
                title=f"t{index}",
                scan="teamscan",
                scan_version=scan.version,
                context=context,
                responses=people,
            )
        )
    return teams


def test_every_example_and_generated_team_diagnoses_as_the_slow_path(monkeypatch):
    kb = load()
    teams = [read_team(kb, path) for path in EXAMPLES] + _generated(kb, 20)
    assert len(EXAMPLES) >= 5
    every = sorted({r.then.dysfunction for r in kb.rules.values() if r.then.dysfunction})
    fast = []
    for intake in teams:
        scan = kb.questionnaires[intake.scan]
        full = LeaveOneOut(scan, intake)
        for i in range(len(intake.responses)):
            rest = intake.responses[:i] + intake.responses[i + 1 :]
            reduced = intake.model_copy(update={"responses": rest})
            assert full.without(i) == score_team(scan, reduced)
        privacy = Privacy.decide(intake, score_team(scan, intake), 3, scan)
        assert missing_counts(kb, scan, intake, privacy, every) == missing_counts_reference(
            kb, scan, intake, privacy, every
        )
        fast.append(diagnose(kb, intake, use_engine=False).model_dump_json())
    monkeypatch.setattr(refine_module, "missing_counts", missing_counts_reference)
    slow = [diagnose(kb, intake, use_engine=False).model_dump_json() for intake in teams]
    assert fast == slow
    assert any('"stability":"few"' in text for text in fast)  # the re-runs do change labels


# A trainer may test any figure with any operator; each of these rules concludes its own
# finding, so the fast path must agree with the slow one condition by condition.
TRAINER_CONDITIONS = [
    "score.trust.mean < 3.4",
    "score.trust.mean >= 3.0",
    "score.conflict.sd > 0.5",
    "score.conflict.rwg < 0.7",
    "score.conflict.rwg != 0.5",
    "score.results.n >= 6",
    "score.results.polarised",
    "score.results.polarised == false",
    "item.trust_1.mean <= 3.2",
    "item.trust_2.sd >= 1",
    "item.trust_2.n < 7",
    "gap.trust >= 0.3",
    "gap.commitment <= -0.2",
    "respondents.n >= 7",
    "respondents.members < 9",
    "respondents.leads >= 1",
    'context.team_type == "leadership_team"',
    'context.team_type in ["leadership_team", "two_departments"]',
]


@pytest.mark.parametrize("k", [1, 3, 5])
def test_any_figure_and_operator_agrees_with_the_slow_path(k):
    kb = load()
    trainer_kb = _with_trainer_rules(kb)
    rules = trainer_kb.rules
    ids = sorted({r.then.dysfunction for r in rules.values() if r.then.dysfunction})
    changed = 0
    for intake in _generated(kb, 25):
        scan = kb.questionnaires[intake.scan]
        privacy = Privacy.decide(intake, score_team(scan, intake), k, scan)
        fast = missing_counts(trainer_kb, scan, intake, privacy, ids)
        assert fast == missing_counts_reference(trainer_kb, scan, intake, privacy, ids)
        changed += sum(1 for fid in ids if fid.startswith("trainer") and fast[fid] > 0)
    assert changed > 0  # some left-out team crosses a trainer's threshold


def _with_trainer_rules(kb: KnowledgeBase) -> KnowledgeBase:
    """``kb`` with a rule for every TRAINER_CONDITIONS line, alone, as an alternative and as
    the ground of a signal another rule builds on."""
    rules = dict(kb.rules)
    for n, condition in enumerate(TRAINER_CONDITIONS):
        rules[f"t.{n}"] = Rule(
            id=f"t.{n}",
            because=Text(nl="x", en="x"),
            when=[condition],
            then=Then(dysfunction=f"trainer_{n}", severity="low"),
        )
        rules[f"t.any.{n}"] = Rule(
            id=f"t.any.{n}",
            because=Text(nl="x", en="x"),
            when=["respondents.n >= 1"],
            when_any=[condition, TRAINER_CONDITIONS[n - 1]],
            then=Then(signal=f"trainer_any_{n}"),
        )
        rules[f"t.chain.{n}"] = Rule(
            id=f"t.chain.{n}",
            because=Text(nl="x", en="x"),
            when=[f"signal.trainer_any_{n}"],
            then=Then(dysfunction=f"trainer_chain_{n}", severity="low"),
        )
    return replace(kb, rules=rules)


def test_soft_runs_equal_the_rules_on_shifted_copies():
    kb = load()
    trainer_kb = _with_trainer_rules(kb)
    teams = [read_team(kb, path) for path in EXAMPLES] + _generated(kb, 25)
    differ = 0
    for base in (kb, trainer_kb):
        for intake in teams:
            table, _ = team_facts(base, intake)
            strict, lenient = soft_runs(base.rules, table)
            assert strict == conclusions(base.rules, shifted(table, MARGIN))
            assert lenient == conclusions(base.rules, shifted(table, -MARGIN))
            differ += strict != lenient
    assert differ > 0  # the margin does move findings

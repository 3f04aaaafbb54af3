"""The fast leave-one-out path (scores from answers reverse-scored once per team, only the
figures rules look at) gives exactly what re-scoring every reduced intake gives."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachassist.batch import read_team
from coachassist.engine import refine as refine_module
from coachassist.engine.pipeline import diagnose
from coachassist.engine.privacy import Privacy
from coachassist.engine.stability import missing_counts, missing_counts_reference
from coachassist.intake.models import Intake, Respondent
from coachassist.kb.loader import KnowledgeBase, load
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
        teams.append(
            Intake(title=f"t{index}", scan="teamscan", scan_version=scan.version, responses=people)
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

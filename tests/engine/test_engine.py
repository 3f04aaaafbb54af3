"""The durable-rules engine: isolation, determinism, clean errors, agreement with the reference."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachassist.engine import compiler, diagnose
from coachassist.engine.adapter import EngineError
from coachassist.engine.facts import FactTable
from coachassist.engine.inference import Engine, reference
from coachassist.intake.models import Intake, Respondent
from coachassist.kb.loader import KnowledgeBase, load
from coachassist.kb.models import Rule, Text


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load()


def team(kb: KnowledgeBase, seed: int, low: set[str], size: int = 7, lead: bool = True) -> Intake:
    """A generated team: scales in ``low`` answered low, the rest high (reverse items mirrored)."""
    rng = random.Random(seed)
    scan = kb.questionnaires["teamscan"]
    responses = []
    for i in range(size):
        answers: dict = {}
        for q in scan.questions:
            if q.type == "likert":
                value = rng.choice([1, 2, 2]) if q.scale in low else rng.choice([4, 4, 5])
                answers[q.id] = 6 - value if q.reverse else value
            elif q.type == "text":
                answers[q.id] = f"answer {seed}-{i}"
        role = "lead" if lead and i == 0 else "member"
        responses.append(Respondent(id=f"r{i}", role=role, answers=answers))
    return Intake(scan="teamscan", context={"team_type": "one_team"}, responses=responses)


def summary(d) -> tuple:
    return (
        [(f.id, f.severity) for f in d.findings],
        [s.id for s in d.signals],
        [(s.format, tuple(s.answers)) for s in d.suggestions],
    )


def test_back_to_back_evaluations_are_isolated_and_deterministic(kb):
    troubled, healthy = team(kb, 1, {"trust", "conflict"}), team(kb, 2, set())
    alone_troubled = summary(diagnose(kb, troubled))
    alone_healthy = summary(diagnose(kb, healthy))
    assert alone_troubled[0], "a team scoring low on trust must get findings"
    assert alone_healthy[0] == []
    for _ in range(3):
        assert summary(diagnose(kb, troubled)) == alone_troubled
        assert summary(diagnose(kb, healthy)) == alone_healthy


def test_engine_agrees_with_plain_python_on_bundled_rules(kb):
    for seed in range(20):
        intake = team(
            kb,
            seed,
            set(
                random.Random(seed).sample(
                    ["trust", "conflict", "commitment", "accountability", "results", "cooperation"],
                    2,
                )
            ),
        )
        assert summary(diagnose(kb, intake)) == summary(diagnose(kb, intake, use_engine=False))


def test_every_finding_carries_evidence_with_values(kb):
    d = diagnose(kb, team(kb, 3, {"trust"}))
    for finding in [*d.findings, *d.signals]:
        assert finding.evidence
        for evidence in finding.evidence:
            assert evidence.rule in kb.rules
            assert any(c.holds for c in evidence.conditions)
    for suggestion in d.suggestions:
        assert suggestion.answers and all(
            a in {f.id for f in d.findings} for a in suggestion.answers
        )


def test_anonymity_small_team_withholds_scores_and_open_answers(kb):
    d = diagnose(kb, team(kb, 4, {"trust"}, size=2))
    assert all(s.mean is None and s.by_role == [] for s in d.scores)
    assert d.open_answers == {}
    assert d.notes
    for finding in d.findings:
        for evidence in finding.evidence:
            for cond in evidence.conditions:
                if cond.text.startswith(("score.", "item.", "gap.")):
                    assert cond.withheld and cond.actual is None


def test_anonymity_lead_of_one_has_no_mean_and_gap_value_withheld(kb):
    d = diagnose(kb, team(kb, 5, set(), size=6))
    # no role means at all: the team mean and the members' mean would give the lead's away
    assert all(s.by_role == [] for s in d.scores)
    assert all(g.value is None for g in d.gaps)
    assert any("lead" in note.en for note in d.notes)


def test_malformed_rule_reaching_the_engine_names_the_rule(monkeypatch):
    good = Rule(
        id="ok.rule",
        because=Text(nl="x", en="x"),
        when=["score.trust.mean < 3"],
        then={"signal": "a"},
    )
    bad = Rule(
        id="bad.rule",
        because=Text(nl="x", en="x"),
        when=["score.trust.mean < 2"],
        then={"signal": "b"},
    )
    real = compiler.tests

    def broken(cond):
        if cond.text == "score.trust.mean < 2":
            return [{"$nonsense": {"mean": 2}}]
        return real(cond)

    monkeypatch.setattr(compiler, "tests", broken)
    with pytest.raises(EngineError, match=r"bad\.rule"):
        Engine({"ok.rule": good, "bad.rule": bad})


# --- property: durable-rules and the plain-Python reference agree on random rules and facts ----

SCALES = ["s1", "s2", "s3"]
OPS = ["<", "<=", ">", ">=", "==", "!="]
numbers = st.sampled_from([1.0, 1.5, 2.25, 2.5, 3.0, 3.3333, 4.0, 4.75, 5.0])


@st.composite
def condition(draw, signals: list[str]) -> str:
    kind = draw(
        st.sampled_from(["score", "score", "gap", "context", "context_in", "signal", "flag"])
    )
    if kind == "score":
        return f"score.{draw(st.sampled_from(SCALES))}.mean {draw(st.sampled_from(OPS))} {draw(numbers)}"
    if kind == "gap":
        return f"gap.{draw(st.sampled_from(SCALES))} {draw(st.sampled_from(['<', '>=']))} {draw(st.sampled_from([-1.0, 0.5, 1.0]))}"
    if kind == "context":
        return f'context.team_type == "{draw(st.sampled_from(["a", "b"]))}"'
    if kind == "context_in":
        return 'context.observed has "x"'
    if kind == "flag":
        return f"score.{draw(st.sampled_from(SCALES))}.polarised"
    return f"signal.{draw(st.sampled_from(signals))}"


@st.composite
def ruleset(draw) -> dict[str, Rule]:
    signals = ["p", "q", "r"]
    rules = {}
    for i in range(draw(st.integers(1, 8))):
        when = draw(st.lists(condition(signals), min_size=1, max_size=3))
        when_any = draw(
            st.one_of(st.just([]), st.lists(condition(signals), min_size=2, max_size=3))
        )
        rules[f"r{i}"] = Rule(
            id=f"r{i}",
            because=Text(nl="x", en="x"),
            when=when,
            when_any=when_any,
            then={"signal": draw(st.sampled_from(signals))},
        )
    return rules


@st.composite
def facts(draw) -> FactTable:
    table = FactTable()
    for scale in SCALES:
        if draw(st.booleans()):
            table.add(
                f"score.{scale}",
                mean=draw(numbers),
                sd=0.5,
                rwg=0.8,
                n=5,
                polarised=draw(st.booleans()),
            )
        if draw(st.booleans()):
            table.add(f"gap.{scale}", value=draw(st.sampled_from([-1.5, 0.0, 1.0, 1.25])))
    table.add("context.team_type", value=draw(st.sampled_from(["a", "b"])))
    for value in draw(st.lists(st.sampled_from(["x", "y"]), unique=True)):
        table.add("context.observed", value=value)
    return table


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules=ruleset(), table=facts())
def test_engine_matches_reference_semantics(rules, table):
    expected = set(reference(rules, _copy(table)))
    assert set(Engine(rules).run(_copy(table))) == expected


def _copy(table: FactTable) -> FactTable:
    return FactTable({k: [dict(f) for f in v] for k, v in table.facts.items()})

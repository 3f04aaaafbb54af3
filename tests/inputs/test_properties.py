"""Properties over arbitrary input: cleaned text, number answers and capped reads."""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from coachassist.kb.answers import NUMBER_LIMIT, answer_problem
from coachassist.kb.loader import load
from coachassist.kb.models import Question, Text
from coachassist.safefile import FileRefused, read_bytes
from coachassist.terminal import clean

from .test_terminal import RAW

CONTEXT = load().questionnaires["coach_intake"]
UNBOUNDED = Question(id="n", type="number", integer=False, text=Text(nl="n", en="n"))
BOUNDED = next(q for q in CONTEXT.questions if q.id == "team_size")  # whole number, 2..500


@given(st.text())
def test_cleaned_text_has_no_raw_control_and_keeps_json_valid(text: str) -> None:
    cleaned = clean(text)
    assert not set(cleaned) & set(RAW)
    assert clean(cleaned) == cleaned
    assert json.loads(clean(json.dumps(text, ensure_ascii=False))) == text


@given(st.one_of(st.floats(), st.integers(min_value=-(10**30), max_value=10**30)))
def test_a_number_answer_is_accepted_only_when_finite_and_bounded(value: float) -> None:
    usable = math.isfinite(value) and abs(value) < NUMBER_LIMIT  # "below", docs/engine.md
    assert (answer_problem(CONTEXT, UNBOUNDED, value) is None) == usable
    fits = usable and float(value).is_integer() and 2 <= value <= 500
    assert (answer_problem(CONTEXT, BOUNDED, value) is None) == fits


@given(st.booleans() | st.lists(st.booleans(), min_size=1))
def test_booleans_are_no_answer_to_any_question(value: object) -> None:
    for question in CONTEXT.questions:
        assert answer_problem(CONTEXT, question, value)


@settings(max_examples=30)
@given(st.binary(max_size=64), st.integers(min_value=0, max_value=64))
def test_a_read_gives_the_whole_file_or_refuses_it(content: bytes, cap: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.toml"
        path.write_bytes(content)
        try:
            assert read_bytes(path, cap) == content and len(content) <= cap
        except FileRefused as refused:
            assert len(content) > cap and f"({cap:,} bytes)" in str(refused)

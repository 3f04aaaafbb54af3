"""The session on the day: clock times from a start time, and a countdown per step that the
coach can pause, extend and skip (driven by a fake clock)."""

from __future__ import annotations

from itertools import pairwise

import pytest

from coachassist.engine import diagnose
from coachassist.intake.files import load_case
from coachassist.kb.loader import load
from coachassist.plan import build_plan
from coachassist.plan.run import Countdown, parse_start, session_steps, step_minutes, timetable
from tests.plan.test_edits import EXAMPLE

KB = load()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def session():
    intake = load_case(KB, [EXAMPLE])
    return build_plan(KB, diagnose(KB, intake), intake.context).sessions[0]


def test_clock_times_follow_the_formats_from_the_start(session):
    slots = timetable(session, "09:30")
    assert slots[0].start == "09:30"
    for before, after in pairwise(slots):
        assert before.end == after.start
    total = sum(i.minutes for i in session.items)
    assert slots[-1].end == f"{(570 + total) // 60:02d}:{(570 + total) % 60:02d}"
    with pytest.raises(ValueError, match="HH:MM"):
        parse_start("25:00")


def test_step_minutes_come_from_the_text_and_share_the_rest():
    assert step_minutes(["Alone (5 min): x", "Pairs (10 min)", "Wrap up", "Close"], 25) == [
        5,
        10,
        5,
        5,
    ]
    assert step_minutes(["a", "b"], 1) == [1, 1]  # never a step of zero minutes


def test_a_steps_countdown_advances_with_the_clock(session):
    clock = FakeClock()
    steps = session_steps(KB, session)
    countdown = Countdown(steps, clock)
    countdown.start()
    first = steps[0].seconds
    clock.now += first - 10
    assert countdown.index == 0 and countdown.remaining() == pytest.approx(10)
    clock.now += 15
    assert countdown.remaining() == pytest.approx(steps[1].seconds - 5)
    assert countdown.index == 1


def test_pause_extend_and_skip(session):
    clock = FakeClock()
    steps = session_steps(KB, session)
    countdown = Countdown(steps, clock)
    countdown.start()
    clock.now += 30
    countdown.pause()
    left = countdown.remaining()
    clock.now += 600  # paused: time does not run
    assert countdown.remaining() == left and countdown.index == 0
    countdown.extend(120)
    assert countdown.remaining() == left + 120
    countdown.start()
    clock.now += 60
    assert countdown.remaining() == pytest.approx(left + 60)
    countdown.extend(60)
    assert countdown.remaining() == pytest.approx(left + 120)
    countdown.skip()
    assert countdown.index == 1 and countdown.remaining() == steps[1].seconds
    for _ in steps:
        countdown.skip()
    assert countdown.finished and countdown.current is None


def test_the_last_step_runs_into_overtime(session):
    clock = FakeClock()
    steps = session_steps(KB, session)
    countdown = Countdown(steps, clock)
    countdown.start()
    clock.now += sum(s.seconds for s in steps) + 90
    assert countdown.index == len(steps) - 1
    assert countdown.remaining() == pytest.approx(-90)

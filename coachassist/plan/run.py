"""Running a session on the day: clock times per format and a countdown per step.

The clock is injected (``clock() -> seconds``, monotonic), so tests drive the countdown with a
fake clock and the app passes ``time.monotonic``. A step's minutes come from its text ("(10
min)", as the format files write them); the steps without a time share what is left of the
format's minutes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Text
from coachassist.plan.models import PlanItem, Session

_MINUTES = re.compile(r"\((?:[^()]*?\s)?(\d{1,3})\s*(?:min|minutes|minuten)\b", re.IGNORECASE)
Clock = Callable[[], float]


def parse_start(text: str) -> int:
    """'09:30' -> minutes after midnight; a clear error for anything else."""
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", text.strip())
    if not match:
        raise ValueError(f"start time {text!r}: give it as HH:MM, e.g. 09:30")
    return int(match.group(1)) * 60 + int(match.group(2))


def clock_time(minutes: int) -> str:
    minutes %= 24 * 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class Slot:
    """A format in the session with its clock times."""

    item: PlanItem
    start: str
    end: str


def timetable(session: Session, start: str) -> list[Slot]:
    at = parse_start(start)
    slots = []
    for item in session.items:
        slots.append(Slot(item, clock_time(at), clock_time(at + item.minutes)))
        at += item.minutes
    return slots


@dataclass(frozen=True)
class Step:
    item: PlanItem
    number: int  # 1, 2, ... within its format
    text: Text
    seconds: int


def step_minutes(texts: list[str], total: int) -> list[int]:
    """Minutes per step: the ones named in the text, the rest shares what is left (>= 1)."""
    named = [_named(text) for text in texts]
    left = total - sum(m for m in named if m is not None)
    open_steps = sum(m is None for m in named)
    share = max(left // open_steps, 1) if open_steps else 0
    return [m if m is not None else share for m in named]


def _named(text: str) -> int | None:
    match = _MINUTES.search(text)
    return int(match.group(1)) if match else None


def session_steps(kb: KnowledgeBase, session: Session) -> list[Step]:
    steps: list[Step] = []
    for item in session.items:
        fmt = kb.formats.get(item.format)
        if fmt is None:
            continue
        minutes = step_minutes([s.en for s in fmt.steps], item.minutes)
        for number, (text, m) in enumerate(zip(fmt.steps, minutes, strict=True), start=1):
            steps.append(Step(item, number, text, m * 60))
    return steps


class Countdown:
    """The countdown of a session's steps: start, pause, resume, extend, skip."""

    def __init__(self, steps: list[Step], clock: Clock) -> None:
        self.steps, self.clock = steps, clock
        self._index = 0
        self.running = False
        self.started = False  # started at least once (paused vs. not yet started)
        self._deadline = 0.0  # while running: when the current step ends
        self._left = float(steps[0].seconds) if steps else 0.0  # while paused

    @property
    def index(self) -> int:
        """The current step (time that ran out moves it on)."""
        self.advance()
        return self._index

    @property
    def current(self) -> Step | None:
        self.advance()
        return self.steps[self._index] if self._index < len(self.steps) else None

    @property
    def finished(self) -> bool:
        return self._index >= len(self.steps)

    def start(self) -> None:
        if not self.running and not self.finished:
            self._deadline = self.clock() + self._left
            self.running = self.started = True

    def pause(self) -> None:
        if self.running:
            self._left = self.remaining()
            self.running = False

    def toggle(self) -> None:
        self.pause() if self.running else self.start()

    def remaining(self) -> float:
        """Seconds left in the current step (negative: over time on the last step)."""
        self.advance()
        return self._deadline - self.clock() if self.running else self._left

    def extend(self, seconds: int) -> None:
        if self.running:
            self._deadline += seconds
        else:
            self._left += seconds

    def skip(self) -> None:
        """To the next step now; its full time starts."""
        if self.finished:
            return
        self._index += 1
        if self.finished:
            self.running = False
            self._left = 0.0
            return
        self._left = float(self.steps[self._index].seconds)
        self._deadline = self.clock() + self._left

    def advance(self) -> None:
        """When steps' time ran out, move on; the last step stays and counts into overtime."""
        while self.running and self._index < len(self.steps) - 1:
            if self._deadline - self.clock() > 0:
                return
            self._index += 1
            self._deadline += self.steps[self._index].seconds

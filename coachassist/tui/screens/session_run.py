"""Session mode: the session on the day. Its formats with clock times from the start time, the
current format's steps, and a countdown per step that the coach pauses, extends and skips.

The clock is injectable (``clock() -> seconds``): the app uses ``time.monotonic``, the tests a
fake clock. The countdown itself is plain Python (coachassist/plan/run.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Static

from coachassist.kb.loader import KnowledgeBase
from coachassist.plan import Session
from coachassist.plan.run import Countdown, session_steps, timetable
from coachassist.tui.render import clean
from coachassist.tui.screens.base import BaseScreen
from coachassist.tui.widgets.titlebar import TitleBar


def clock_text(seconds: float) -> str:
    whole = int(abs(seconds) + (0.999 if seconds > 0 else 0))  # 0.2 s left still shows 0:01
    return f"{whole // 60}:{whole % 60:02d}"


class SessionRunScreen(BaseScreen[None]):
    DEFAULT_CSS = """
    SessionRunScreen {
        #run-body { height: 1fr; }
        #run-times { width: 38; padding: 1 1; border-right: solid $primary; }
        #run-main { padding: 1 2; }
        #run-clock { text-style: bold; color: $accent; height: auto; margin-bottom: 1; }
        #run-now { height: auto; margin-bottom: 1; }
        #run-steps { height: auto; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "tui.key.back"),
        Binding("space", "pause_resume", "tui.run.key.toggle"),
        Binding("plus,equals_sign", "extend", "tui.run.key.extend"),
        Binding("right,n", "skip", "tui.run.key.skip"),
    ]
    AUTO_FOCUS = "#run-main"

    def __init__(
        self,
        kb: KnowledgeBase,
        session: Session,
        start: str,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__()
        self.kb, self.plan_session, self.start = kb, session, start
        self.countdown = Countdown(session_steps(kb, session), clock or time.monotonic)

    def compose(self) -> ComposeResult:
        n = self.plan_session.number
        yield TitleBar(self.tr("tui.run.heading", n=n, start=self.start), markup=False)
        with Horizontal(id="run-body"):
            yield Static(id="run-times")
            with VerticalScroll(id="run-main"):
                yield Static(id="run-clock")
                yield Static(id="run-now")
                yield Static(id="run-steps")
        yield Static(self.tr("tui.run.hint"), classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.tick()
        self.set_interval(0.5, self.tick)

    def after_relang(self) -> None:
        self.tick()

    def tick(self) -> None:
        """Show the state of the countdown (called twice a second, and after every key)."""
        lang, countdown = self.lang, self.countdown
        current = countdown.current
        times = Text()
        for slot in timetable(self.plan_session, self.start):
            style = "bold reverse" if current and slot.item is current.item else ""
            times.append(f"{slot.start}-{slot.end} {slot.item.name(lang)}\n", style)
        self.query_one("#run-times", Static).update(clean(times))
        if current is None:
            self.query_one("#run-clock", Static).update(self.tr("tui.run.done"))
            self.query_one("#run-now", Static).update("")
            self.query_one("#run-steps", Static).update("")
            return
        left = countdown.remaining()
        shown = clock_text(left)
        if left < 0:
            shown = self.tr("tui.run.over", time=shown)
        if not countdown.running:
            state = self.tr("tui.run.paused") if countdown.started else self.tr("tui.run.ready")
            shown += f"  ({state})"
        self.query_one("#run-clock", Static).update(Text(shown))
        steps = [s for s in countdown.steps if s.item is current.item]
        now = self.tr(
            "tui.run.now", name=current.item.name(lang), step=current.number, steps=len(steps)
        )
        self.query_one("#run-now", Static).update(clean(Text(now, "bold")))
        text = Text()
        for step in steps:
            style = "bold" if step is current else "dim"
            marker = "▶ " if step is current else "  "
            text.append(
                f"{marker}{step.number}. ({step.seconds // 60} min) {step.text(lang)}\n", style
            )
        self.query_one("#run-steps", Static).update(clean(text))

    def action_pause_resume(self) -> None:
        self.countdown.toggle()
        self.tick()

    def action_extend(self) -> None:
        self.countdown.extend(60)
        self.tick()

    def action_skip(self) -> None:
        self.countdown.skip()
        self.tick()

"""The team context form: the coach_intake questionnaire, built from its TOML, one question at a
time like the scan (same keys, same autosave), saved under ``[context]`` in the intake file."""

from __future__ import annotations

from coachassist.intake.progress import CONTEXT_DONE
from coachassist.intake.walk import Walk
from coachassist.tui.screens.question import QuestionScreen


class ContextScreen(QuestionScreen):
    def __init__(self, session, start) -> None:  # type: ignore[no-untyped-def]
        super().__init__(session, None, start)

    def make_walk(self) -> Walk:
        walk = self.session.context_walk()
        assert walk is not None
        return walk

    def heading(self) -> str:
        return f"{self.walk.questionnaire.title(self.lang)} · {self.session.intake.title}"

    def on_saved(self) -> None:
        pass

    def finish(self) -> None:
        self.session.mark_done(CONTEXT_DONE)
        self.app.pop_screen()
        self.coach.continue_session(self.session)

"""The team context form: the context questionnaire, built from its TOML, one question at a
time like the scan (same keys, same autosave), saved under ``[context]`` in the intake file."""

from __future__ import annotations

from coachassist.intake.progress import IntakeProgress
from coachassist.intake.walk import Walk
from coachassist.kb.models import Question
from coachassist.tui.screens.question import QuestionScreen


class ContextScreen(QuestionScreen):
    def __init__(self, session: IntakeProgress, start: Question | None) -> None:
        super().__init__(session, None, start)

    def make_walk(self) -> Walk:
        walk = self.session.context_walk()
        assert walk is not None, "the flow shows this screen only for a context questionnaire"
        return walk

    def heading(self) -> str:
        return f"{self.walk.questionnaire.title(self.lang)} · {self.session.intake.title}"

    def on_saved(self) -> None:
        pass

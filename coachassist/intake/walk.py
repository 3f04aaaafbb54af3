"""Walking through a questionnaire one question at a time, honouring ``show_if``.

Pure Python (no Textual), so the order, progress and resume rules are easy to test.
"""

from __future__ import annotations

from dataclasses import dataclass

from coachassist.intake.models import Answer, Answers
from coachassist.kb.answers import is_shown, qid_missing
from coachassist.kb.models import Question, Questionnaire


@dataclass
class Walk:
    """One person's pass through a questionnaire; ``answers`` is edited in place."""

    questionnaire: Questionnaire
    answers: Answers
    role: str | None = None

    def visible(self) -> list[Question]:
        return [q for q in self.questionnaire.questions if is_shown(q, self.answers, self.role)]

    def question(self, qid: str) -> Question:
        return next(q for q in self.questionnaire.questions if q.id == qid)

    def position(self, qid: str) -> tuple[int, int]:
        """``(n, m)``: this is visible question n of m (1-based)."""
        ids = [q.id for q in self.visible()]
        return (ids.index(qid) + 1 if qid in ids else len(ids)), len(ids)

    def first(self) -> Question | None:
        visible = self.visible()
        return visible[0] if visible else None

    def after(self, qid: str) -> Question | None:
        """The next visible question after ``qid`` in questionnaire order."""
        order = [q.id for q in self.questionnaire.questions]
        start = order.index(qid)
        shown = {q.id for q in self.visible()}
        return next((q for q in self.questionnaire.questions[start + 1 :] if q.id in shown), None)

    def before(self, qid: str) -> Question | None:
        order = [q.id for q in self.questionnaire.questions]
        start = order.index(qid)
        shown = {q.id for q in self.visible()}
        earlier = [q for q in self.questionnaire.questions[:start] if q.id in shown]
        return earlier[-1] if earlier else None

    def answered(self, question: Question) -> bool:
        return not qid_missing(question, self.answers)

    def resume(self) -> Question | None:
        """The first unanswered question after the last answered one; None when complete."""
        visible = self.visible()
        last = max((i for i, q in enumerate(visible) if self.answered(q)), default=-1)
        rest = visible[last + 1 :]
        return rest[0] if rest else None

    def set(self, qid: str, value: Answer | None) -> None:
        """Record (or with None, clear) an answer, then drop answers to hidden questions."""
        if value is None or value == "" or value == []:
            self.answers.pop(qid, None)
        else:
            self.answers[qid] = value
        while True:
            shown = {q.id for q in self.visible()}
            hidden = [k for k in self.answers if k not in shown]
            if not hidden:
                return
            for other in hidden:
                del self.answers[other]

"""The scan and context questions by id are memoised per set of questionnaires: replacing a
questionnaire in place (even twice between two reads, when a freed questionnaire's memory,
and so its id(), is reused) must give the questions of the questionnaire held now."""

from __future__ import annotations

from coachassist.kb.loader import load


def test_questions_follow_questionnaires_replaced_in_place():
    kb = load()
    intake = kb.questionnaires["coach_intake"]
    count = len(intake.questions)
    stale = 0
    for trial in range(60):
        kb.context_questions()
        for step in (1, 2):  # the first replacement is freed by the second
            kept = intake.questions[: (trial + step) % count]
            kb.questionnaires["coach_intake"] = intake.model_copy(update={"questions": kept})
        held = {q.id for q in kb.questionnaires["coach_intake"].questions}
        stale += set(kb.context_questions()) != held
    assert stale == 0

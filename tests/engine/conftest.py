"""Small hand-built questionnaires and intakes for engine tests."""

from __future__ import annotations

import pytest

from coachassist.intake.models import Intake, Respondent
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Anchors, Question, Questionnaire, Scale, Text


def text(s: str) -> Text:
    return Text(nl=s, en=s)


@pytest.fixture
def two_item_scan() -> Questionnaire:
    """One scale, item ``a`` and reverse-scored item ``b``, 1..5 with don't know."""
    return Questionnaire(
        id="mini",
        version="1",
        title=text("t"),
        intro=text("i"),
        audience=["member"],
        licence="CC0",
        provenance={"authors": "tests"},
        anchors={
            "agree5": Anchors(min=1, max=5, dont_know=True, labels=[text(str(i)) for i in range(5)])
        },
        scales=[Scale(id="s", name=text("S"), min_answers=1)],
        questions=[
            Question(id="a", type="likert", scale="s", anchors="agree5", text=text("a")),
            Question(
                id="b", type="likert", scale="s", anchors="agree5", reverse=True, text=text("b")
            ),
            Question(id="open", type="text", text=text("open")),
        ],
    )


def intake_of(*rows: tuple[str, dict]) -> Intake:
    return Intake(
        scan="mini",
        responses=[
            Respondent(id=f"r{i}", role=role, answers=ans) for i, (role, ans) in enumerate(rows)
        ],
    )


def scored_answers(kb: KnowledgeBase, scored: dict[str, int], default: int = 4) -> dict:
    """Raw team-scan answers from scored values per scale or question (reverse items
    mirrored); everything else ``default``."""
    answers: dict[str, object] = {}
    for q in kb.questionnaires["teamscan"].questions:
        if q.type == "likert":
            value = scored.get(q.id, scored.get(q.scale or "", default))
            answers[q.id] = 6 - value if q.reverse else value
    return answers


def scored_team(kb: KnowledgeBase, people: list[dict], **fields) -> Intake:
    """A team-scan intake of members answering as ``scored_answers`` makes them."""
    responses = [
        Respondent(id=f"m{i}", answers=scored_answers(kb, p)) for i, p in enumerate(people)
    ]
    return Intake(scan="teamscan", responses=responses, **fields)

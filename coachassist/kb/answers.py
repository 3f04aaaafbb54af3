"""Answers as the questionnaires define them: their types, and whether an answer fits a question.

Used by intake files, the app, the rule-case checks and the collection pages alike, so it lives
with the questionnaires it checks against and imports nothing from ``coachassist.intake``.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import StrictFloat, StrictInt, StrictStr

from coachassist.i18n import Message
from coachassist.kb.conditions import NUMBER_LIMIT, holds
from coachassist.kb.models import Question, Questionnaire

DONT_KNOW = "dont_know"
# The largest size of a number answer when the question sets no bounds: far beyond any team
# size, minutes or count an intake asks for, and far inside the range where floats stay exact.

# A likert point, a number, a choice, several choices, free text, or DONT_KNOW. Strict types:
# TOML's `true` is not an answer (lax pydantic would turn it into 1, scored as "disagree").
Answer = StrictInt | StrictFloat | StrictStr | list[StrictStr]
Answers = dict[str, Answer]


def answers_problem(
    qn: Questionnaire, answers: Answers, role: str | None, *, require: bool = True
) -> Message | None:
    """The first problem with a set of answers, naming the question (``str()`` is the English,
    ``render(lang)`` the reader's language); None if fine."""
    questions, likert = _lookup(qn)
    for qid, value in answers.items():
        bounds = likert.get(qid)
        if bounds is not None and type(value) is int and bounds[0] <= value <= bounds[1]:
            continue  # most answers: a likert point in range
        question = questions.get(qid)
        if question is None:
            return Message("answer.not_in_questionnaire", id=repr(qid), questionnaire=repr(qn.id))
        problem = answer_problem(qn, question, value)
        if problem:
            return Message("answer.question", id=repr(qid), problem=problem)
    if require:
        for question in qn.questions:
            if (
                question.required
                and qid_missing(question, answers)
                and is_shown(question, answers, role)
            ):
                return Message("answer.required", id=repr(question.id))
    return None


_LOOKUPS: dict[int, tuple[Questionnaire, dict[str, Question], dict[str, tuple[int, int]]]] = {}


def _lookup(qn: Questionnaire) -> tuple[dict[str, Question], dict[str, tuple[int, int]]]:
    """The questions by id, and each likert question's range, once per questionnaire."""
    cached = _LOOKUPS.get(id(qn))
    if cached is None or cached[0] is not qn:
        likert = {}
        for q in qn.questions:
            if q.type == "likert" and (q.anchors or "") in qn.anchors:
                anchors = qn.anchors[q.anchors or ""]
                likert[q.id] = (anchors.min, anchors.max)
        if len(_LOOKUPS) > 64:  # questionnaires built on the fly (tests): keep it small
            _LOOKUPS.clear()
        cached = _LOOKUPS[id(qn)] = (qn, {q.id: q for q in qn.questions}, likert)
    return cached[1], cached[2]


def qid_missing(question: Question, answers: Answers) -> bool:
    return question.id not in answers or answers[question.id] in ("", [])


def answer_problem(qn: Questionnaire, question: Question, value: Any) -> Message | None:
    if isinstance(value, bool) or (
        isinstance(value, list) and any(isinstance(v, bool) for v in value)
    ):
        return Message("answer.bool", value=str(value).lower())
    match question.type:
        case "likert":
            anchors = qn.anchors[question.anchors or ""]
            if value == DONT_KNOW:
                return None if anchors.dont_know else Message("answer.no_dont_know")
            if not isinstance(value, int):
                return Message(
                    "answer.not_likert", value=repr(value), min=anchors.min, max=anchors.max
                )
            if not anchors.min <= value <= anchors.max:
                return Message("answer.out_of_range", value=value, min=anchors.min, max=anchors.max)
        case "single":
            options = [o.value for o in question.options]
            if value not in options:
                return Message("answer.not_an_option", value=repr(value), options=options)
        case "multiple":
            options = [o.value for o in question.options]
            if not isinstance(value, list) or any(v not in options for v in value):
                return Message("answer.not_options", value=repr(value), options=options)
        case "number":
            if not isinstance(value, int | float):
                return Message("answer.not_a_number", value=repr(value))
            if not math.isfinite(value) or abs(value) >= NUMBER_LIMIT:
                return Message("answer.unusable_number", value=value, limit=f"{NUMBER_LIMIT:,}")
            if question.integer and not float(value).is_integer():
                return Message("answer.not_whole", value=value)
            if question.min is not None and value < question.min:
                return Message("answer.below_min", value=value, min=f"{question.min:g}")
            if question.max is not None and value > question.max:
                return Message("answer.above_max", value=value, max=f"{question.max:g}")
        case "text":
            if not isinstance(value, str):
                return Message("answer.not_text")
    return None


def is_shown(question: Question, answers: Answers, role: str | None) -> bool:
    """Whether a question's ``show_if`` conditions hold for these answers and role."""
    for cond in question.conditions:
        actual = role if cond.kind == "role" else answers.get(cond.name)
        if not holds(cond, actual):
            return False
    return True

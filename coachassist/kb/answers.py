"""Answers as the questionnaires define them: their types, and whether an answer fits a question.

Used by intake files, the app, the rule-case checks and the collection pages alike, so it lives
with the questionnaires it checks against and imports nothing from ``coachassist.intake``.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import StrictFloat, StrictInt, StrictStr

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
) -> str | None:
    """The first problem with a set of answers, as text naming the question; None if fine."""
    questions, likert = _lookup(qn)
    for qid, value in answers.items():
        bounds = likert.get(qid)
        if bounds is not None and type(value) is int and bounds[0] <= value <= bounds[1]:
            continue  # most answers: a likert point in range
        question = questions.get(qid)
        if question is None:
            return f"question {qid!r}: not in questionnaire {qn.id!r}"
        problem = answer_problem(qn, question, value)
        if problem:
            return f"question {qid!r}: {problem}"
    if require:
        for question in qn.questions:
            if (
                question.required
                and qid_missing(question, answers)
                and is_shown(question, answers, role)
            ):
                return f"question {question.id!r}: required, but not answered"
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


def answer_problem(qn: Questionnaire, question: Question, value: Any) -> str | None:
    if isinstance(value, bool) or (
        isinstance(value, list) and any(isinstance(v, bool) for v in value)
    ):
        return f"{str(value).lower()} is not an answer; true/false is never an answer here"
    match question.type:
        case "likert":
            anchors = qn.anchors[question.anchors or ""]
            if value == DONT_KNOW:
                return None if anchors.dont_know else "'dont_know' is not allowed here"
            if not isinstance(value, int):
                return f"{value!r} is not a whole number from {anchors.min} to {anchors.max}"
            if not anchors.min <= value <= anchors.max:
                return f"{value} is out of range {anchors.min}..{anchors.max}"
        case "single":
            options = [o.value for o in question.options]
            if value not in options:
                return f"{value!r} is not one of {options}"
        case "multiple":
            options = [o.value for o in question.options]
            if not isinstance(value, list) or any(v not in options for v in value):
                return f"{value!r} must be a list of values from {options}"
        case "number":
            if not isinstance(value, int | float):
                return f"{value!r} is not a number"
            if not math.isfinite(value) or abs(value) >= NUMBER_LIMIT:
                return f"{value} is not a usable number; give a number below {NUMBER_LIMIT:,}"
            if question.integer and not float(value).is_integer():
                return f"{value} is not a whole number"
            if question.min is not None and value < question.min:
                return f"{value} is below the minimum {question.min:g}"
            if question.max is not None and value > question.max:
                return f"{value} is above the maximum {question.max:g}"
        case "text":
            if not isinstance(value, str):
                return "a free-text answer must be text"
    return None


def is_shown(question: Question, answers: Answers, role: str | None) -> bool:
    """Whether a question's ``show_if`` conditions hold for these answers and role."""
    for cond in question.conditions:
        actual = role if cond.kind == "role" else answers.get(cond.name)
        if not holds(cond, actual):
            return False
    return True

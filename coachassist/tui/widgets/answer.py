"""The answer widget for each question type, and reading the answer back from it.

likert and single: a ChoiceList (digits pick at once); multiple: a MultiChoice; number: an
Input; text: an AnswerText. Every label is plain text (``numbered``), never markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from textual.widget import Widget
from textual.widgets import Input, SelectionList, TextArea
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from coachassist.i18n import Lang
from coachassist.intake.models import DONT_KNOW, Answer
from coachassist.kb.models import Question, Questionnaire
from coachassist.tui.widgets.choices import ChoiceList, numbered

SKIP = "__skip__"  # the option id of "Skip" on a question that is not required
Tr = Callable[..., str]


def answer_widget(
    question: Question, questionnaire: Questionnaire, value: Any, lang: Lang, tr: Tr
) -> Widget:
    """The widget for ``question``, showing ``value`` (None: not answered yet)."""
    if question.type in ("likert", "single"):
        options = choices(question, questionnaire, lang, tr)
        if not question.required:
            options.append((SKIP, tr("tui.question.skip_option")))
        keys = [key for key, _ in options]
        selected = keys.index(str(value)) if value is not None and str(value) in keys else None
        return ChoiceList(
            [
                Option(numbered(i, label, "dim" if key == SKIP else ""), id=key)
                for i, (key, label) in enumerate(options)
            ],
            selected=selected,
            id="answer",
        )
    if question.type == "multiple":
        from coachassist.tui.widgets.multi import MultiChoice

        chosen = value if isinstance(value, list) else []
        return MultiChoice(
            [
                Selection(numbered(i, option.label(lang)), option.value, option.value in chosen)
                for i, option in enumerate(question.options)
            ],
            id="answer",
        )
    if question.type == "number":
        text = "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
        kind: Literal["integer", "number"] = "integer" if question.integer else "number"
        return Input(text, type=kind, placeholder=range_text(question, tr), id="answer")
    from coachassist.tui.widgets.textbox import AnswerText

    area = AnswerText(str(value or ""), soft_wrap=True, id="answer")
    area.show_line_numbers = False
    return area


def choices(
    question: Question, questionnaire: Questionnaire, lang: Lang, tr: Tr
) -> list[tuple[str, str]]:
    """``(value, label)`` of each option: a single choice's options, or a likert's points."""
    if question.type == "single":
        return [(o.value, o.label(lang)) for o in question.options]
    anchors = questionnaire.anchors[question.anchors or ""]
    points = range(anchors.min, anchors.max + 1)
    found = [(str(p), label(lang)) for p, label in zip(points, anchors.labels, strict=True)]
    if anchors.dont_know:
        found.append((DONT_KNOW, tr("tui.question.dont_know")))
    return found


def range_text(question: Question, tr: Tr) -> str:
    low = "" if question.min is None else f"{question.min:g}"
    high = "" if question.max is None else f"{question.max:g}"
    return tr("tui.question.range", low=low, high=high) if low and high else ""


def read_answer(
    widget: Widget, question: Question, saved: Answer | None, tr: Tr
) -> tuple[Answer | None, str | None]:
    """The answer in the widget (None: nothing given) and a problem to show, if any; a choice
    list answers when picked, so its answer is the ``saved`` one."""
    if isinstance(widget, SelectionList):
        order = [o.value for o in question.options]
        chosen: list[str] = sorted(widget.selected, key=order.index)
        return (chosen or None), None
    if isinstance(widget, Input):
        text = widget.value.strip().replace(",", ".")
        if not text:
            return None, None
        try:
            number = float(text)
        except ValueError:
            return None, tr("tui.question.not_a_number")
        return (int(number) if number.is_integer() else number), None
    if isinstance(widget, TextArea):
        return (widget.text.strip() or None), None
    return saved, None

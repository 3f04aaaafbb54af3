"""One question at a time, for one respondent; every answer is saved the moment it is given.

Keys: the digits pick an option at once, arrows + Enter too, the mouse clicks; Enter confirms a
number, a free text or a multiple choice; Esc goes back one question. A question that is not
required can be skipped (the "Skip" option or button, or Enter on an empty field).

The screen dismisses with "done" after the last question and "left" when Esc goes back past
the first. A save that fails (a read-only folder, a full disk) is shown on the screen; the
answers stay in memory and every answer, Ctrl+S and a timer try again. The last question does
not let go of the screen before everything is saved.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import (
    Button,
    Footer,
    Input,
    Label,
    OptionList,
    ProgressBar,
    Static,
)

from coachassist.errors import UserError, describe
from coachassist.intake.models import DONT_KNOW, Answer
from coachassist.intake.progress import IntakeProgress
from coachassist.intake.store import is_web_respondent
from coachassist.intake.walk import Walk
from coachassist.kb.answers import answer_problem
from coachassist.kb.models import Question
from coachassist.tui.render import plain
from coachassist.tui.screens.base import BaseScreen
from coachassist.tui.widgets.answer import SKIP, answer_widget, read_answer
from coachassist.tui.widgets.titlebar import TitleBar

RETRY_SECONDS = 5.0
_MISSING: Any = object()
Outcome = Literal["done", "left"]


class QuestionScreen(BaseScreen[Outcome]):
    DEFAULT_CSS = """
    QuestionScreen {
        #progress { height: 1; margin: 1 2 0 2; }
        #bar { width: 1fr; }
        #bar Bar { width: 1fr; }
        #counter { width: auto; margin-left: 2; }
        #body { height: 1fr; padding: 0 2; }
        #question-text { margin: 1 0; text-style: bold; height: auto; }
        #help { color: $text-muted; margin: -1 0 1 0; height: auto; }
        #answer { height: auto; margin-top: 1; }
        Input#answer { width: 40; }
        AnswerText#answer { height: 5; }
        #hint { color: $text-muted; height: auto; }
        #problem { color: $error; text-style: bold; height: auto; }
        #unsaved { color: $error; text-style: bold; padding: 0 2; height: auto; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "tui.key.back"),
        Binding("ctrl+s", "retry_save", "tui.key.save", show=False),
    ]
    AUTO_FOCUS = "#answer"

    class Shown(Message):
        """A question is on screen (the start-up benchmark and the crash test listen)."""

        def __init__(self, respondent: str | None, question: str) -> None:
            super().__init__()
            self.respondent, self.question = respondent, question

    def __init__(
        self, session: IntakeProgress, respondent: str | None, start: Question | None
    ) -> None:
        super().__init__()
        self.session = session
        self.respondent = respondent
        self.walk = self.make_walk()
        first = start or self.walk.resume() or self.walk.first()
        assert first is not None, "a questionnaire has at least one question"
        self.qid = first.id
        self.draft: Any = _MISSING  # typed but not yet confirmed, kept across a language switch
        self.save_problem: str | None = None  # the last save failed: answers only in memory
        self.retry_timer: Timer | None = None

    # --- hooks a subclass (the context form) changes -------------------------------------------

    def make_walk(self) -> Walk:
        assert self.respondent is not None
        return self.session.respondent_walk(self.respondent)

    def heading(self) -> str:
        assert self.respondent is not None
        respondent = self.session.respondent(self.respondent)
        own = [r for r in self.session.intake.responses if not is_web_respondent(r.id)]
        number = own.index(respondent) + 1  # the app's own respondents (not the phones')
        role = self.role_name(respondent.role)
        title = self.session.scan.title(self.lang)
        if self.session.mode == "self":
            return f"{title} · {self.tr('tui.question.self_scan')}"
        return f"{title} · {self.tr('tui.question.respondent', n=number, role=role)}"

    def on_saved(self) -> None:
        assert self.respondent is not None
        self.session.respondent(self.respondent).lang = self.lang

    # --- drawing ------------------------------------------------------------------------------

    @property
    def question(self) -> Question:
        return self.walk.question(self.qid)

    def compose(self) -> ComposeResult:
        yield TitleBar(id="heading", markup=False)
        with Horizontal(id="progress"):
            yield ProgressBar(show_eta=False, show_percentage=False, id="bar")
            yield Label(id="counter")
        with Vertical(id="body"):
            yield Static(id="question-text", markup=False)
            yield Static(id="help", classes="help", markup=False)
            yield Static(id="hint")
            yield Static(id="problem", markup=False)
            yield self.answer_widget(self.question)
        with Horizontal(classes="buttons"):
            yield Button(self.tr("tui.button.back"), id="back")
            yield Button(id="next", variant="primary")
        yield Static(id="unsaved", markup=False)
        yield Footer()

    def fill(self) -> None:
        """Put the current question's texts in place (cheaper than rebuilding the screen)."""
        question = self.question
        n, m = self.walk.position(question.id)
        self.query_one("#heading", TitleBar).update(self.heading())
        self.query_one("#bar", ProgressBar).update(total=m, progress=n)
        self.query_one("#counter", Label).update(self.tr("tui.question.counter", n=n, m=m))
        self.query_one("#question-text", Static).update(plain(question.text(self.lang)))
        help_text = self.query_one("#help", Static)
        help_text.update(plain(question.help(self.lang)) if question.help else "")
        help_text.display = question.help is not None
        self.query_one("#hint", Static).update(self.hint(question))
        self.show_problem("", focus=False)
        self.query_one("#next", Button).label = self.next_label(question)
        self.show_save_problem()
        self.call_after_refresh(self.fit_answer)

    def fit_answer(self) -> None:
        """Let a long list scroll inside the space left, so the texts above stay visible."""
        body = self.query_one("#body")
        answer = self.query_one("#answer")
        above = [w.region.bottom for w in body.children if w is not answer and w.display]
        room = body.region.bottom - max(above, default=body.region.y) - answer.styles.margin.top
        answer.styles.max_height = max(3, room)

    def on_resize(self) -> None:
        self.call_after_refresh(self.fit_answer)

    def on_mount(self) -> None:
        self.fill()
        self.call_after_refresh(self.post_message, self.Shown(self.respondent, self.qid))

    def current(self) -> Any:
        return self.draft if self.draft is not _MISSING else self.walk.answers.get(self.qid)

    def answer_widget(self, question: Question) -> Widget:
        return answer_widget(question, self.walk.questionnaire, self.current(), self.lang, self.tr)

    def hint(self, question: Question) -> str:
        key = {"likert": "choice", "single": "choice"}.get(question.type, question.type)
        hint = self.tr(f"tui.question.hint_{key}")
        if not question.required and question.type in ("multiple", "number", "text"):
            hint += " " + self.tr("tui.question.hint_optional")
        if question.required:
            hint += " " + self.tr("tui.question.hint_required")
        return hint

    def next_label(self, question: Question) -> str:
        answered = self.walk.answered(question)
        if question.type in ("likert", "single") and not answered and not question.required:
            return self.tr("tui.button.skip")
        return self.tr("tui.button.next")

    # --- answering ----------------------------------------------------------------------------

    def read_widget(self) -> tuple[Answer | None, str | None]:
        """The answer on screen (None: nothing given) and a problem to show, if any."""
        saved = self.walk.answers.get(self.qid)
        return read_answer(self.query_one("#answer"), self.question, saved, self.tr)

    def give(self, value: Answer | None) -> bool:
        """Check, record and save an answer (None clears it); False when it is not accepted."""
        question = self.question
        if value is None and question.required:
            self.show_problem(self.tr("tui.question.required"))
            return False
        if value is not None:
            problem = self.answer_problem(question, value)
            if problem:
                self.show_problem(problem)
                return False
        self.walk.set(question.id, value)
        self.on_saved()
        self.save()
        return True

    def answer_problem(self, question: Question, value: Answer) -> str | None:
        """Why an answer does not fit, in the app's language (the widgets allow little else
        than a number out of range)."""
        if question.type == "number" and isinstance(value, int | float):
            if question.integer and not float(value).is_integer():
                return self.tr("tui.question.not_whole")
            if question.min is not None and value < question.min:
                return self.tr(
                    "tui.question.below_min", value=f"{value:g}", min=f"{question.min:g}"
                )
            if question.max is not None and value > question.max:
                return self.tr(
                    "tui.question.above_max", value=f"{value:g}", max=f"{question.max:g}"
                )
        if answer_problem(self.walk.questionnaire, question, value):
            return self.tr("tui.question.does_not_fit")
        return None

    # --- saving -------------------------------------------------------------------------------

    def save(self) -> bool:
        """Write the intake; on failure keep the answers in memory, say so, and retry later."""
        try:
            self.session.save()
        except (UserError, OSError) as error:
            first = self.save_problem is None
            self.save_problem = describe(error, self.lang)
            if first:
                self.notify(self.tr("tui.save.failed_note"), severity="error", timeout=8)
            if self.retry_timer is None:
                self.retry_timer = self.set_interval(RETRY_SECONDS, self.action_retry_save)
            self.show_save_problem()
            return False
        if self.save_problem is not None:
            self.save_problem = None
            self.notify(self.tr("tui.save.saved_again"))
        if self.retry_timer is not None:
            self.retry_timer.stop()
            self.retry_timer = None
        self.show_save_problem()
        return True

    def action_retry_save(self) -> None:
        if self.save_problem is not None:
            self.save()

    def show_save_problem(self) -> None:
        unsaved = self.query_one("#unsaved", Static)
        problem = self.save_problem
        unsaved.update(plain(self.tr("tui.save.failed", error=problem)) if problem else "")
        unsaved.display = problem is not None

    def show_problem(self, text: str, *, focus: bool = True) -> None:
        problem = self.query_one("#problem", Static)
        problem.update(text)
        problem.display = bool(text)
        if focus:
            self.query_one("#answer").focus()
            self.call_after_refresh(self.fit_answer)

    async def go_to(self, question: Question | None) -> None:
        if question is None:
            if self.save_problem is None or self.save():
                self.dismiss("done")
            return
        self.qid = question.id
        self.draft = _MISSING
        await self.query_one("#answer").remove()
        answer = self.answer_widget(question)
        await self.query_one("#body").mount(answer)
        self.fill()
        answer.focus()

    async def advance(self) -> None:
        await self.go_to(self.walk.after(self.qid))

    @on(OptionList.OptionSelected, "#answer")
    async def chosen(self, event: OptionList.OptionSelected) -> None:
        key = event.option.id or ""
        value: Answer | None
        if key == SKIP:
            value = None
        elif self.question.type == "likert" and key != DONT_KNOW:
            value = int(key)
        else:
            value = key
        if self.give(value):
            await self.advance()

    @on(Input.Submitted, "#answer")
    async def confirmed(self) -> None:
        await self.action_next()

    async def on_answer_text_submitted(self) -> None:
        await self.action_next()

    async def on_multi_choice_confirmed(self) -> None:
        await self.action_next()

    @on(Button.Pressed, "#next")
    async def action_next(self) -> None:
        value, problem = self.read_widget()
        if problem:
            self.show_problem(problem)
            return
        if self.give(value):
            await self.advance()

    @on(Button.Pressed, "#back")
    async def action_back(self) -> None:
        value, problem = self.read_widget()
        acceptable = value is not None or not self.question.required
        if problem is None and acceptable and value != self.walk.answers.get(self.qid):
            self.give(value)
        previous = self.walk.before(self.qid)
        if previous is None:
            if self.save_problem is None or self.save():
                self.dismiss("left")
        else:
            await self.go_to(previous)

    # --- language switch ------------------------------------------------------------------------

    def before_relang(self) -> None:
        if self.question.type in ("multiple", "number", "text"):
            value, problem = self.read_widget()
            if problem is None:
                self.draft = value

    def after_relang(self) -> None:
        self.fill()
        self.query_one("#answer").focus()

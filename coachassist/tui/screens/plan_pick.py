"""Small dialogs of the plan screen: choose a format (to swap or add), and the number and length
of the sessions."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Checkbox, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.models import Format
from coachassist.plan import PlanConstraints
from coachassist.report.plan_text import format_mark
from coachassist.tui.render import clean, plain
from coachassist.tui.screens.base import BaseScreen
from coachassist.tui.widgets.titlebar import TitleBar


class PickFormatScreen(BaseScreen[str | None]):
    """A list of formats to choose from, with a name filter; a misfit is marked, not hidden."""

    DEFAULT_CSS = """
    PickFormatScreen {
        #pick-filter { margin: 1 1 0 1; }
        #pick-list { height: 1fr; margin: 1 1 0 1; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "tui.key.back")]
    AUTO_FOCUS = "#pick-list"

    def __init__(
        self, kb: KnowledgeBase, formats: list[Format], title: str, c: PlanConstraints
    ) -> None:
        super().__init__()
        self.kb, self.formats, self.title_text, self.c = kb, formats, title, c
        self.filter = ""

    def compose(self) -> ComposeResult:
        yield TitleBar(self.title_text, markup=False)
        yield Input(self.filter, placeholder=self.tr("tui.planedit.filter"), id="pick-filter")
        yield OptionList(*self.options(), id="pick-list")
        yield Footer()

    def options(self) -> list[Option]:
        lang, words = self.lang, self.filter.casefold().split()
        shown = []
        for fmt in self.formats:
            name = fmt.name(lang)
            if not all(w in name.casefold() for w in words):
                continue
            problem = format_mark(self.kb, fmt.id, self.c, lang)
            mark = "  " + self.tr("tui.planedit.misfit", reason=problem) if problem else ""
            prompt = Text.assemble(
                (f"{fmt.minutes:>3} min  ", "dim"),
                (name, "bold"),
                (f"  ({self.tr(f'tui.format.role_{fmt.role}')}){mark}", "dim"),
            )
            shown.append(Option(clean(prompt), id=fmt.id))
        return shown

    @on(Input.Changed, "#pick-filter")
    def filtered(self, event: Input.Changed) -> None:
        self.filter = event.value
        items = self.query_one("#pick-list", OptionList)
        items.clear_options()
        items.add_options(self.options())

    @on(Input.Submitted, "#pick-filter")
    def to_list(self) -> None:
        self.query_one("#pick-list", OptionList).focus()

    @on(OptionList.OptionSelected, "#pick-list")
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


Limits = tuple[int, int, bool, bool]  # sessions, minutes, with an opening, with a closing


class LimitsScreen(BaseScreen[Limits | None]):
    """The number of sessions, their length, and whether the planner opens and closes each
    session; Enter in the minutes field confirms."""

    DEFAULT_CSS = """
    LimitsScreen {
        #limits { padding: 1 2; height: auto; }
        #limits Input { width: 20; margin-bottom: 1; }
        #limits-error { color: $error; height: auto; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "tui.key.back")]
    AUTO_FOCUS = "#limits-sessions"

    def __init__(self, sessions: int, minutes: int, opening: bool, closing: bool) -> None:
        super().__init__()
        self.values = (str(sessions), str(minutes))
        self.frame = (opening, closing)

    def compose(self) -> ComposeResult:
        yield TitleBar(self.tr("tui.planedit.limits_heading"), markup=False)
        with Vertical(id="limits"):
            yield Label(self.tr("tui.planedit.sessions_label"))
            yield Input(self.values[0], id="limits-sessions", type="integer")
            yield Label(self.tr("tui.planedit.minutes_label"))
            yield Input(self.values[1], id="limits-minutes", type="integer")
            yield Checkbox(self.tr("tui.planedit.opening"), self.frame[0], id="limits-opening")
            yield Checkbox(self.tr("tui.planedit.closing"), self.frame[1], id="limits-closing")
            yield Static("", id="limits-error", markup=False)
        yield Footer()

    @on(Input.Submitted, "#limits-sessions")
    def to_minutes(self) -> None:
        self.query_one("#limits-minutes", Input).focus()

    @on(Input.Submitted, "#limits-minutes")
    def confirm(self) -> None:
        sessions = self.query_one("#limits-sessions", Input).value.strip()
        minutes = self.query_one("#limits-minutes", Input).value.strip()
        if sessions.isdigit() and minutes.isdigit():
            n, m = int(sessions), int(minutes)
            if 1 <= n <= 12 and 30 <= m <= 480:
                opening = self.query_one("#limits-opening", Checkbox).value
                closing = self.query_one("#limits-closing", Checkbox).value
                self.dismiss((n, m, opening, closing))
                return
        self.query_one("#limits-error", Static).update(plain(self.tr("tui.planedit.limits_bad")))

    def action_cancel(self) -> None:
        self.dismiss(None)


class StartTimeScreen(BaseScreen[str | None]):
    """The start time of the session (HH:MM); session mode counts its clock times from it."""

    DEFAULT_CSS = """
    StartTimeScreen {
        #start-time-box { padding: 1 2; height: auto; }
        #start-time { width: 12; }
        #start-time-error { color: $error; height: auto; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "tui.key.back")]
    AUTO_FOCUS = "#start-time"

    def __init__(self, start: str) -> None:
        super().__init__()
        self.start = start

    def compose(self) -> ComposeResult:
        yield TitleBar(self.tr("tui.run.start_label"), markup=False)
        with Vertical(id="start-time-box"):
            yield Label(self.tr("tui.run.start_label"))
            yield Input(self.start, id="start-time", max_length=5)
            yield Static("", id="start-time-error", markup=False)
        yield Footer()

    @on(Input.Submitted, "#start-time")
    def confirm(self, event: Input.Submitted) -> None:
        from coachassist.plan.run import clock_time, parse_start

        try:
            self.dismiss(clock_time(parse_start(event.value)))
        except ValueError:
            error = self.query_one("#start-time-error", Static)
            error.update(plain(self.tr("tui.run.start_bad")))

    def action_cancel(self) -> None:
        self.dismiss(None)

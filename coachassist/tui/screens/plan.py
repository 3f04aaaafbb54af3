"""The session plan in the coach's hands: see it, change it, run it.

Sessions in pyramid order, each format with the reason it is there. The coach swaps a format
for another that works on the same finding, adds one from the library, removes, moves and locks
formats, changes the number and length of the sessions and re-plans around the locks. Every
change is saved in the intake at once (``PlanEdits`` through the intake store's locked merge),
so every report uses it. ``S`` runs the highlighted session (coachassist/tui/screens/
session_run.py), ``D`` saves its facilitation sheet next to the intake.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from coachassist.diagnosis import Diagnosis
from coachassist.errors import UserError, describe
from coachassist.intake.models import PlanEdits
from coachassist.intake.progress import IntakeProgress
from coachassist.kb.loader import KnowledgeBase
from coachassist.plan import Plan, build_plan
from coachassist.plan import edit as plan_edit
from coachassist.report.plan_text import left_out_text, note_text, reason_text
from coachassist.tui.render import clean, plain
from coachassist.tui.screens.base import BaseScreen
from coachassist.tui.widgets.titlebar import TitleBar


class PlanScreen(BaseScreen[None]):
    DEFAULT_CSS = """
    PlanScreen {
        #plan-intro { padding: 1 2 0 2; color: $text-muted; height: auto; }
        #plan-items { height: 1fr; margin: 1 1 0 1; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "tui.key.back"),
        Binding("w", "swap", "tui.planedit.key.swap"),
        Binding("t", "add", "tui.planedit.key.add"),
        Binding("delete,x", "remove", "tui.planedit.key.remove"),
        Binding("shift+up", "move(-1)", "tui.planedit.key.up", show=False),
        Binding("shift+down", "move(1)", "tui.planedit.key.down", show=False),
        Binding("v", "lock", "tui.planedit.key.lock"),
        Binding("n", "limits", "tui.planedit.key.limits"),
        Binding("r", "replan", "tui.planedit.key.replan"),
        Binding("s", "run", "tui.planedit.key.run"),
        Binding("d", "sheet", "tui.planedit.key.sheet", show=False),
        Binding("e", "export", "tui.key.export"),
    ]
    AUTO_FOCUS = "#plan-items"

    def __init__(
        self,
        kb: KnowledgeBase,
        session: IntakeProgress,
        diagnosis: Diagnosis,
        plan: Plan,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__()
        self.kb, self.session, self.diagnosis, self.plan = kb, session, diagnosis, plan
        self.clock = clock  # for session mode; None: the real monotonic clock

    # showing -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar(self.tr("tui.plan.heading", title=self.session.intake.title), markup=False)
        yield Static(self.intro(), id="plan-intro", markup=False)
        yield OptionList(*self.options(), id="plan-items")
        yield Static(self.tr("tui.planedit.hint"), classes="hint")
        yield Footer()

    def intro(self) -> str:
        c, lang = self.plan.constraints, self.lang
        lines = [note_text(n, lang) for n in self.plan.notes]
        lines.append(self.tr("tui.planedit.limits", sessions=c.sessions, minutes=c.minutes))
        return plain("\n".join(lines))

    def options(self) -> list[Option]:
        lang = self.lang
        options: list[Option] = []
        for s, session in enumerate(self.plan.sessions):
            head = self.tr(
                "tui.plan.session", n=session.number, minutes=session.minutes, free=session.free
            )
            if session.sponsor:
                head += " · " + self.tr("tui.plan.sponsor")
            if session.limit != self.plan.constraints.minutes:
                head += " · " + self.tr("tui.planedit.day", minutes=session.limit)
            options.append(Option(Text(head, "bold underline"), disabled=True))
            for i, item in enumerate(session.items):
                lock = f"  [{self.tr('tui.planedit.locked')}]" if item.locked else ""
                prompt = Text.assemble(
                    (f"{item.minutes:>3} min  ", "dim"),
                    (item.name(lang), "bold"),
                    (f"  ({self.tr(f'tui.format.role_{item.role}')}){lock}", "dim"),
                    "\n",
                    (f"    {reason_text(self.diagnosis, item, lang)}", "italic dim"),
                )
                options.append(Option(clean(prompt), id=f"{s}:{i}"))
        if self.plan.left_out:
            options.append(
                Option(Text(self.tr("tui.plan.left_out"), "bold underline"), disabled=True)
            )
            for n, left in enumerate(self.plan.left_out):
                prompt = Text.assemble(
                    (left.name(lang), "bold"),
                    "\n",
                    (f"    {left_out_text(self.kb, left, lang)}", "dim"),
                )
                options.append(Option(clean(prompt), id=f"left:{n}:{left.format or ''}"))
        return options

    def refresh_plan(self, plan: Plan, place: tuple[int, int] | None = None) -> None:
        self.plan = plan
        self.query_one("#plan-intro", Static).update(self.intro())
        items = self.query_one("#plan-items", OptionList)
        highlighted = place or self.place()
        items.clear_options()
        items.add_options(self.options())
        if highlighted is not None:
            with suppress(OptionDoesNotExist):  # gone (removed): keep the list's own highlight
                items.highlighted = items.get_option_index(f"{highlighted[0]}:{highlighted[1]}")

    def place(self) -> tuple[int, int] | None:
        """(session index, item index) of the highlighted format, if it is in a session."""
        items = self.query_one("#plan-items", OptionList)
        if items.highlighted is None:
            return None
        option_id = items.get_option_at_index(items.highlighted).id or ""
        parts = option_id.split(":")
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            return None
        return int(parts[0]), int(parts[1])

    # changing ----------------------------------------------------------------------------

    def edits(self) -> PlanEdits:
        """The coach's layout: the saved one, or the plan on screen when there is none yet."""
        saved = self.session.intake.plan
        if self.plan.edited and saved is not None:
            return saved
        return plan_edit.layout_of(self.plan, saved)

    def save(
        self, edits: PlanEdits, *, replan: bool = False, place: tuple[int, int] | None = None
    ) -> None:
        """Save the edits in the intake (merged under its lock) and show the new plan."""
        intake = self.session.intake
        try:
            plan = build_plan(self.kb, self.diagnosis, intake.context, edits=edits, replan=replan)
            if replan or not plan.edited:
                edits = plan_edit.layout_of(plan, edits)
                plan = build_plan(self.kb, self.diagnosis, intake.context, edits=edits)
            assert self.session.store is not None
            self.session.store.update(intake, lambda live: setattr(live, "plan", edits))
        except (UserError, OSError) as error:
            text = self.tr("tui.planedit.save_failed", error=plain(describe(error, self.lang)))
            self.notify(text, severity="error", markup=False)
            return
        self.refresh_plan(plan, place)
        self.notify(self.tr("tui.planedit.saved"), markup=False)

    def chosen(self) -> tuple[int, int] | None:
        place = self.place()
        if place is None:
            self.notify(self.tr("tui.planedit.choose_item"), severity="warning", markup=False)
        return place

    @work(exclusive=True, group="plan-edit")
    async def action_swap(self) -> None:
        from coachassist.tui.screens.plan_pick import PickFormatScreen

        place = self.chosen()
        if place is None:
            return
        options = plan_edit.alternatives(self.kb, self.plan, *place)
        if not options:
            self.notify(self.tr("tui.planedit.no_alternatives"), markup=False)
            return
        item = self.plan.sessions[place[0]].items[place[1]]
        title = self.tr("tui.planedit.swap_heading", name=item.name(self.lang))
        choice = await self.app.push_screen_wait(
            PickFormatScreen(self.kb, options, title, self.plan.constraints)
        )
        if choice:
            self.save(plan_edit.swap(self.edits(), *place, choice, self.kb), place=place)

    @work(exclusive=True, group="plan-edit")
    async def action_add(self) -> None:
        from coachassist.tui.screens.plan_pick import PickFormatScreen

        place = self.place() or (0, 0)
        if not self.plan.sessions:
            return
        used = {i.format for s in self.plan.sessions for i in s.items}
        options = sorted(
            (f for f in self.kb.formats.values() if f.recurring or f.id not in used),
            key=lambda f: (f.name(self.lang).casefold(), f.id),
        )
        title = self.tr("tui.planedit.add_heading", n=place[0] + 1)
        choice = await self.app.push_screen_wait(
            PickFormatScreen(self.kb, options, title, self.plan.constraints)
        )
        if choice:
            edits = plan_edit.add(self.kb, self.edits(), place[0], choice)
            index = next(
                n for n, i in enumerate(edits.layout[place[0]].items) if i.format == choice
            )
            self.save(edits, place=(place[0], index))

    def action_remove(self) -> None:
        place = self.chosen()
        if place is not None:
            self.save(plan_edit.remove(self.kb, self.edits(), *place), place=place)

    def action_move(self, step: int) -> None:
        place = self.chosen()
        if place is not None:
            edits, session, index = plan_edit.move(self.edits(), *place, step)
            self.save(edits, place=(session, index))

    def action_lock(self) -> None:
        place = self.chosen()
        if place is not None:
            self.save(plan_edit.toggle_lock(self.edits(), *place), place=place)

    def action_replan(self) -> None:
        self.save(self.edits(), replan=True)
        self.notify(self.tr("tui.planedit.replanned"), markup=False)

    @work(exclusive=True, group="plan-edit")
    async def action_limits(self) -> None:
        from coachassist.tui.screens.plan_pick import LimitsScreen

        c, edits = self.plan.constraints, self.edits()
        screen = LimitsScreen(
            c.sessions or 3, c.minutes or 180, edits.opening != "none", edits.closing != "none"
        )
        limits = await self.app.push_screen_wait(screen)
        if limits is not None:
            sessions, minutes, opening, closing = limits
            edits = plan_edit.set_limits(edits, sessions, minutes).model_copy(
                update={
                    "opening": "auto" if opening else "none",
                    "closing": "auto" if closing else "none",
                }
            )
            self.save(edits, replan=True)

    @work(exclusive=True, group="plan-edit")
    async def action_run(self) -> None:
        from coachassist.tui.screens.plan_pick import StartTimeScreen
        from coachassist.tui.screens.session_run import SessionRunScreen

        place = self.place() or (0, 0)
        if not self.plan.sessions:
            return
        saved = self.session.intake.plan.start if self.session.intake.plan else "09:00"
        start = await self.app.push_screen_wait(StartTimeScreen(saved))
        if start is None:
            return
        if start != saved:  # remembered with the coach's plan, for the sheet too
            self.save(self.edits().model_copy(update={"start": start}))
        session = self.plan.sessions[place[0]]
        await self.app.push_screen_wait(SessionRunScreen(self.kb, session, start, self.clock))

    def action_sheet(self) -> None:
        from coachassist.intake.files import write_text_atomic
        from coachassist.report.sheet import render_sheet, sheet_view

        place = self.place() or (0, 0)
        if not self.plan.sessions:
            return
        number = self.plan.sessions[place[0]].number
        intake, path = self.session.intake, self.session.path
        start = intake.plan.start if intake.plan else "09:00"
        view = sheet_view(
            self.kb, self.diagnosis, self.plan, number, start, self.lang, intake.title
        )
        written = []
        try:
            for fmt in ("md", "html"):
                target = path.with_name(f"{path.stem}-session-{number}.{fmt}")
                write_text_atomic(target, render_sheet(view, fmt))
                written.append(str(target))
        except (UserError, OSError) as error:
            text = self.tr("tui.planedit.save_failed", error=plain(describe(error, self.lang)))
            self.notify(text, severity="error", markup=False)
            return
        paths = plain("\n".join(written))
        self.notify(self.tr("tui.planedit.sheet_saved", paths=paths), markup=False)

    @on(OptionList.OptionSelected, "#plan-items")
    def open_format(self, event: OptionList.OptionSelected) -> None:
        from coachassist.tui.screens.format_detail import FormatScreen

        option_id = event.option.id or ""
        if option_id.startswith("left:"):
            format_id = option_id.split(":", 2)[2]
        else:
            place = self.place()
            if place is None:
                return
            format_id = self.plan.sessions[place[0]].items[place[1]].format
        fmt = self.kb.formats.get(format_id)
        if fmt is not None:
            self.app.push_screen(FormatScreen(self.kb, fmt, folder=self.session.path.parent))

    def action_export(self) -> None:
        from coachassist.tui.screens.export_report import ExportScreen

        self.app.push_screen(ExportScreen(self.kb, self.session, self.diagnosis, self.plan))

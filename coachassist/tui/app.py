"""The coachassist app, built by one factory used by the CLI and the tests.

Navigation: every screen is a ``Screen[T]`` that ends with ``dismiss(result)``. The app runs
one worker (``flow``) that pushes a screen, awaits its result with ``push_screen_wait`` and
decides what comes next: the start menu, a new or opened intake, the context form, each
respondent, the between screen and the results. Screens never call the app to navigate;
detail views (a format, the plan) are pushed by the screen that shows them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segments
from rich.traceback import Traceback
from textual import work
from textual.binding import Binding, BindingType

from coachassist.errors import UserError, describe
from coachassist.i18n import Lang, default_lang
from coachassist.intake.progress import CONTEXT_DONE, IntakeProgress, Mode
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.problems import KnowledgeBaseError
from coachassist.tui.lang import LangApp
from coachassist.tui.render import plain

if TYPE_CHECKING:
    from textual.screen import Screen

    from coachassist.diagnosis import Diagnosis
    from coachassist.intake.models import Intake
    from coachassist.library import FormatLibrary
    from coachassist.tui.screens.question import QuestionScreen

DiagnoseFn = Callable[..., "Diagnosis"]


class CoachApp(LangApp):
    CSS_PATH = "styles/app.tcss"
    TITLE = "coachassist"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+l", "toggle_lang", "tui.key.lang", priority=True),
        Binding("ctrl+q", "quit", "tui.key.quit", priority=True),
    ]

    def __init__(
        self,
        kb_dirs: Sequence[Path] = (),
        lang: Lang | None = None,
        intake_path: Path | None = None,
        *,
        bundled: bool = True,
        diagnose: DiagnoseFn | None = None,
        first_question_file: Path | None = None,
    ) -> None:
        super().__init__()
        self.set_reactive(CoachApp.lang, lang or default_lang())
        self.kb_dirs = list(kb_dirs)
        self.bundled = bundled
        self.intake_path = intake_path
        self.first_question_file = first_question_file
        self._diagnose = diagnose
        self.kb: KnowledgeBase = KnowledgeBase()
        self.quit_warned = False
        self._library: FormatLibrary | None = None
        self.collect_host = "0.0.0.0"  # the collect screen listens for phones on the room's Wi-Fi

    # --- start-up ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        from coachassist.kb.cache import load_cached
        from coachassist.tui.screens.error import ErrorScreen

        try:
            self.kb = load_cached(self.kb_dirs, bundled=self.bundled)
        except KnowledgeBaseError as error:
            problems = [p.render(self.lang) for p in error.problems]
        except Exception as error:  # e.g. an unreadable folder: shown in the app, not raised
            problems = [f"{type(error).__name__}: {error}"]
        else:
            problems = []
        if problems:
            self.push_screen(
                ErrorScreen("tui.error.kb_title", "tui.error.kb_body", problems, fatal=True)
            )
            return
        self.flow(self.intake_path)

    # --- the flow: one worker awaits each screen's result ---------------------------------------

    @work(exclusive=True, group="flow")
    async def flow(self, path: Path | None) -> None:
        """Start menu -> an intake -> back to the start, until the app quits."""
        from coachassist.tui.screens.new_intake import NewIntakeScreen

        progress: IntakeProgress | None = None
        if path is not None and path.exists():
            progress = await self.open_intake(path)  # straight to the question
        elif path is not None:
            progress = await self.push_screen_wait(NewIntakeScreen(self.kb, "coach", path))
        while True:
            if progress is not None:
                await self.run_intake(progress)
            progress = await self.choose_at_start()

    async def choose_at_start(self) -> IntakeProgress | None:
        from coachassist.tui.screens.library import LibraryScreen
        from coachassist.tui.screens.new_intake import NewIntakeScreen
        from coachassist.tui.screens.open_intake import OpenScreen
        from coachassist.tui.screens.start import StartScreen

        choice = await self.push_screen_wait(StartScreen())
        if choice.action in ("coach", "self"):
            mode: Mode = "self" if choice.action == "self" else "coach"
            return await self.push_screen_wait(NewIntakeScreen(self.kb, mode))
        if choice.action == "library":
            await self.push_screen_wait(LibraryScreen(self.kb, self.format_library()))
            return None
        path = (
            choice.path if choice.action == "recent" else await self.push_screen_wait(OpenScreen())
        )
        return await self.open_intake(path) if path is not None else None

    def format_library(self) -> FormatLibrary:
        """The search index of the loaded knowledge base, built once (it takes ~150 ms)."""
        from coachassist.library import FormatLibrary

        if self._library is None or self._library.kb is not self.kb:
            self._library = FormatLibrary(self.kb)
        return self._library

    async def open_intake(self, path: Path) -> IntakeProgress | None:
        """Open a saved intake; a damaged file is shown, never overwritten."""
        from coachassist.tui.screens.error import ErrorScreen

        try:
            progress = IntakeProgress.open(self.kb, path, lang=self.lang)
        except (UserError, OSError) as error:
            details = [describe(error, self.lang)]
        else:
            for note in progress.notes:  # e.g. answered with an older, compatible version
                self.notify(plain(note), severity="warning", timeout=15, markup=False)
            return progress
        await self.push_screen_wait(
            ErrorScreen("tui.error.intake_title", "tui.error.intake_body", details)
        )
        return None

    async def run_intake(self, progress: IntakeProgress) -> None:
        """The context form, then each respondent in turn, until the coach goes to the start."""
        from coachassist.tui.screens.between import BetweenScreen
        from coachassist.tui.screens.context import ContextScreen
        from coachassist.tui.screens.question import QuestionScreen
        from coachassist.tui.screens.results import ResultsScreen

        progress.remember()
        just_finished = False
        told_held: set[str] = set()
        while True:
            step = progress.next_step()
            if step.kind == "between" and progress.mode == "self" and not progress.intake.responses:
                self.add_respondent(progress, progress.default_role())
                continue
            if step.kind == "context":
                if await self.push_screen_wait(ContextScreen(progress, step.question)) == "left":
                    return
                progress.mark_done(CONTEXT_DONE)
            elif step.kind == "respondent" and step.respondent:
                rid = step.respondent
                self.lang = progress.respondent(rid).lang  # resume in the respondent's language
                left = not await self.ask_consent(progress, rid)
                if not left:
                    screen = QuestionScreen(progress, rid, step.question)
                    left = await self.push_screen_wait(screen) == "left"
                if left:
                    self.saved(partial(progress.drop_if_empty, rid))
                    return
                progress.mark_done(rid)
                just_finished = True
            else:
                if step.held and step.held not in told_held:  # said once per respondent
                    told_held.add(step.held)
                    self.notify(self.tr("tui.between.held"), severity="warning", timeout=10)
                choice = await self.push_screen_wait(
                    BetweenScreen(progress, just_finished=just_finished)
                )
                just_finished = False
                if choice.kind == "start":
                    return
                if choice.kind == "results":
                    results = ResultsScreen(
                        self.kb, progress, self.diagnose, collect_host=self.collect_host
                    )
                    await self.push_screen_wait(results)
                elif choice.kind == "collect":
                    await self.push_screen_wait(self.collect_screen(progress))
                    self.refresh_intake(progress)
                elif choice.kind in ("context", "respondents"):
                    await self.edit_intake(progress, choice.kind)
                else:
                    self.add_respondent(progress, choice.role)

    async def edit_intake(self, progress: IntakeProgress, what: str) -> None:
        """After saving: the team context once more, or the list of respondents to remove one."""
        from coachassist.tui.screens.context import ContextScreen
        from coachassist.tui.screens.respondents import RespondentsScreen

        walk = progress.context_walk()
        if what == "context" and walk is not None:
            await self.push_screen_wait(ContextScreen(progress, walk.first()))
        elif what == "respondents":
            await self.push_screen_wait(RespondentsScreen(progress))

    async def ask_consent(self, progress: IntakeProgress, rid: str) -> bool:
        """A lead's consent to the lead's view, before their first question; False: Esc."""
        from coachassist.tui.screens.consent import ConsentScreen

        if not progress.needs_consent(rid):
            return True
        agreed = await self.push_screen_wait(ConsentScreen())
        if agreed is None:
            return False
        self.saved(partial(progress.set_consent, rid, agreed))
        return True

    def collect_screen(self, progress: IntakeProgress) -> Screen[None]:
        """Collect answers on phones for this intake (coachassist collect, in the app)."""
        from coachassist.tui.screens.collect import CollectScreen

        return CollectScreen(self.kb, progress.path, host=self.collect_host)

    def refresh_intake(self, progress: IntakeProgress) -> None:
        """Take in what others saved meanwhile (phones' answers): merged, nothing overwritten."""
        try:
            progress.refresh()
        except (UserError, OSError) as error:
            self.notify(
                self.tr("tui.collect.refresh_failed", error=plain(describe(error, self.lang))),
                severity="error",
                markup=False,
            )

    def add_respondent(self, progress: IntakeProgress, role: str) -> None:
        self.saved(lambda: progress.add_respondent(role, self.lang))

    def saved(self, change: Callable[[], object]) -> None:
        """Make a change that saves the intake; if the save fails, the change stays in memory
        (the question screen saves again with every answer) and the coach is told."""
        try:
            change()
        except (UserError, OSError) as error:
            self.notify(
                self.tr("tui.save.failed", error=plain(describe(error, self.lang))),
                severity="error",
                markup=False,
            )

    # --- hooks --------------------------------------------------------------------------------

    def diagnose(self, intake: Intake) -> Diagnosis:
        """Run the engine; imported only now, so it stays out of start-up."""
        if self._diagnose is None:
            from coachassist.engine import diagnose

            self._diagnose = diagnose
        return self._diagnose(self.kb, intake, min_group=intake.min_group)

    def on_question_screen_shown(self, message: QuestionScreen.Shown) -> None:
        """For the start-up benchmark and the crash test: note the first question, then exit."""
        if self.first_question_file is None:
            return
        record = {
            "time": time.time(),
            "respondent": message.respondent,
            "question": message.question,
        }
        self.first_question_file.write_text(json.dumps(record), "utf-8")
        self.first_question_file = None
        self.exit()

    async def action_quit(self) -> None:
        """Quit; with answers that could not be saved, only when asked twice."""
        unsaved = any(getattr(screen, "save_problem", None) for screen in self.screen_stack)
        if unsaved and not self.quit_warned:
            self.quit_warned = True
            self.notify(self.tr("tui.save.quit_unsaved"), severity="error", timeout=10)
            return
        self.exit()

    def _fatal_error(self) -> None:
        """Textual's crash report, without the local variables it shows by default: they would
        print the answers of every respondent. (Textual has no setting for this; a test checks
        that this hook still exists and is used.)"""
        self.bell()
        report = Traceback(show_locals=False, width=None)
        self._exit_renderables.append(Segments(self.console.render(report, self.console.options)))
        self._close_messages_no_wait()


# The one factory the CLI and the tests build the app with (as Posting does); tests pass a
# fixed knowledge base and a fake diagnose through the same keyword arguments.
create_app = CoachApp

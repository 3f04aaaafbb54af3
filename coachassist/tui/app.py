"""The coachassist app, built by one factory used by the CLI and the tests."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.reactive import reactive

from coachassist.errors import UserError
from coachassist.i18n import Lang, default_lang, t
from coachassist.intake.progress import IntakeProgress, Mode
from coachassist.kb.loader import KnowledgeBase
from coachassist.kb.problems import KnowledgeBaseError

if TYPE_CHECKING:
    from coachassist.diagnosis import Diagnosis
    from coachassist.intake.models import Intake
    from coachassist.plan import Plan

DiagnoseFn = Callable[..., "Diagnosis"]


class CoachApp(App[None]):
    CSS_PATH = "styles/app.tcss"
    TITLE = "coachassist"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+l", "toggle_lang", "tui.key.lang", priority=True),
        Binding("ctrl+q", "quit", "tui.key.quit", priority=True),
    ]

    lang: reactive[str] = reactive("nl", init=False)

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

    def tr(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)  # type: ignore[arg-type]

    # --- start-up ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        from coachassist.kb.cache import load_cached
        from coachassist.tui.screens.error import ErrorScreen

        try:
            self.kb = load_cached(self.kb_dirs, bundled=self.bundled)
        except KnowledgeBaseError as error:
            problems = [str(p) for p in error.problems]
        except Exception as error:  # e.g. an unreadable folder: shown in the app, not raised
            problems = [f"{type(error).__name__}: {error}"]
        else:
            problems = []
        if problems:
            self.push_screen(
                ErrorScreen("tui.error.kb_title", "tui.error.kb_body", problems, fatal=True)
            )
            return
        path = self.intake_path
        if path is not None and path.exists():
            self.open_intake(path)  # straight to the question; the start screen comes later
            return
        self.ensure_start()
        if path is not None:
            from coachassist.tui.screens.new_intake import NewIntakeScreen

            self.push_screen(NewIntakeScreen("coach", path))

    def ensure_start(self) -> None:
        """Show the start screen, building it if the app began elsewhere (an intake path)."""
        from coachassist.tui.screens.start import StartScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, StartScreen):
            self.pop_screen()
        if not isinstance(self.screen, StartScreen):
            self.push_screen(StartScreen())

    # --- language ---------------------------------------------------------------------------

    def action_toggle_lang(self) -> None:
        self.lang = "en" if self.lang == "nl" else "nl"

    def watch_lang(self) -> None:
        from coachassist.tui.screens.base import BaseScreen

        for screen in self.screen_stack:
            if isinstance(screen, BaseScreen):
                screen.stale = True
        if isinstance(self.screen, BaseScreen):
            self.call_later(self.screen.relang)

    # --- moving through an intake -------------------------------------------------------------

    def open_intake(self, path: Path) -> None:
        """Open a saved intake and resume it; a damaged file is shown, never overwritten."""
        from coachassist.tui.screens.error import ErrorScreen

        try:
            session = IntakeProgress.open(self.kb, path)
        except UserError as error:
            self.push_screen(
                ErrorScreen("tui.error.intake_title", "tui.error.intake_body", [str(error)])
            )
            return
        session.remember()
        self.continue_session(session)

    def start_intake(self, mode: Mode, path: Path, title: str) -> str | None:
        """Create a new intake file and begin; returns a problem to show, or None."""
        try:
            session = IntakeProgress.new(self.kb, path, title, mode)
        except (UserError, OSError) as error:
            return str(error)
        session.remember()
        self.continue_session(session, replace=True)
        return None

    def continue_session(self, session: IntakeProgress, *, replace: bool = False) -> None:
        step = session.next_step()
        screen: Any
        if step.kind == "context":
            from coachassist.tui.screens.context import ContextScreen

            screen = ContextScreen(session, step.question)
        elif step.kind == "respondent" and step.respondent:
            from coachassist.tui.screens.question import QuestionScreen

            screen = QuestionScreen(session, step.respondent, step.question)
        elif session.mode == "self" and not session.intake.responses:
            from coachassist.tui.screens.question import QuestionScreen

            respondent = session.add_respondent(session.default_role(), self.lang)
            screen = QuestionScreen(session, respondent.id, None)
        else:
            from coachassist.tui.screens.between import BetweenScreen

            screen = BetweenScreen(session)
        if replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def go_start(self) -> None:
        self.ensure_start()

    # --- hooks --------------------------------------------------------------------------------

    def diagnose(self, intake: Intake) -> Diagnosis:
        """Run the engine; imported only now, so it stays out of start-up."""
        if self._diagnose is None:
            from coachassist.engine import diagnose

            self._diagnose = diagnose
        return self._diagnose(self.kb, intake, min_group=intake.min_group)

    def export(
        self, session: IntakeProgress, diagnosis: Diagnosis, plan: Plan | None = None
    ) -> None:
        """Write the report (md and html) next to the intake; in a browser, also download it."""
        from coachassist.tui.export import export_reports, make_plan

        try:
            plan = plan or make_plan(self.kb, session.intake, diagnosis)
            paths = export_reports(
                self.kb, session.intake, session.path, diagnosis, plan, self.lang
            )
        except Exception as error:  # a full disk or a report bug: a message, not a crash
            self.notify(self.tr("tui.export.failed", error=str(error)), severity="error")
            return
        self.notify(self.tr("tui.export.done", paths="\n".join(str(p) for p in paths)), timeout=10)
        if self.is_web:
            html = next(p for p in paths if p.suffix == ".html")
            self.deliver_text(html, save_filename=html.name, mime_type="text/html")

    def question_shown(self, respondent: str | None, question: str) -> None:
        """For the start-up benchmark and the crash test: note the first question, then exit."""
        if self.first_question_file is None:
            return
        record = {"time": time.time(), "respondent": respondent, "question": question}
        self.first_question_file.write_text(json.dumps(record), "utf-8")
        self.first_question_file = None
        self.exit()


# The one factory the CLI and the tests build the app with (as Posting does); tests pass a
# fixed knowledge base and a fake diagnose through the same keyword arguments.
create_app = CoachApp

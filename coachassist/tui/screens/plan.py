"""The session plan: sessions in pyramid order, each format with the reason it is there."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from coachassist.diagnosis import Diagnosis
from coachassist.intake.progress import IntakeProgress
from coachassist.kb.loader import KnowledgeBase
from coachassist.plan import Plan
from coachassist.report.plan_text import left_out_text, note_text, reason_text
from coachassist.tui.export import export_and_tell
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
        Binding("e", "export", "tui.key.export"),
    ]
    AUTO_FOCUS = "#plan-items"

    def __init__(
        self, kb: KnowledgeBase, session: IntakeProgress, diagnosis: Diagnosis, plan: Plan
    ) -> None:
        super().__init__()
        self.kb, self.session, self.diagnosis, self.plan = kb, session, diagnosis, plan

    def compose(self) -> ComposeResult:
        plan, lang = self.plan, self.lang
        yield TitleBar(self.tr("tui.plan.heading", title=self.session.intake.title), markup=False)
        c = plan.constraints
        lines = [note_text(n, lang) for n in plan.notes]
        lines.append(self.tr("tui.plan.constraints", sessions=c.sessions, minutes=c.minutes))
        yield Static(plain("\n".join(lines)), id="plan-intro", markup=False)
        yield OptionList(*self.options(), id="plan-items")
        yield Static(self.tr("tui.plan.hint"), classes="hint")
        yield Footer()

    def options(self) -> list[Option]:
        lang = self.lang
        options: list[Option] = []
        for session in self.plan.sessions:
            head = self.tr(
                "tui.plan.session", n=session.number, minutes=session.minutes, free=session.free
            )
            if session.sponsor:
                head += " · " + self.tr("tui.plan.sponsor")
            options.append(Option(Text(head, "bold underline"), disabled=True))
            for item in session.items:
                prompt = Text.assemble(
                    (f"{item.minutes:>3} min  ", "dim"),
                    (item.name(lang), "bold"),
                    (f"  ({self.tr(f'tui.format.role_{item.role}')})", "dim"),
                    "\n",
                    (f"    {reason_text(self.diagnosis, item, lang)}", "italic dim"),
                )
                options.append(Option(clean(prompt), id=f"{session.number}:{item.format}"))
        if self.plan.left_out:
            options.append(
                Option(Text(self.tr("tui.plan.left_out"), "bold underline"), disabled=True)
            )
            for left in self.plan.left_out:
                prompt = Text.assemble(
                    (left.name(lang), "bold"),
                    "\n",
                    (f"    {left_out_text(self.kb, left, lang)}", "dim"),
                )
                options.append(Option(clean(prompt), id=f"-:{left.format or ''}"))
        return options

    @on(OptionList.OptionSelected, "#plan-items")
    def open_format(self, event: OptionList.OptionSelected) -> None:
        from coachassist.tui.screens.format_detail import FormatScreen

        fmt = self.kb.formats.get((event.option.id or ":").split(":", 1)[1])
        if fmt is not None:
            self.app.push_screen(FormatScreen(self.kb, fmt))

    def action_export(self) -> None:
        intake, path = self.session.intake, self.session.path
        export_and_tell(self, self.kb, intake, path, self.diagnosis, self.lang, self.plan)

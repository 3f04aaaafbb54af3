"""The coach decides on one finding: confirm it, adjust its severity, or reject it with a reason.

Pushed by the results screen (key D on a finding). Shows the finding's strength, stability and
what it builds on, and the smallest change in one score that would remove it (engine/whynot.py);
ends with the decision (a ``FindingDecision``), ``UNDO`` to remove an earlier one, or None.
The results screen saves it through the intake's locked merge and recomputes.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Input, Label, RadioButton, RadioSet, Select, Static

from coachassist.diagnosis import Finding
from coachassist.intake.models import FindingDecision
from coachassist.report.finding_tags import decision_text, finding_tags
from coachassist.tui.render import plain
from coachassist.tui.screens.base import BaseScreen
from coachassist.tui.widgets.titlebar import TitleBar

UNDO = "undo"
ACTIONS = ("confirm", "adjust", "reject", UNDO)


class DecisionScreen(BaseScreen[FindingDecision | str | None]):
    DEFAULT_CSS = """
    DecisionScreen {
        #decision { padding: 1 2; }
        #decision Static { margin-bottom: 1; }
        RadioSet { margin-bottom: 1; }
        #severity, #reason { width: 60; margin-bottom: 1; }
        #problem { color: $error; }
        #buttons { height: auto; }
        #buttons Button { margin-right: 2; }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", "tui.key.back")]
    AUTO_FOCUS = "RadioSet"

    def __init__(self, finding: Finding, removal: str) -> None:
        super().__init__()
        self.finding = finding
        self.removal = removal  # the why-not module's sentence, already in words
        current = finding.decision
        self.action: str = current.action if current else "confirm"
        self.severity: str = (current.severity if current else None) or finding.severity or "medium"
        self.reason = current.reason if current else ""

    def compose(self) -> ComposeResult:
        f, lang = self.finding, self.lang
        yield TitleBar(self.tr("tui.decision.heading", name=f.name(lang)), markup=False)
        with VerticalScroll(id="decision"):
            yield Static(plain(finding_tags(f, lang)), markup=False)
            if f.decision:
                yield Static(plain(decision_text(f, lang)), markup=False)
            if self.removal:
                yield Static(plain(self.removal), markup=False)
            yield Label(self.tr("tui.decision.choose"))
            with RadioSet(id="action"):
                for action in ACTIONS:
                    yield RadioButton(
                        self.tr(f"tui.decision.{action}"), value=action == self.action, name=action
                    )
            yield Select(
                [(self.tr(f"tui.severity.{s}"), s) for s in ("low", "medium", "high")],
                value=self.severity,
                allow_blank=False,
                id="severity",
            )
            yield Input(self.reason, placeholder=self.tr("tui.decision.reason"), id="reason")
            yield Static("", id="problem", markup=False)
            with Horizontal(id="buttons"):
                yield Button(self.tr("tui.decision.save"), variant="primary", id="save")
                yield Button(self.tr("tui.button.back"), id="cancel")
        yield Footer()

    def before_relang(self) -> None:
        self.reason = self.query_one("#reason", Input).value

    @on(RadioSet.Changed, "#action")
    def chosen(self, event: RadioSet.Changed) -> None:
        self.action = event.pressed.name or "confirm"

    @on(Select.Changed, "#severity")
    def severity_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.severity = event.value

    @on(Button.Pressed, "#cancel")
    def cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    @on(Input.Submitted, "#reason")
    def save(self) -> None:
        if self.action == UNDO:
            self.dismiss(UNDO)
            return
        reason = self.query_one("#reason", Input).value
        try:
            decision = FindingDecision.model_validate(
                {
                    "action": self.action,
                    "severity": self.severity if self.action == "adjust" else None,
                    "reason": reason,
                }
            )
        except ValidationError:
            key = "tui.decision.needs_reason" if self.action == "reject" else "tui.decision.invalid"
            self.query_one("#problem", Static).update(self.tr(key))
            return
        self.dismiss(decision)

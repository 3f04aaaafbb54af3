"""What the results screen does on D: open the decision screen for the finding in focus, save
the coach's decision through the intake's locked merge, and show the recomputed results."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Collapsible

from coachassist.diagnosis import Finding
from coachassist.intake.models import FindingDecision
from coachassist.tui.render import plain
from coachassist.tui.screens.finding_decision import UNDO, DecisionScreen

if TYPE_CHECKING:
    from coachassist.tui.screens.results import ResultsScreen


def focused_finding(screen: ResultsScreen) -> Finding | None:
    """The finding whose title has focus, else the first one."""
    diag = screen.diagnosis
    if diag is None:
        return None
    every = [*diag.findings, *diag.rejected]
    node = screen.focused
    while node is not None:
        if isinstance(node, Collapsible) and (node.id or "").startswith("finding-"):
            fid = (node.id or "").removeprefix("finding-")
            return next((f for f in every if f.id == fid), None)
        node = node.parent  # type: ignore[assignment]
    return every[0] if every else None


def removal_sentence(screen: ResultsScreen, finding: Finding) -> str:
    from coachassist.engine.whynot import lines, why_not

    try:
        answer = why_not(screen.kb, screen.session.intake, finding.id)
    except Exception:  # the decision does not depend on it
        return ""
    return lines(answer, screen.lang)[-1] if answer.concluded else ""


def decide(screen: ResultsScreen) -> None:
    finding = focused_finding(screen)
    if finding is None:
        return

    async def done(result: FindingDecision | str | None) -> None:
        if result is None:
            return
        intake = screen.session.intake
        decisions = dict(intake.decisions or {})
        if result == UNDO:
            decisions.pop(finding.id, None)
        elif isinstance(result, FindingDecision):
            decisions[finding.id] = result
        intake.decisions = decisions or None
        try:
            screen.session.save()  # the one locked three-way merge write
        except Exception as error:  # shown, never a traceback
            screen.notify(
                screen.tr("tui.decision.failed", error=plain(str(error))),
                severity="error",
                markup=False,
            )
            return
        screen.diagnosis = None
        screen.expanded.add(finding.id)
        await screen.recompose()
        screen.notify(screen.tr("tui.decision.saved"))

    screen.app.push_screen(DecisionScreen(finding, removal_sentence(screen, finding)), done)

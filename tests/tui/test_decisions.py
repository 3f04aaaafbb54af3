"""The coach's decisions and why-not in the app (issue 13), with the bundled rules."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Collapsible, Input, RadioButton, Static

from coachassist.engine import diagnose
from coachassist.intake.files import read_intake
from coachassist.intake.progress import IntakeProgress
from coachassist.kb.loader import load
from coachassist.tui.screens.finding_decision import DecisionScreen
from coachassist.tui.screens.results import ResultsScreen
from coachassist.tui.screens.why_not import WhyNotScreen

from .test_flow import Host

# a team whose findings include cascades ("builds on"), to see the link in the app
EXAMPLE = Path(__file__).parents[2] / "examples" / "ondersteunende_afdeling.toml"
SIZE = (110, 45)


@pytest.fixture(scope="module")
def kb():
    return load()


def results_host(tmp_path: Path, kb) -> tuple[Host, IntakeProgress]:
    path = tmp_path / "team.toml"
    shutil.copy(EXAMPLE, path)
    progress = IntakeProgress.open(kb, path)
    return Host(ResultsScreen(kb, progress, lambda intake: diagnose(kb, intake))), progress


async def test_reject_a_finding_with_a_reason(tmp_path: Path, kb) -> None:
    host, progress = results_host(tmp_path, kb)
    async with host.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = host.screen.diagnosis.findings[0]
        titles = [c.title for c in host.screen.query(Collapsible)]
        assert "strength" in titles[0] and "stable" in titles[0]
        assert any("builds on" in title for title in titles)  # a cascade, shown as a link
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(host.screen, DecisionScreen)
        reject = next(b for b in host.screen.query(RadioButton) if b.name == "reject")
        reject.value = True
        await pilot.pause()
        host.screen.query_one("#save").press()  # no reason yet: refused, still here
        await pilot.pause()
        assert isinstance(host.screen, DecisionScreen)
        assert "reason" in str(host.screen.query_one("#problem", Static).render())
        host.screen.query_one("#reason", Input).value = "Worked on last spring"
        host.screen.query_one("#save").press()
        await pilot.pause()
        await pilot.pause()
        assert isinstance(host.screen, ResultsScreen)
        diag = host.screen.diagnosis
        assert [f.id for f in diag.rejected] == [first.id]
        assert first.id not in [f.id for f in diag.findings]
    saved = read_intake(progress.path)
    assert saved.decisions[first.id].reason == "Worked on last spring"


async def test_why_not_screen_answers_for_any_dysfunction(tmp_path: Path, kb) -> None:
    host, _ = results_host(tmp_path, kb)
    async with host.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(host.screen, WhyNotScreen)
        host.screen.current = None
        host.screen.chosen(  # as if the coach picked "silos and power"
            type("E", (), {"option": type("O", (), {"id": "silos_and_power"})()})()
        )
        await pilot.pause()
        text = str(host.screen.query_one("#whynot-text", Static).render())
        assert "was not concluded" in text and "short" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(host.screen, ResultsScreen)

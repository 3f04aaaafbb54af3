"""The app's comparison screen: from the results, ``c`` compares with the earlier scan."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from coachassist.intake.progress import IntakeProgress
from coachassist.kb.loader import load
from coachassist.tui.app import create_app
from coachassist.tui.screens.compare import CompareScreen
from coachassist.tui.screens.plan import PlanScreen
from coachassist.tui.screens.results import ResultsScreen
from tests.scale.teams import write_team


async def test_compare_from_the_results_and_on_to_the_revised_plan(tmp_path: Path) -> None:
    kb = load()
    write_team(tmp_path / "before.toml", kb, n=8, level={"trust": 2.0}, seed=1)
    later = write_team(
        tmp_path / "after.toml", kb, n=8, level={"trust": 4.0}, seed=2, earlier=["before.toml"]
    )
    alone = write_team(tmp_path / "alone.toml", kb, n=8, seed=3)
    app = create_app([], "en")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        results = ResultsScreen(app.kb, IntakeProgress.open(app.kb, alone), app.diagnose)
        await app.push_screen(results)
        await pilot.pause()
        await pilot.press("c")  # no earlier scan: no "compare" key, the results stay
        await pilot.pause()
        assert app.screen is results
        await pilot.press("escape")
        await pilot.pause()
        results = ResultsScreen(app.kb, IntakeProgress.open(app.kb, later), app.diagnose)
        await app.push_screen(results)
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen), type(screen)
        assert screen.result is not None, screen.problem
        text = str(screen.query_one("#compare-text", Static).render())
        assert "Trust and psychological safety" in text and "improved" in text
        assert "Absence of trust" in text
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)

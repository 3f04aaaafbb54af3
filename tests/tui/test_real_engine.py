"""The app on the bundled knowledge base with the real engine, planner and report."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.widgets import Collapsible

from coachassist.intake.progress import IntakeProgress
from coachassist.tui.app import create_app
from coachassist.tui.screens.export_report import ExportScreen
from coachassist.tui.screens.plan import PlanScreen
from coachassist.tui.screens.results import ResultsScreen

EXAMPLE = Path(__file__).parents[2] / "examples" / "ketenoverleg_sociaal_domein.toml"


async def test_results_plan_and_export_with_the_real_engine(tmp_path: Path) -> None:
    path = tmp_path / EXAMPLE.name
    shutil.copy(EXAMPLE, path)
    app = create_app([], "nl")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = ResultsScreen(app.kb, IntakeProgress.open(app.kb, path), app.diagnose)
        await app.push_screen(screen)
        await pilot.pause()
        assert screen.diagnosis is not None, screen.problem
        findings = list(screen.query(Collapsible))
        assert findings, "the example has findings"
        await pilot.press("enter")  # the first finding has the focus
        assert not findings[0].collapsed
        await pilot.press("p")
        assert isinstance(app.screen, PlanScreen)
        assert app.screen.plan.sessions
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("1")  # for the client
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        await pilot.press("e", "2")  # for the coach
        await pilot.pause()
    for audience in ("client", "coach"):
        for suffix in ("md", "html"):
            report = tmp_path / f"{path.stem}-report-{audience}.{suffix}"
            assert report.is_file() and report.stat().st_size > 1000
    client = (tmp_path / f"{path.stem}-report-client.md").read_text("utf-8")
    coach = (tmp_path / f"{path.stem}-report-coach.md").read_text("utf-8")
    assert "Ketenoverleg" in client and "Ketenoverleg" in coach
    fired = [rule for rule in app.kb.rules if rule in coach]
    assert fired, "the coach report names the rules behind each finding"
    assert not [rule for rule in app.kb.rules if rule in client]

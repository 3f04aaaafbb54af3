"""A UserError the app shows is in the app's language, not in English."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from coachassist.intake.models import Respondent
from coachassist.tui.screens.error import ErrorScreen

from .conftest import make_app, write_intake


def _shown(app) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


async def test_an_intake_that_does_not_fit_is_refused_in_dutch(tmp_path: Path) -> None:
    path = write_intake(tmp_path / "odd.toml", [Respondent(id="r01", answers={"trust_1": 9})])
    for lang, said, other in (
        ("nl", "vraag 'trust_1': 9 valt buiten het bereik", "out of range"),
        ("en", "question 'trust_1': 9 is out of range", "buiten het bereik"),
    ):
        app = make_app(lang, path)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, ErrorScreen)
            shown = " ".join(_shown(app).split())
            assert said in shown and other not in shown
            assert "respondent r01" in shown and str(path.name) in shown

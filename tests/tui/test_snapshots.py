"""Snapshots of the main screens at 80x24, in Dutch and English.

Refresh after an intended change with ``pytest tests/tui/test_snapshots.py --snapshot-update``
and look at the SVGs in ``tests/tui/__snapshots__/`` before committing them.
These are plain ``def`` tests: ``snap_compare`` runs its own event loop.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from coachassist.intake.models import Respondent
from coachassist.intake.progress import IntakeProgress
from coachassist.tui.screens.format_detail import FormatScreen
from coachassist.tui.screens.results import ResultsScreen

from .conftest import make_app, write_intake

LANGS = pytest.mark.parametrize("lang", ["nl", "en"])


def two_respondents(folder: Path, lang: str) -> Path:
    """Two respondents who answered in ``lang`` (the app resumes in the respondent's language)."""
    return write_intake(
        folder / "team.toml",
        [
            Respondent(id="r01", lang=lang, answers={"trust_1": 4, "trust_2": 2, "conflict_1": 3}),
            Respondent(id="r02", role="lead", lang=lang, answers={"trust_1": 2}),
        ],
    )


@LANGS
def test_start_screen(snap_compare, lang: str) -> None:
    assert snap_compare(make_app(lang))


@LANGS
def test_question_screen(snap_compare, lang: str, tmp_path: Path) -> None:
    assert snap_compare(make_app(lang, two_respondents(tmp_path, lang)))


@LANGS
def test_results_screen(snap_compare, lang: str, tmp_path: Path) -> None:
    path = two_respondents(tmp_path, lang)
    app = make_app(lang)

    async def open_results(pilot: Pilot) -> None:
        await app.push_screen(
            ResultsScreen(app.kb, IntakeProgress.open(app.kb, path), app.diagnose)
        )
        await pilot.pause()

    assert snap_compare(app, run_before=open_results)


@LANGS
def test_format_screen(snap_compare, lang: str) -> None:
    app = make_app(lang)

    async def open_format(pilot: Pilot) -> None:
        await app.push_screen(FormatScreen(app.kb, app.kb.formats["what_to_argue_about"]))
        await pilot.pause()

    assert snap_compare(app, run_before=open_format)

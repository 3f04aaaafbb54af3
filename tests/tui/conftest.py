"""Shared set-up for the app tests: a fixed knowledge base, a private data folder, a fake engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachassist.intake.files import save_intake
from coachassist.intake.models import Intake, Respondent
from coachassist.tui.app import CoachApp, create_app

from .fakes import fake_diagnose

KB_DIR = Path(__file__).parent / "kb"


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Recent files and new intakes go to a temporary folder, never the user's."""
    home = tmp_path / "home"
    monkeypatch.setenv("COACHASSIST_HOME", str(home))
    return home


def make_app(lang: str = "en", intake: Path | None = None, **kwargs: object) -> CoachApp:
    kwargs.setdefault("diagnose", fake_diagnose)
    return create_app([KB_DIR], lang, intake, bundled=False, **kwargs)  # type: ignore[arg-type]


def write_intake(path: Path, responses: list[Respondent], **fields: object) -> Path:
    defaults: dict[str, object] = {
        "title": "Team Noord",
        "created": "2025-01-15",
        "scan": "teamscan",
        "scan_version": "test-1",
        "context": {"team_type": "one_team", "team_size": 8, "client_question": "Samenwerking"},
    }
    intake = Intake.model_validate({**defaults, **fields, "responses": responses})
    save_intake(path, intake)
    return path

"""Shared set-up for intake storage and collection tests: the bundled KB, a private home."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachassist.intake.progress import IntakeProgress
from coachassist.kb.loader import KnowledgeBase, load


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load()


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("COACHASSIST_HOME", str(home))
    return home


@pytest.fixture
def intake_path(tmp_path: Path, kb: KnowledgeBase) -> Path:
    path = tmp_path / "team.toml"
    IntakeProgress.new(kb, path, "Team Noord", "coach").release()
    return path

"""Hostile files and intakes: helpers to write them and to run the real CLI with a timeout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import tomli_w

from coachassist.kb.loader import load

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 60  # seconds; a regression that hangs fails the test instead of CI


@pytest.fixture(autouse=True)
def _own_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test its own data folder, so the KB cache of one test never serves another."""
    monkeypatch.setenv("COACHASSIST_HOME", str(tmp_path / "home"))


def run(*args: str | Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """``coachassist ARGS`` as a real process (so a hang or signal is caught by the timeout)."""
    env = {**os.environ, "LANG": "en_GB.UTF-8", "LC_ALL": ""}
    env.pop("COACHASSIST_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "coachassist", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def teamscan_answers(value: int = 2, **extra: object) -> dict:
    scan = load().questionnaires["teamscan"]
    answers = {
        q.id: (6 - value if q.reverse else value) for q in scan.questions if q.type == "likert"
    }
    return {**answers, **extra}


def write_response(path: Path, answers: dict, version: str = "1.0", role: str = "member") -> Path:
    data = {
        "format": "coachassist-response/1",
        "questionnaire": "teamscan",
        "version": version,
        "role": role,
        "answers": answers,
    }
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def write_intake(path: Path, respondents: list[tuple[str, dict]], **extra: object) -> Path:
    data = {
        "format": "coachassist-intake/1",
        "scan": "teamscan",
        "scan_version": "1.0",
        **extra,
        "responses": [{"id": rid, "role": "member", "answers": a} for rid, a in respondents],
    }
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path

"""Fixtures for the knowledge-base tests: a mini knowledge base in tmp_path and the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from coachassist.cli import main
from tests.kb.kbfiles import write_kb

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A folder holding the complete, valid mini knowledge base."""
    return write_kb(tmp_path / "kb")


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run ``coachassist ARGS`` in-process: (exit code, stdout, stderr)."""

    def run(*args: str | Path) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run

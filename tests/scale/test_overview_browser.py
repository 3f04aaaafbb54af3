"""The overview HTML in headless Chromium: no console messages, the heat map, withheld teams,
trend arrows, and hostile team names shown as text (see tests/test_report_browser.py for how
Chromium is found, installed or skipped)."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachassist.cli import main
from coachassist.kb.loader import load
from tests.scale.teams import write_team
from tests.test_report_browser import chromium, console_messages, run_chromium, screenshot

__all__ = ["chromium"]  # the fixture, imported for pytest
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    kb = load()
    root = tmp_path_factory.mktemp("overview")
    write_team(root / "a-2026-01.toml", kb, n=8, level={"trust": 2.0}, seed=1, title="Team A")
    write_team(
        root / "a-2026-06.toml",
        kb,
        n=8,
        level={"trust": 4.2},
        seed=2,
        title="Team A",
        earlier=["a-2026-01.toml"],
    )
    write_team(root / "b.toml", kb, n=2, level=1.0, seed=3, title="Small team")
    write_team(root / "c.toml", kb, n=9, level=4.5, seed=4, title=HOSTILE)
    out = root / "overview.html"
    assert main(["overview", str(root), "-o", str(out), "--lang", "en"]) == 0
    return out


def test_overview_renders_without_console_messages(chromium, tmp_path, page):
    result = run_chromium(chromium, tmp_path, page, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert console_messages(result.stderr) == []
    dom = result.stdout
    assert "Overview of 3 teams" in dom  # the earlier scan of team A is its trend, not a row
    assert dom.count("<tr>") == 4  # a header and three teams
    assert "withheld (fewer than 3 respondents)" in dom
    assert 'title="improved (+' in dom and "↑" in dom
    assert "<script>" not in dom and "&lt;script&gt;alert(1)" in dom


def test_overview_screenshot(chromium, tmp_path, page):
    target, _ = screenshot(chromium, tmp_path, page, "overview.png", (1200, 900))
    assert target.stat().st_size > 5000

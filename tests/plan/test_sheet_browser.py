"""The facilitation sheet in headless Chromium: renders without console messages, prints on A4,
and a screenshot lands in test-artifacts/. Chromium handling (install, skip, fail on CI) is
that of tests/test_report_browser.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachassist.engine import diagnose
from coachassist.intake.files import load_case
from coachassist.kb.loader import load
from coachassist.plan import build_plan
from coachassist.report.sheet import render_sheet, sheet_view
from tests.plan.test_edits import EXAMPLE
from tests.test_report_browser import (  # noqa: F401  (chromium is a fixture)
    A4_POINTS,
    chromium,
    console_messages,
    pdf_pages,
    run_chromium,
    screenshot,
)


@pytest.fixture(scope="module")
def sheet_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    kb = load()
    intake = load_case(kb, [EXAMPLE])
    dx = diagnose(kb, intake)
    plan = build_plan(kb, dx, intake.context)
    view = sheet_view(kb, dx, plan, 1, "09:30", "nl", intake.title)
    page = tmp_path_factory.mktemp("sheet") / "sheet.html"
    page.write_text(render_sheet(view, "html"), encoding="utf-8")
    return page


def test_sheet_renders_without_console_messages(chromium, tmp_path, sheet_page):  # noqa: F811
    result = run_chromium(chromium, tmp_path, sheet_page, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert console_messages(result.stderr) == []
    assert "Draaiboek sessie 1" in result.stdout and "09:30" in result.stdout


def test_sheet_prints_on_a4(chromium, tmp_path, sheet_page):  # noqa: F811
    boxes = pdf_pages(chromium, tmp_path, sheet_page)
    assert boxes
    for width, height in boxes:
        assert abs(width - A4_POINTS[0]) < 2 and abs(height - A4_POINTS[1]) < 2


def test_sheet_screenshot(chromium, tmp_path, sheet_page):  # noqa: F811
    target, _ = screenshot(chromium, tmp_path, sheet_page, "facilitation-sheet-a4.png")
    assert target.stat().st_size > 1000

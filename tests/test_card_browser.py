"""The format card in headless Chromium: renders without console messages, prints on one A4
page, and a screenshot lands in test-artifacts/. Chromium handling (install, skip, fail on CI)
is that of tests/test_report_browser.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachassist.kb.loader import load
from coachassist.report.card import card_html
from tests.test_report_browser import (  # noqa: F401  (chromium is a fixture)
    A4_PIXELS,
    A4_POINTS,
    chromium,
    console_messages,
    pdf_pages,
    png_summary,
    run_chromium,
    screenshot,
)


@pytest.fixture(scope="module")
def card_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    kb = load()
    page = tmp_path_factory.mktemp("card") / "card.html"
    page.write_text(card_html(kb, kb.formats["lead_out_of_the_room"], "nl"), encoding="utf-8")
    return page


def test_card_renders_without_console_messages(chromium, tmp_path, card_page):  # noqa: F811
    result = run_chromium(chromium, tmp_path, card_page, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert console_messages(result.stderr) == []
    dom = result.stdout
    assert "Leidinggevende even de kamer uit" in dom
    assert dom.count("<li>") >= 6  # the steps and materials are there


def test_card_prints_on_one_a4_page(chromium, tmp_path, card_page):  # noqa: F811
    boxes = pdf_pages(chromium, tmp_path, card_page)
    assert len(boxes) == 1, f"a card should fit one page, got {len(boxes)}"
    width, height = boxes[0]
    assert abs(width - A4_POINTS[0]) < 2 and abs(height - A4_POINTS[1]) < 2


def test_card_screenshot(chromium, tmp_path, card_page):  # noqa: F811
    target, _ = screenshot(chromium, tmp_path, card_page, "format-card.png")
    width, height, busy = png_summary(target.read_bytes())
    assert (width, height) == A4_PIXELS
    assert busy > 0.3, f"the card looks blank ({busy:.0%} of rows have content)"

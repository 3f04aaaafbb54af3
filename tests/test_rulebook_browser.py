"""The rulebook in headless Chromium: it renders without console messages, every section is
there, and a hostile text from a trainer's folder is shown as text, never as markup. Chromium
handling (install, skip, fail on CI) is that of tests/test_report_browser.py."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from coachassist.kb.loader import load
from coachassist.report.rulebook import render_rulebook
from tests.test_report_browser import (  # noqa: F401  (chromium is a fixture)
    chromium,
    console_messages,
    png_summary,
    run_chromium,
    screenshot,
)

HOSTILE = '<img src="https://example.invalid/x.png" onerror="alert(1)">'


@pytest.fixture(scope="module")
def book_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("kb")
    (folder / "rule.toml").write_text(
        '[[rules]]\nid = "my.hostile"\nwhen = ["score.trust.mean < 1.1"]\n'
        'then = { signal = "my_hostile" }\n'
        f"because = {{ nl = '{HOSTILE}', en = '{HOSTILE}' }}\n",
        encoding="utf-8",
    )
    kb = load([folder])
    page = tmp_path_factory.mktemp("book") / "rulebook.html"
    page.write_text(render_rulebook(kb, Counter(), "html", "nl"), encoding="utf-8")
    return page


def test_rulebook_renders_without_console_messages(chromium, tmp_path, book_page):  # noqa: F811
    result = run_chromium(chromium, tmp_path, book_page, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert console_messages(result.stderr) == []
    dom = result.stdout
    assert "Regelboek van de kennisbank" in dom and "Suggestietabel" in dom
    assert dom.count('<div class="rule"') > 100
    assert "&lt;img" in dom and "<img" not in dom  # the hostile text stays text


def test_rulebook_screenshot(chromium, tmp_path, book_page):  # noqa: F811
    target, result = screenshot(chromium, tmp_path, book_page, "rulebook.png")
    assert console_messages(result.stderr) == []
    _, _, busy = png_summary(target.read_bytes())
    assert busy > 0.2, f"the first page looks blank ({busy:.0%} of rows have content)"

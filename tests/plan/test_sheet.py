"""The facilitation sheet: per session, clock times, steps and materials; from the CLI in
Markdown and A4 HTML; hostile text stays text."""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt

from coachassist.cli import main
from coachassist.engine import diagnose
from coachassist.intake.files import load_case
from coachassist.kb.loader import load
from coachassist.plan import build_plan
from coachassist.report.sheet import render_sheet, sheet_view
from tests.plan.test_edits import EXAMPLE

KB = load()


def test_sheet_command_writes_markdown_and_html(tmp_path: Path, capsys):
    assert main(["sheet", str(EXAMPLE), "--session", "2", "--start", "13:00", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Facilitation sheet, session 2")
    assert "| 13:00–" in out and "- [ ] 13:00" in out
    target = tmp_path / "sheet.html"
    assert main(["sheet", str(EXAMPLE), "--format", "html", "-o", str(target)]) == 0
    html = target.read_text("utf-8")
    assert "@page { size: A4" in html and "default-src 'none'" in html and "<script" not in html


def test_sheet_errors_are_one_line(capsys):
    assert main(["sheet", str(EXAMPLE), "--session", "9"]) == 2
    err = capsys.readouterr().err
    assert "no such session" in err and err.count("\n") == 1
    assert main(["sheet", str(EXAMPLE), "--start", "9h"]) == 2
    assert "HH:MM" in capsys.readouterr().err


def test_hostile_title_stays_text():
    intake = load_case(KB, [EXAMPLE])
    dx = diagnose(KB, intake)
    plan = build_plan(KB, dx, intake.context)
    title = "<script>alert(1)</script> [x](http://evil) # head"
    view = sheet_view(KB, dx, plan, 1, "09:00", "en", title)
    html = render_sheet(view, "html")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    tokens = MarkdownIt("commonmark").parse(render_sheet(view, "md"))
    assert not [t for t in tokens if t.type in ("html_block", "html_inline")]
    links = [c for t in tokens for c in (t.children or []) if c.type == "link_open"]
    assert not links

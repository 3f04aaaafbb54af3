"""Names, texts and answers are shown as they are: markup, control characters and escape
sequences in a knowledge base, an intake or a diagnosis never style, link or crash the app."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import tomli_w
from textual.widgets import Collapsible, OptionList, Select

from coachassist.diagnosis import Gap
from coachassist.intake.models import Respondent
from coachassist.intake.progress import IntakeProgress
from coachassist.kb.loader import load
from coachassist.kb.models import Text
from coachassist.tui.screens.format_detail import FormatScreen
from coachassist.tui.screens.library import LibraryScreen
from coachassist.tui.screens.question import QuestionScreen
from coachassist.tui.screens.results import ResultsScreen

from .conftest import KB_DIR, write_intake
from .fakes import diagnosis
from .test_flow import SIZE, Host, screen_text, text_of

MARKUP = "[bold red]LOUD[/] [/] [link=https://evil.example]click[/link] [@click=app.quit]q[/]"
CONTROL = "a\x1b[31mred\x1b[0m b\x07c\x08d\x1b]8;;https://evil.example\x1b\\e"
HOSTILE = f"{MARKUP} {CONTROL}"


SHOWN = "a␛[31mred␛[0m b␇c␈d␛]8;;https://evil.example␛\\e"  # CONTROL, with ESC etc. made visible


def _toml_string(text: str) -> str:
    return tomli_w.dumps({"x": text}).split("=", 1)[1].strip()


@pytest.fixture
def hostile_kb(tmp_path: Path):
    folder = tmp_path / "kb"
    shutil.copytree(KB_DIR, folder)
    replacements = {
        "questionnaires/scan.toml": [
            '"In this team I can admit a mistake."',
            '"Strongly disagree"',
        ],
        "rules/formats.toml": [
            '"Check-in: what do you wish this team?"',
            '"Ask: what do you wish this team?"',
        ],
        "rules/dysfunctions.toml": ['"Absence of trust"'],
    }
    for name, olds in replacements.items():
        path = folder / name
        text = path.read_text("utf-8")
        for old in olds:
            assert old in text, (name, old)
            text = text.replace(old, _toml_string(HOSTILE))
        path.write_text(text, "utf-8")
    return load([folder], bundled=False)


def hostile_progress(tmp_path: Path, kb) -> IntakeProgress:
    path = write_intake(
        tmp_path / "team.toml",
        [Respondent(id="r01", lang="en", answers={"keep_text": HOSTILE})],
        title=HOSTILE,
    )
    return IntakeProgress.open(kb, path)


async def test_question_screen_shows_hostile_texts_literally(tmp_path: Path, hostile_kb) -> None:
    progress = hostile_progress(tmp_path, hostile_kb)
    host = Host(QuestionScreen(progress, "r01", progress.scan.questions[0]))
    async with host.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = screen_text(host)
        assert text_of(host, "#question-text") == f"{MARKUP} {SHOWN}"
        assert MARKUP in shown  # the option label and the title, with their brackets
        assert "\x1b" not in text_of(host, "#question-text")
        await pilot.press("1")  # answering works; nothing was a link or an action
        assert host.is_running


def hostile_diagnosis():
    base = diagnosis()
    hostile = Text(nl=HOSTILE, en=HOSTILE)
    evidence = base.findings[1].evidence[0].model_copy(update={"because": hostile})
    findings = [
        f.model_copy(update={"name": hostile, "explanation": hostile, "evidence": [evidence]})
        for f in base.findings
    ]
    return base.model_copy(
        update={
            "findings": findings,
            "scores": [s.model_copy(update={"name": hostile}) for s in base.scores],
            "suggestions": [s.model_copy(update={"name": hostile}) for s in base.suggestions],
            "notes": [hostile],
            "gaps": [
                Gap(scale="trust", name=hostile, direction="lead_lower", value=-1.2, large=True)
            ],
            "open_answers": {"keep_text": [HOSTILE, "[/]"]},
        }
    )


async def test_results_screen_shows_hostile_texts_literally(tmp_path: Path, hostile_kb) -> None:
    progress = hostile_progress(tmp_path, hostile_kb)
    host = Host(ResultsScreen(hostile_kb, progress, lambda intake: hostile_diagnosis()))
    async with host.run_test(size=(100, 60)) as pilot:
        await pilot.pause()
        for collapsible in host.screen.query(Collapsible):
            collapsible.collapsed = False
        await pilot.pause()
        titles = text_of(host, "CollapsibleTitle")
        assert MARKUP in titles
        shown = screen_text(host)
        assert shown.count(MARKUP) >= 6  # notes, gaps, evidence, explanations, answers, formats
        assert MARKUP in text_of(host, "#gaps")
        assert "\x1b" not in shown
        host.lang = "nl"
        await pilot.pause()
        assert host.is_running


async def test_library_and_format_show_hostile_texts_literally(hostile_kb) -> None:
    host = Host(LibraryScreen(hostile_kb))
    async with host.run_test(size=SIZE) as pilot:
        await pilot.pause()
        listing = host.screen.query_one("#formats", OptionList)
        assert any(MARKUP in str(o.prompt) for o in listing.options)
        dysfunctions = host.screen.query_one("#dysfunction", Select)
        assert any(MARKUP in str(prompt) for prompt, _ in dysfunctions._options)
        await pilot.press(*"wish")  # search still works on hostile names
        listing.focus()
        listing.highlighted = 0
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(host.screen, FormatScreen)
        assert MARKUP in screen_text(host)
        assert host.is_running

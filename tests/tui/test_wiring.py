"""The wave-1 core features as a user meets them in the app: the lead's consent, privacy on the
results, the client and coach reports, collecting on phones, the library search and the card."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList

from coachassist.diagnosis import PrivacyInfo
from coachassist.intake.models import Respondent
from coachassist.intake.store import claim
from coachassist.tui.app import create_app
from coachassist.tui.screens.between import BetweenScreen
from coachassist.tui.screens.collect import CollectScreen
from coachassist.tui.screens.consent import ConsentScreen
from coachassist.tui.screens.export_report import ExportScreen
from coachassist.tui.screens.format_detail import FormatScreen
from coachassist.tui.screens.library import LibraryScreen
from coachassist.tui.screens.question import QuestionScreen
from coachassist.tui.screens.results import ResultsScreen

from ..intake.phone import Phone
from .conftest import KB_DIR, make_app, write_intake
from .fakes import diagnosis, fake_diagnose

SIZE = (80, 24)
FULL = {"trust_1": 4, "trust_2": 2, "conflict_1": 4, "keep_text": "De humor"}


def text_of(app: Any, selector: str = "Static") -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(selector))


def read(path: Path) -> dict:
    return tomllib.loads(path.read_text("utf-8"))


def members(n: int) -> list[Respondent]:
    return [Respondent(id=f"r{i + 1:02d}", lang="en", answers=dict(FULL)) for i in range(n)]


def recorded(app: Any) -> list[str]:
    """Collect what the app shows as notifications."""
    shown: list[str] = []
    app.notify = lambda message, **_: shown.append(str(message))
    return shown


# --- the lead's consent (issue 10) -------------------------------------------------------------


@pytest.mark.parametrize("agrees", [True, False])
async def test_the_leads_consent_is_saved_and_honoured_on_the_results(
    tmp_path: Path, agrees: bool
) -> None:
    path = write_intake(tmp_path / "team.toml", members(3))
    app = make_app("en", path, diagnose=None)  # the real engine on the test knowledge base
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BetweenScreen)
        await pilot.press("2")  # the team lead
        assert isinstance(app.screen, ConsentScreen)
        assert "the lead's view" in text_of(app)
        await pilot.press("1" if agrees else "2")
        assert isinstance(app.screen, QuestionScreen) and app.screen.qid == "trust_1"
        assert read(path)["responses"][3]["lead_view_consent"] is agrees  # saved at once
        await pilot.press("1", "5", "1", "3", "enter")  # the lead's answers, keep_text skipped
        assert isinstance(app.screen, BetweenScreen)
        await pilot.press("3")  # results
        assert isinstance(app.screen, ResultsScreen)
        await pilot.pause()
        shown = text_of(app, "Static, Label")
        assert ("The lead's view" in shown) is agrees
        assert ("points lower than the members" in shown) is agrees
        if not agrees:
            assert "did not agree" in shown and not app.screen.query("#gaps")


async def test_an_answered_consent_is_not_asked_again_on_resume(tmp_path: Path) -> None:
    path = write_intake(tmp_path / "team.toml", members(1))
    app = make_app("en", path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("2", "2")  # a lead, who does not agree
        assert isinstance(app.screen, QuestionScreen)
        session = app.screen.session
        app.exit()  # the app stops before the lead's first answer (a crash, a closed laptop)
    session.release()  # as the OS does when a process ends
    app = make_app("en", path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuestionScreen) and screen.respondent == "r02"
        assert read(path)["responses"][1]["lead_view_consent"] is False


async def test_a_self_scan_lead_is_never_asked(tmp_path: Path) -> None:
    app = make_app("en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "enter")  # self-scan
        await pilot.press("1", "6", "enter", "2", "enter", "enter", "x", "enter")  # context
        assert isinstance(app.screen, QuestionScreen)  # straight to the scan


# --- the results read the Diagnosis privacy fields ---------------------------------------------


async def test_a_team_below_the_threshold_shows_how_many_more_are_needed(tmp_path: Path) -> None:
    path = write_intake(tmp_path / "team.toml", members(2))
    app = make_app("en", path, diagnose=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("3")
        screen = app.screen
        assert isinstance(screen, ResultsScreen) and screen.diagnosis is not None
        assert "1 more respondent(s) needed" in text_of(app)
        assert not screen.query("#bars") and not screen.query("#pyramid")
        assert "2.0" not in text_of(app) and "4.0" not in text_of(app)  # no score anywhere


def low_threshold(kb: Any, intake: Any, *, min_group: int | None = None) -> Any:
    return diagnosis(2).model_copy(update={"privacy": PrivacyInfo(low_threshold=True)})


async def test_a_low_threshold_is_loud_and_refuses_the_client_report(tmp_path: Path) -> None:
    path = write_intake(tmp_path / "team.toml", members(1), min_group=2)
    app = make_app("en", path, diagnose=low_threshold)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("3")
        assert "WARNING: the threshold is 2" in text_of(app, "#low-threshold")
        await pilot.press("e")
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("1")  # for the client: refused, in one line, the coach report offered
        assert isinstance(app.screen, ExportScreen)
        problem = text_of(app, "#export-problem")
        assert "client report needs a threshold of 3" in problem and "\n" not in problem
        assert app.screen.query_one("#audience", OptionList).highlighted == 1
        await pilot.press("enter")  # the coach report
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)
    assert not list(tmp_path.glob("*-report-client.*"))
    coach = (tmp_path / "team-report-coach.md").read_text("utf-8")
    assert "trust.dysfunction.low" in coach  # the coach report has the rule ids


async def test_the_share_tick_is_saved_in_the_intake(tmp_path: Path) -> None:
    path = write_intake(tmp_path / "team.toml", members(3))
    app = make_app("en", path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("3", "e")
        assert isinstance(app.screen, ExportScreen)
        await pilot.click("#share")
        await pilot.pause()
        assert read(path)["share_observations"] is True
        await pilot.press("escape")
        assert isinstance(app.screen, ResultsScreen)


# --- collecting on phones (issue 11) -----------------------------------------------------------


async def answer_everything(url: str) -> None:
    async with Phone(url) as phone:
        await phone.start()
        while phone.question:
            await phone.answer("ok" if phone.question == "keep_text" else 3)


async def test_collect_from_the_between_screen_and_the_results_refresh(tmp_path: Path) -> None:
    path = write_intake(tmp_path / "team.toml", members(1))
    seen: list[int] = []

    def counting(kb: Any, intake: Any, *, min_group: int | None = None) -> Any:
        seen.append(len(intake.responses))
        return fake_diagnose(kb, intake, min_group=min_group)

    app = make_app("en", path, diagnose=counting)
    app.collect_host = "127.0.0.1"
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.pause()
        await pilot.press("4")  # collect answers on phones
        screen = app.screen
        assert isinstance(screen, CollectScreen)
        await pilot.pause()
        assert screen.server is not None and screen.server.running
        await answer_everything(screen.server.url)
        await pilot.pause()
        assert "Finished: 1" in text_of(app, "#collect-counts")
        await pilot.press("ctrl+l")  # the collect screen follows the language too
        await pilot.pause()
        assert "Klaar: 1" in text_of(app, "#collect-counts")
        assert "Scan de QR-code" in text_of(app, "#collect-link")
        await pilot.press("ctrl+l")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BetweenScreen)
        assert "Respondents so far: 2" in text_of(app, "#summary")
        await pilot.press("3")
        assert isinstance(app.screen, ResultsScreen) and seen == [2]
        await pilot.press("t")  # collect again, from the results (T: telefoons, phones)
        assert isinstance(app.screen, CollectScreen)
        await pilot.pause()
        assert app.screen.server is not None
        await answer_everything(app.screen.server.url)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ResultsScreen)
        assert seen == [2, 3]  # closing the collect screen made the results anew
    assert sum(r["id"].startswith("w-") for r in read(path)["responses"]) == 2


async def test_the_apps_respondents_are_numbered_without_the_phones(tmp_path: Path) -> None:
    web = Respondent(id="w-abc123", lang="en", answers=dict(FULL))
    path = write_intake(tmp_path / "team.toml", [web, *members(1)])
    app = make_app("en", path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("1")  # the next team member, the app's second
        assert isinstance(app.screen, QuestionScreen)
        assert "respondent 2 (team member)" in text_of(app, "TitleBar")


async def test_a_respondent_open_in_another_app_is_not_continued_and_said(tmp_path: Path) -> None:
    path = write_intake(
        tmp_path / "team.toml", [Respondent(id="r01", lang="en", answers={"trust_1": 4})]
    )
    lease = claim(path, "r01")  # another app instance answers r01
    assert lease is not None
    app = make_app("en", path)
    shown = recorded(app)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, BetweenScreen)
            assert any("another window of the app" in note for note in shown)
    finally:
        lease.release()


# --- opening an intake answered with an older, compatible questionnaire (issue 9) ----------------


async def test_a_compatible_older_version_is_noted_when_opened(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    scan = kb / "questionnaires" / "scan.toml"
    scan.write_text(scan.read_text("utf-8").replace('"test-1"', '"1.1"'), "utf-8")
    path = write_intake(tmp_path / "team.toml", members(1), scan_version="1.0")
    app = create_app([kb], "en", path, bundled=False, diagnose=fake_diagnose)
    shown = recorded(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BetweenScreen)
    assert any("1.0" in note and "1.1" in note for note in shown), shown


# --- the library (issue 17) ------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "word"), [("nl", "botsen"), ("en", "clash")])
async def test_a_word_only_in_the_steps_finds_the_format(lang: str, word: str) -> None:
    app = make_app(lang)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press(*word)
        listing = app.screen.query_one("#formats", OptionList)
        assert [o.id for o in listing.options] == ["what_to_argue_about"]
        found = "found in: steps" if lang == "en" else "gevonden in: stappen"
        assert found in str(listing.get_option_at_index(0).prompt)
        core = "The main work of a session" if lang == "en" else "Het hoofdwerk van een sessie"
        assert core in text_of(app, "#labels")  # the "core" label, explained


async def test_the_phase_filter(tmp_path: Path) -> None:
    app = make_app("en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        app.screen.query_one("#phase").value = "opening"
        await pilot.pause()
        listing = app.screen.query_one("#formats", OptionList)
        assert [o.id for o in listing.options] == ["checkin_wish"]
        assert "recurring" in text_of(app, "#labels")


async def test_the_format_card_is_saved_from_the_format_screen(private_home: Path) -> None:
    app = make_app("nl")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "enter", "enter")  # Enter: to the list, then the first format
        assert isinstance(app.screen, FormatScreen)
        fmt = app.screen.fmt
        await pilot.press("c")
        await pilot.pause()
    folder = private_home / "intakes"
    markdown = (folder / f"{fmt.id}-card.md").read_text("utf-8")
    html = (folder / f"{fmt.id}-card.html").read_text("utf-8")
    assert fmt.name("nl").split(":")[0] in markdown and "Stappen" in markdown
    assert html.startswith("<!DOCTYPE html>") and 'lang="nl"' in html


def test_a_withheld_condition_gets_no_verdict() -> None:
    from coachassist.kb.loader import load
    from coachassist.tui.render import evidence_text

    from .fakes import CONFLICT_EVIDENCE

    kb = load([KB_DIR], bundled=False)
    lines = evidence_text([CONFLICT_EVIDENCE], "en", lambda key: key, kb, diagnosis()).plain
    conditions = [line.strip() for line in lines.splitlines() if line.startswith("    ")]
    assert len(conditions) == 2
    withheld, measured = conditions
    assert withheld.startswith("· Open conflict: lead minus members: not shown")
    assert "1.0" not in withheld and "✓" not in withheld and "✗" not in withheld
    assert measured.startswith("✓") and "(measured: 3.00)" in measured


async def test_a_sheet_of_personal_codes_to_print(tmp_path: Path) -> None:
    import re

    from coachassist.collect.state import Secrets

    path = write_intake(tmp_path / "team.toml", members(1))
    app = make_app("en", path)
    app.collect_host = "127.0.0.1"
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.pause()
        await pilot.press("4")
        assert isinstance(app.screen, CollectScreen)
        app.screen.query_one("#collect-ncodes").value = "3"
        await pilot.click("#collect-codes")
        await pilot.pause()
    sheet = (tmp_path / "team-codes.html").read_text("utf-8")
    codes = re.findall(r'<p class="code">([A-Z0-9]{4}-[A-Z0-9]{4})</p>', sheet)
    assert len(set(codes)) == 3 and "Content-Security-Policy" in sheet
    stored = Secrets.load_or_create(path).codes
    assert len(stored) == 3 and not set(codes) & set(stored)  # only hashes are stored


async def test_a_lock_that_cannot_be_taken_is_a_failed_save_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coachassist.errors import UserError
    from coachassist.intake import store

    path = write_intake(
        tmp_path / "team.toml", [Respondent(id="r01", lang="en", answers={"trust_1": 4})]
    )

    def no_lock(path: Path) -> Any:
        raise UserError(f"{path}: cannot lock (Read-only file system)")

    app = make_app("en", path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        monkeypatch.setattr(store, "exclusive", no_lock)
        await pilot.press("2")
        assert app.screen.qid == "conflict_1"  # the answer is kept, the respondent goes on
        assert "NOT SAVED" in text_of(app, "#unsaved") and "cannot lock" in text_of(app)


# --- how the new screens look (80x24, both languages) ---------------------------------------------


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize(
    "keys", [("2",), ("3", "e"), ("escape", "4")], ids=["consent", "export", "library"]
)
def test_new_screens_look(snap_compare, tmp_path: Path, lang: str, keys: tuple[str, ...]) -> None:
    path = write_intake(tmp_path / "team.toml", members(3))
    assert snap_compare(make_app(lang, path), press=list(keys))


async def test_a_library_only_format_says_why_it_is_never_suggested() -> None:
    from coachassist.kb.cache import load_cached

    from .test_flow import Host

    kb = load_cached([], bundled=True)
    fmt = next(f for f in kb.formats.values() if f.library_only is not None)
    host = Host(LibraryScreen(kb))
    async with host.run_test(size=SIZE) as pilot:
        await pilot.pause()
        listing = host.screen.query_one("#formats", OptionList)
        listing.highlighted = next(
            i for i, option in enumerate(listing.options) if option.id == fmt.id
        )
        await pilot.pause()
        shown = text_of(host, "#labels")
        assert "library only" in shown and "Why library only" in shown
        assert fmt.library_only is not None and fmt.library_only("en")[:40] in shown

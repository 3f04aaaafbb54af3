"""Headless walks through the app at 80x24, by keyboard and by mouse."""

from __future__ import annotations

import tomllib
from pathlib import Path

from textual.widgets import Collapsible, OptionList, Static

from coachassist.intake.models import Respondent
from coachassist.tui.app import create_app
from coachassist.tui.screens.between import BetweenScreen
from coachassist.tui.screens.consent import ConsentScreen
from coachassist.tui.screens.context import ContextScreen
from coachassist.tui.screens.error import ErrorScreen
from coachassist.tui.screens.format_detail import FormatScreen
from coachassist.tui.screens.library import LibraryScreen
from coachassist.tui.screens.question import QuestionScreen
from coachassist.tui.screens.results import ResultsScreen
from coachassist.tui.screens.start import StartScreen

from .conftest import make_app, write_intake

SIZE = (80, 24)


def keys_for(text: str) -> list[str]:
    return ["space" if c == " " else c for c in text]


def text_of(app, selector: str = "Static") -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(selector))


def read(path: Path) -> dict:
    return tomllib.loads(path.read_text("utf-8"))


async def test_whole_intake_with_two_respondents_by_keyboard(private_home: Path) -> None:
    app = make_app("nl")
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, StartScreen)
        await pilot.press("1")  # new coach intake
        await pilot.press(*keys_for("Team Noord"), "enter")
        assert isinstance(app.screen, ContextScreen)
        path = app.screen.session.path
        assert path.parent == private_home / "intakes"
        await pilot.press("2")  # team_type: one_team
        await pilot.press("8", "enter")  # team_size
        await pilot.press("1")  # recent_reorganisation: yes -> shows reorganisation_done
        assert app.screen.qid == "reorganisation_done"
        await pilot.press("2")  # no
        await pilot.press("1", "3", "enter")  # observed: two ticks
        await pilot.press(*keys_for("Meer samenwerking"), "enter")
        assert isinstance(app.screen, BetweenScreen)
        context = read(path)["context"]
        assert context == {
            "team_type": "one_team",
            "team_size": 8,
            "recent_reorganisation": "yes",
            "reorganisation_done": "no",
            "observed": ["behind_backs", "unclear_priorities"],
            "client_question": "Meer samenwerking",
        }

        await pilot.press("1")  # respondent 1: team member
        assert isinstance(app.screen, QuestionScreen)
        await pilot.press("4", "2", "6")  # trust_1, trust_2, conflict_1 = don't know
        await pilot.press(*keys_for("De humor"), "enter")
        assert isinstance(app.screen, BetweenScreen)
        await pilot.press("2")  # respondent 2: team lead; sees lead_load
        assert isinstance(app.screen, ConsentScreen)  # first: the lead's view, yes or no
        await pilot.press("1")  # yes
        await pilot.press("down", "down", "enter")  # trust_1 = 2 by arrows + Enter
        await pilot.press("4", "3", "1", "enter")  # ..., lead_load = 1, keep_text skipped
        assert isinstance(app.screen, BetweenScreen)

        responses = read(path)["responses"]
        assert [r["role"] for r in responses] == ["member", "lead"]
        assert responses[1]["lead_view_consent"] is True
        assert responses[0].get("lead_view_consent", False) is False  # only the lead is asked
        assert responses[0]["answers"] == {
            "trust_1": 4,
            "trust_2": 2,
            "conflict_1": "dont_know",
            "keep_text": "De humor",
        }
        assert responses[1]["answers"] == {
            "trust_1": 2,
            "trust_2": 4,
            "conflict_1": 3,
            "lead_load": 1,
        }

        await pilot.press("3")  # results
        assert isinstance(app.screen, ResultsScreen)
        first = app.screen.query(Collapsible).first()
        assert first.id == "finding-absence_of_trust"  # high severity first
        assert first.collapsed
        await pilot.press("enter")  # the first finding has the focus: one Enter opens it
        assert not first.collapsed
        evidence = text_of(app, "Collapsible Static")
        assert "trust.dysfunction.low" in evidence  # the rule and, in words, its condition
        assert "score.trust.mean" not in evidence  # no condition syntax on screen
        assert "Vertrouwen en veiligheid: gemiddelde teamscore is lager dan 2,60" in evidence
        assert "(gemeten: 2,25)" in evidence

        suggestions = app.screen.query_one("#suggestions", OptionList)
        suggestions.focus()
        await pilot.press("enter")
        assert isinstance(app.screen, FormatScreen)
        assert "Stel de vraag: wat gun jij dit team?" in text_of(app)
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, BetweenScreen)


async def test_next_respondent_sees_nothing_of_the_previous_one() -> None:
    app = make_app("en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "enter")
        await pilot.press("1", "9", "enter", "2", "enter", "x", "enter")
        await pilot.press("1", "5", "5", "5", "enter")  # member 1 answers, skips the text
        await pilot.press("1")  # next member
        screen = app.screen
        assert isinstance(screen, QuestionScreen) and screen.qid == "trust_1"
        assert screen.query_one("#answer", OptionList).highlighted is None
        assert "respondent 2" in text_of(app, "TitleBar")


async def test_required_questions_cannot_be_skipped_and_back_goes_back() -> None:
    app = make_app("en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "enter")
        assert app.screen.qid == "team_type"
        await pilot.click("#next")
        assert app.screen.qid == "team_type"
        assert "required" in text_of(app, "#problem")
        await pilot.press("3")
        await pilot.press("enter")  # empty team size: required
        assert app.screen.qid == "team_size"
        await pilot.press("1", "enter")  # 1 is below the minimum of 2
        assert app.screen.qid == "team_size"
        assert "too low; the smallest number is 2" in text_of(app, "#problem")
        await pilot.press("2", "enter")
        assert app.screen.qid == "recent_reorganisation"
        await pilot.press("3")  # the Skip option
        assert app.screen.qid == "observed"
        await pilot.press("escape")
        assert app.screen.qid == "recent_reorganisation"
        await pilot.press("escape", "escape")
        assert app.screen.qid == "team_type"
        assert app.screen.query_one("#answer", OptionList).highlighted == 2
        await pilot.press("escape")  # before the first question: back to the start
        assert isinstance(app.screen, StartScreen)


async def test_mouse_clicks_choose_answers() -> None:
    app = make_app("en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#menu", offset=(5, 2))  # second line: self-scan
        await pilot.click("#start")
        assert isinstance(app.screen, ContextScreen)
        answer = app.screen.query_one("#answer", OptionList)
        await pilot.click("#answer", offset=(5, 4))  # below the border: the 4th option
        await pilot.pause()
        assert app.screen.walk.answers["team_type"] == "whole_organisation"
        assert answer is not app.screen.query_one("#answer")


async def test_self_scan_is_one_lead_and_shows_everything() -> None:
    app = make_app("nl")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "enter")
        session = app.screen.session
        assert session.intake.min_group == 1 and session.mode == "self"
        await pilot.press("1", "6", "enter", "2", "enter", "enter", "x", "enter")
        assert isinstance(app.screen, QuestionScreen)
        assert session.intake.responses[0].role == "lead"
        await pilot.press("5", "5", "5", "5", "enter")
        assert isinstance(app.screen, BetweenScreen)
        # results, start, edit the context, remove a respondent
        assert len(app.screen.query_one("#next", OptionList).options) == 4
        await pilot.press("1")
        assert isinstance(app.screen, ResultsScreen)
        assert "enige respondent" in text_of(app)
        assert "Telefoons" not in text_of(app, "FooterKey")  # no collecting for a self-scan


async def test_reopening_resumes_at_the_first_unanswered_question(tmp_path: Path) -> None:
    path = write_intake(
        tmp_path / "team.toml",
        [
            Respondent(id="r01", role="member", answers={"trust_1": 4, "trust_2": 3}),
            Respondent(id="r02", role="lead", lang="en", answers={"trust_1": 2}),
        ],
    )
    app = make_app("en", path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuestionScreen)
        assert (screen.respondent, screen.qid) == ("r02", "trust_2")
        assert "question 2 of 5" in text_of(app, "#counter")
        await pilot.press("5")
        assert read(path)["responses"][1]["answers"] == {"trust_1": 2, "trust_2": 5}


async def test_language_switch_keeps_typed_text(tmp_path: Path) -> None:
    path = write_intake(
        tmp_path / "team.toml",
        [Respondent(id="r01", lang="en", answers={"trust_1": 4, "trust_2": 3, "conflict_1": 2})],
    )
    app = make_app("nl", path)  # the respondent answered in English: the app resumes in it
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.qid == "keep_text"
        await pilot.press(*keys_for("half typed"))
        assert "What do you certainly want" in text_of(app)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert app.lang == "nl"
        assert "Wat wil je in dit team zeker behouden?" in text_of(app)
        assert "vraag 4 van 4" in text_of(app, "#counter")
        assert app.screen.query_one("#answer").text == "half typed"
        assert "Terug" in text_of(app, "FooterKey")
        await pilot.press("enter")
        assert read(path)["responses"][0]["answers"]["keep_text"] == "half typed"
        assert read(path)["responses"][0]["lang"] == "nl"


async def test_damaged_intake_is_shown_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    damaged = b'format = "coachassist-intake/1"\ntitle = "Team\n[[responses]\n'
    path.write_bytes(damaged)
    app = make_app("en", path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        assert "cannot be opened" in text_of(app, "TitleBar")
        assert "not valid TOML" in text_of(app)
        await pilot.press("escape")
        assert isinstance(app.screen, StartScreen)
    assert path.read_bytes() == damaged


async def test_intake_that_does_not_fit_the_questionnaire_is_refused(tmp_path: Path) -> None:
    path = write_intake(tmp_path / "odd.toml", [Respondent(id="r01", answers={"trust_1": 9})])
    before = path.read_bytes()
    app = make_app("en", path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        assert "out of range" in text_of(app)
    assert path.read_bytes() == before


async def test_knowledge_base_problems_are_listed_not_raised(tmp_path: Path) -> None:
    bad = tmp_path / "kb"
    bad.mkdir()
    (bad / "formats.toml").write_text('[[formats]]\nid = "Bad Id"\n', "utf-8")
    app = create_app([bad], "en", bundled=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        assert "formats.toml" in text_of(app)
        await pilot.press("escape")
        assert isinstance(app.screen, ErrorScreen)  # nothing to go back to


async def test_engine_failure_is_a_message(tmp_path: Path) -> None:
    def broken(kb, intake, *, min_group=None):
        raise ValueError("no respondents with enough answers")

    path = write_intake(
        tmp_path / "team.toml", [Respondent(id="r01", lang="en", answers={"trust_1": 4})]
    )
    app = make_app("en", path, diagnose=broken)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        from coachassist.intake.progress import IntakeProgress

        app.push_screen(ResultsScreen(app.kb, IntakeProgress.open(app.kb, path), app.diagnose))
        await pilot.pause()
        assert "could not be made" in text_of(app)
        assert "no respondents with enough answers" in text_of(app)


async def test_library_search_and_filters() -> None:
    app = make_app("en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        assert isinstance(app.screen, LibraryScreen)
        listing = app.screen.query_one("#formats", OptionList)
        assert listing.option_count == 3
        await pilot.press(*keys_for("disagree"))
        assert [o.id for o in listing.options] == ["what_to_argue_about"]
        for _ in "disagree":
            await pilot.press("backspace")
        app.screen.query_one("#setting").value = "whole_organisation"
        await pilot.pause()
        assert [o.id for o in listing.options] == ["team_charter"]
        app.screen.query_one("#setting").clear()
        app.screen.query_one("#minutes").value = 60
        await pilot.pause()
        assert {o.id for o in listing.options} == {"checkin_wish", "what_to_argue_about"}
        app.screen.query_one("#dysfunction").value = "fear_of_conflict"
        await pilot.pause()
        assert [o.id for o in listing.options] == ["what_to_argue_about"]
        app.screen.query_one("#group").value = "20"
        await pilot.pause()
        assert listing.option_count == 0
        app.screen.query_one("#group").value = "6"
        await pilot.pause()
        listing.focus()
        await pilot.press("enter")
        assert isinstance(app.screen, FormatScreen)
        assert "Sticky notes and markers" in text_of(app)


async def test_recent_intakes_are_listed_and_open(tmp_path: Path) -> None:
    path = write_intake(tmp_path / "team.toml", [Respondent(id="r01", answers={})])
    app = make_app("en", path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        await pilot.press("escape")  # first question, no answers: back to the start
        assert isinstance(app.screen, StartScreen)
        recent = app.screen.query_one("#recent", OptionList)
        assert recent.get_option_at_index(0).id == str(path.resolve())
        recent.focus()
        recent.highlighted = 0
        await pilot.press("enter")
        assert isinstance(app.screen, BetweenScreen)  # the empty respondent was dropped
        assert Static  # imported for text_of users


async def test_open_screen_takes_a_typed_path(tmp_path: Path) -> None:
    path = write_intake(tmp_path / "team.toml", [Respondent(id="r01", answers={"trust_1": 4})])
    app = make_app("en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        assert type(app.screen).__name__ == "OpenScreen"
        app.screen.query_one("#path").focus()
        await pilot.press(*keys_for(str(path)), "enter")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        assert app.screen.qid == "trust_2"


async def test_a_new_path_on_the_command_line_starts_a_new_intake(tmp_path: Path) -> None:
    path = tmp_path / "new-team.toml"
    app = make_app("en", path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "NewIntakeScreen"
        await pilot.press(*keys_for("Team West"), "enter")
        assert isinstance(app.screen, ContextScreen)
        assert read(path)["title"] == "Team West"


async def test_an_engine_crash_leaves_the_app_running(tmp_path: Path) -> None:
    import signal

    from coachassist.engine import diagnose, supervisor
    from coachassist.intake.progress import IntakeProgress

    answers = {"trust_1": 2, "trust_2": 4}
    responses = [Respondent(id=f"r0{i}", lang="en", answers=answers) for i in range(3)]
    path = write_intake(tmp_path / "team.toml", responses)
    app = make_app("en", path, diagnose=diagnose)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        supervisor.crash_next_evaluation_for_test(signal.SIGSEGV)
        app.push_screen(ResultsScreen(app.kb, IntakeProgress.open(app.kb, path), app.diagnose))
        await pilot.pause()
        assert "could not be made" in text_of(app)
        assert "SIGSEGV" in text_of(app)
        app.pop_screen()
        app.push_screen(
            ResultsScreen(app.kb, IntakeProgress.open(app.kb, path), app.diagnose)
        )  # the next try works
        await pilot.pause()
        assert "could not be made" not in text_of(app)

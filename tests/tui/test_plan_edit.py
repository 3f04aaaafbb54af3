"""Pilot walks through the coach's plan: swap, remove, move, lock, new limits, saved in the
intake; and session mode, with a fake clock: the countdown advances, pauses and extends."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from coachassist.engine import diagnose
from coachassist.intake.files import read_intake
from coachassist.intake.progress import IntakeProgress
from coachassist.kb.loader import load
from coachassist.plan import build_plan
from coachassist.tui.screens.plan import PlanScreen
from coachassist.tui.screens.plan_pick import LimitsScreen, PickFormatScreen, StartTimeScreen
from coachassist.tui.screens.session_run import SessionRunScreen

from .test_flow import Host

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "ketenoverleg_sociaal_domein.toml"
SIZE = (100, 30)


class FakeClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def kb():
    return load()


def plan_screen(kb, tmp_path: Path, clock=None) -> tuple[PlanScreen, Path]:
    path = tmp_path / "team.toml"
    shutil.copy(EXAMPLE, path)
    progress = IntakeProgress.open(kb, path)
    dx = diagnose(kb, progress.intake)
    plan = build_plan(kb, dx, progress.intake.context, edits=progress.intake.plan)
    return PlanScreen(kb, progress, dx, plan, clock), path


async def highlight(pilot, screen: PlanScreen, session: int, index: int) -> None:
    items = screen.query_one("#plan-items", OptionList)
    items.highlighted = items.get_option_index(f"{session}:{index}")
    await pilot.pause()


def first_core(screen: PlanScreen, session: int = 0) -> int:
    return next(n for n, i in enumerate(screen.plan.sessions[session].items) if i.role == "core")


async def test_swap_remove_lock_are_saved_in_the_intake(kb, tmp_path):
    screen, path = plan_screen(kb, tmp_path)
    app = Host(screen)
    async with app.run_test(size=SIZE) as pilot:
        index = first_core(screen)
        before = screen.plan.sessions[0].items[index].format
        await highlight(pilot, screen, 0, index)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, PickFormatScreen)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.screen is screen
        after = screen.plan.sessions[0].items[index]
        assert after.format != before and after.locked
        saved = read_intake(path).plan
        assert saved is not None and saved.layout[0].items[index].format == after.format
        assert screen.plan.edited
        # lock toggles off, remove takes it out and remembers it
        await highlight(pilot, screen, 0, index)
        await pilot.press("v")
        await pilot.pause()
        assert not read_intake(path).plan.layout[0].items[index].locked
        await pilot.press("delete")
        await pilot.pause()
        saved = read_intake(path).plan
        assert after.format in saved.removed
        assert after.format not in [i.format for i in saved.layout[0].items]


async def test_move_down_past_the_end_goes_to_the_next_session(kb, tmp_path):
    screen, path = plan_screen(kb, tmp_path)
    app = Host(screen)
    async with app.run_test(size=SIZE) as pilot:
        last = len(screen.plan.sessions[0].items) - 1
        moving = screen.plan.sessions[0].items[last].format
        await highlight(pilot, screen, 0, last)
        await pilot.press("shift+down")
        await pilot.pause()
        layout = read_intake(path).plan.layout
        assert layout[1].items[0].format == moving and layout[1].items[0].locked


async def test_new_limits_replan_around_the_locks(kb, tmp_path):
    screen, path = plan_screen(kb, tmp_path)
    app = Host(screen)
    async with app.run_test(size=SIZE) as pilot:
        index = first_core(screen, 1)
        locked = screen.plan.sessions[1].items[index].format
        await highlight(pilot, screen, 1, index)
        await pilot.press("v")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, LimitsScreen)
        await pilot.press("end", *["backspace"] * 3, "4", "enter")
        screen_ = app.screen
        screen_.query_one("#limits-opening").value = False  # the coach opens in their own way
        await pilot.press("end", *["backspace"] * 4, "1", "5", "0", "enter")
        await pilot.pause()
        assert app.screen is screen
        saved = read_intake(path).plan
        assert (saved.sessions, saved.minutes, saved.opening) == (4, 150, "none")
        assert all(i.role != "opening" for s in screen.plan.sessions for i in s.items)
        assert all(s.minutes <= 150 for s in screen.plan.sessions)
        where = [s.number for s in screen.plan.sessions for i in s.items if i.format == locked]
        assert where == [2]


async def test_session_mode_counts_down_pauses_and_extends(kb, tmp_path):
    clock = FakeClock()
    screen, _ = plan_screen(kb, tmp_path, clock)
    app = Host(screen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, StartTimeScreen)
        await pilot.press("end", *["backspace"] * 5, "9", "h", "enter")
        assert "HH:MM" in str(app.screen.query_one("#start-time-error", Static).render())
        await pilot.press(*["backspace"] * 2, "9", "colon", "3", "0", "enter")  # 9:30 -> 09:30
        await pilot.pause()
        run = app.screen
        assert isinstance(run, SessionRunScreen)

        def shown() -> str:
            run.tick()
            return str(run.query_one("#run-clock", Static).render())

        first = run.countdown.steps[0].seconds
        assert shown().startswith(f"{first // 60}:00")  # not started yet
        await pilot.press("space")
        clock.now += 30
        assert shown().startswith(f"{(first - 30) // 60}:{(first - 30) % 60:02d}")
        await pilot.press("space")  # pause
        clock.now += 300
        paused = shown()
        assert paused.startswith(f"{(first - 30) // 60}:{(first - 30) % 60:02d}")
        assert "paused" in paused
        await pilot.press("plus")  # one more minute
        assert shown().startswith(f"{(first + 30) // 60}:{(first + 30) % 60:02d}")
        await pilot.press("space")
        clock.now += first + 30 + 1  # the step's time runs out: the next step is on
        assert run.countdown.index == 1
        run.tick()
        now = str(run.query_one("#run-now", Static).render())
        assert "step 2 of" in now
        await pilot.press("right")
        assert run.countdown.index == 2
        times = str(run.query_one("#run-times", Static).render())
        assert times.startswith("09:30-")
        assert read_intake(screen.session.path).plan.start == "09:30"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_facilitation_sheet_is_saved_next_to_the_intake(kb, tmp_path):
    screen, path = plan_screen(kb, tmp_path)
    app = Host(screen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        await pilot.pause()
    html = path.with_name("team-session-1.html").read_text("utf-8")
    assert "Facilitation sheet, session 1" in html
    assert path.with_name("team-session-1.md").exists()


async def test_after_saving_the_context_can_be_edited_and_a_respondent_removed() -> None:
    from coachassist.tui.screens.between import BetweenScreen
    from coachassist.tui.screens.context import ContextScreen
    from coachassist.tui.screens.respondents import ConfirmScreen, RespondentsScreen

    from .conftest import make_app

    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2", "enter")  # a self-scan, as in test_pilot
        session = app.screen.session
        await pilot.press("1", "6", "enter", "2", "enter", "enter", "x", "enter")
        await pilot.press("5", "5", "5", "5", "enter")
        assert isinstance(app.screen, BetweenScreen)
        assert session.intake.context["team_type"] == "leadership_team"
        await pilot.press("3")  # edit the team context
        assert isinstance(app.screen, ContextScreen)
        await pilot.press("4")  # team_type: whole organisation; on to the next question
        await pilot.press("escape", "escape")  # back to the first, then out
        await pilot.pause()
        assert isinstance(app.screen, BetweenScreen)
        assert read_intake(session.path).context["team_type"] == "whole_organisation"
        await pilot.press("4")  # remove a respondent
        assert isinstance(app.screen, RespondentsScreen)
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("1")  # no: kept
        await pilot.pause()
        assert len(read_intake(session.path).responses) == 1
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("2")  # yes
        await pilot.pause()
        assert isinstance(app.screen, RespondentsScreen)
        assert read_intake(session.path).responses == []

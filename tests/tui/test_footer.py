"""A coach's terminal is often 80x24: every screen's footer fits in 80 columns in Dutch and
English, and a key the footer leaves out for lack of room is in the "?" list (screens/keys.py),
where choosing it does what the key does."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any, ClassVar

import pytest
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, OptionList

import coachassist.tui.screens as screens
from coachassist.intake.models import Respondent
from coachassist.intake.progress import IntakeProgress
from coachassist.kb.loader import load
from coachassist.tui.app import CoachApp
from coachassist.tui.lang import LangApp
from coachassist.tui.screens.base import BaseScreen
from coachassist.tui.screens.keys import KeysScreen
from coachassist.tui.screens.results import ResultsScreen
from coachassist.tui.screens.why_not import WhyNotScreen

from .conftest import KB_DIR, write_intake
from .fakes import diagnosis

SIZE = (80, 24)


class Host(LangApp):
    """The app's own keys (language, quit), in the footer of every screen."""

    BINDINGS: ClassVar[list[BindingType]] = CoachApp.BINDINGS
    ENABLE_COMMAND_PALETTE = CoachApp.ENABLE_COMMAND_PALETTE


def every_screen_class() -> list[type[BaseScreen[Any]]]:
    for module in pkgutil.iter_modules(screens.__path__):
        importlib.import_module(f"{screens.__name__}.{module.name}")
    found: list[type[BaseScreen[Any]]] = []
    todo: list[type[BaseScreen[Any]]] = [BaseScreen]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith(screens.__name__):
                found.append(sub)
                todo.append(sub)
    return sorted(found, key=lambda cls: cls.__name__)


def probe(cls: type[BaseScreen[Any]]) -> BaseScreen[None]:
    """A screen with the keys of ``cls``, every one of them available: the widest footer."""
    keys = [b for c in reversed(cls.__mro__) for b in c.__dict__.get("BINDINGS", [])]

    class Probe(BaseScreen[None]):
        BINDINGS: ClassVar[list[BindingType]] = keys

        def compose(self) -> ComposeResult:
            yield Footer()

    return Probe()


def footer_overflow(app: Any) -> str | None:
    """The footer's keys when they need more than the screen's width, else None."""
    footer = app.screen.query_one(Footer)
    if footer.virtual_size.width <= app.size.width and footer.max_scroll_x == 0:
        return None
    keys = [f"{k.key_display} {k.description}" for k in app.screen.query("FooterKey")]
    return f"{footer.virtual_size.width} columns: {' | '.join(keys)}"


def keys_list(app: Any) -> list[str]:
    return [str(o.prompt) for o in app.screen.query_one("#keys", OptionList).options]


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_every_screens_widest_footer_fits_in_80_columns(lang: str) -> None:
    classes = every_screen_class()
    assert len(classes) > 20  # the probe found the screens
    host = Host()
    host.set_reactive(LangApp.lang, lang)
    too_wide = {}
    async with host.run_test(size=SIZE) as pilot:
        for cls in classes:
            await host.push_screen(probe(cls))
            await pilot.pause()
            if overflow := footer_overflow(host):
                too_wide[cls.__name__] = overflow
            await host.pop_screen()
    assert not too_wide


@pytest.fixture()
def results(tmp_path: Path) -> ResultsScreen:
    """The results of an intake that names an earlier scan: every key of the screen is on."""
    kb = load([KB_DIR], bundled=False)
    write_intake(tmp_path / "before.toml", [])
    path = write_intake(
        tmp_path / "team.toml",
        [Respondent(id="r01", answers={"trust_1": 4})],
        earlier=["before.toml"],
    )
    return ResultsScreen(kb, IntakeProgress.open(kb, path), lambda intake: diagnosis())


@pytest.mark.parametrize(
    ("lang", "hidden"),
    [
        ("nl", ["Vergelijk", "Telefoons", "Besluiten", "Waarom (niet)?"]),
        ("en", ["Compare", "Phones", "Decide", "Why (not)?"]),
    ],
)
async def test_the_results_footer_fits_and_every_key_is_in_the_keys_list(
    results: ResultsScreen, lang: str, hidden: list[str]
) -> None:
    host = Host()
    host.set_reactive(LangApp.lang, lang)
    async with host.run_test(size=SIZE) as pilot:
        await host.push_screen(results)
        await pilot.pause()
        assert footer_overflow(host) is None
        footer = [str(k.description) for k in host.screen.query("FooterKey")]
        assert ("Toetsen" if lang == "nl" else "Keys") in footer
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(host.screen, KeysScreen)
        rows = keys_list(host)
        for label in [*hidden, *footer]:
            if label not in ("Toetsen", "Keys"):
                assert any(row.endswith(label) for row in rows), (label, rows)
        assert any(row.startswith("c ") for row in rows)  # the key itself is shown
        assert footer_overflow(host) is None
        why = next(i for i, row in enumerate(rows) if row.endswith(hidden[-1]))
        host.screen.query_one("#keys", OptionList).highlighted = why
        await pilot.press("enter")  # choosing a row does what its key does
        await pilot.pause()
        assert isinstance(host.screen, WhyNotScreen)


async def test_the_keys_list_follows_the_language_and_esc_goes_back(
    results: ResultsScreen,
) -> None:
    host = Host()
    host.set_reactive(LangApp.lang, "en")
    async with host.run_test(size=SIZE) as pilot:
        await host.push_screen(results)
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert any(row.endswith("Why (not)?") for row in keys_list(host))
        host.lang = "nl"
        await pilot.pause()
        await pilot.pause(0.05)
        assert any(row.endswith("Waarom (niet)?") for row in keys_list(host))
        await pilot.press("escape")
        await pilot.pause()
        assert host.screen is results


def test_no_widget_of_the_app_adds_keys_to_a_footer() -> None:
    """So the widest footer of a screen is that of its own keys and the app's (above)."""
    import coachassist.tui.widgets as widgets

    every_screen_class()  # imports every screen module
    modules = [
        importlib.import_module(f"{package.__name__}.{module.name}")
        for package in (screens, widgets)
        for module in pkgutil.iter_modules(package.__path__)
    ]
    used = {
        value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, Widget) and not issubclass(value, Screen)
    }
    assert len(used) > 15
    shown = [
        (cls.__name__, binding.key)
        for cls in used
        for base in cls.__mro__
        for binding in base.__dict__.get("BINDINGS", [])
        if not isinstance(binding, Binding) or (binding.show and binding.description)
    ]
    assert shown == []

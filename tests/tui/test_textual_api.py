"""The app uses Textual's public API, with one documented exception: the crash-report hook.

Textual (8.2.8, the newest release) prints a crash report with every local variable and has no
setting to leave them out; those would print respondents' answers, so ``CoachApp`` overrides
the private ``App._fatal_error`` and hands its report to the public ``App.panic``. A Textual
release that renames the hook fails here, not silently in front of a coach.
"""

from __future__ import annotations

import ast
from pathlib import Path

from textual.app import App
from textual.screen import Screen
from textual.widget import Widget

import coachassist.tui
from coachassist.tui.app import CoachApp

TEXTUAL_PRIVATE = {
    name
    for cls in (App, Screen, Widget)
    for name in dir(cls)
    if name.startswith("_") and not name.startswith("__")
}


def private_reads() -> dict[str, set[str]]:
    """Private Textual names read anywhere in coachassist/tui, by file."""
    found: dict[str, set[str]] = {}
    for path in Path(coachassist.tui.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        names = {
            node.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr in TEXTUAL_PRIVATE
        }
        if names:
            found[path.name] = names
    return found


def test_the_app_reads_no_private_textual_attribute() -> None:
    assert private_reads() == {}


def test_the_one_private_hook_still_exists_in_textual() -> None:
    overridden = {
        name
        for name, value in vars(CoachApp).items()
        if name in TEXTUAL_PRIVATE and callable(value)  # not the class data Textual adds
    }
    assert overridden == {"_fatal_error"}
    assert callable(App.__dict__.get("_fatal_error"))

"""Every command, with ``--lang`` before and after it, in a real process with no terminal.

None opens the app (the app refuses to start without a terminal instead of spinning), none
prints a traceback, and each answers in the language asked for. The processes run side by
side (stdin closed, a timeout each) so the matrix costs a few seconds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
INTAKE = str(REPO / "examples" / "gezond_wijkteam.toml")

# command -> (its arguments, a text its English output must contain, expected exit code)
COMMANDS: dict[str, tuple[list[str], str, int]] = {
    "check": ([], "Knowledge base OK", 0),
    "schema": (["rule"], '"$schema"', 0),
    "app": ([INTAKE], "the app needs a terminal", 2),
    "serve": (["--port", "70000"], "not a port number", 2),
    "diagnose": ([INTAKE], "Findings", 0),
    "test-rules": ([], "", 0),
    "decide": ([INTAKE, "no_such_finding", "--confirm"], "unknown finding", 2),  # writes nothing
    "plan": ([INTAKE], "", 0),
    "report": ([INTAKE], "# ", 0),
    "sheet": ([INTAKE], "# Facilitation sheet, session 1", 0),
}
CASES = {
    f"{command}-{where}": (
        ["--lang", "en", command, *extra]
        if where == "before"
        else [command, *extra, "--lang", "en"]
    )
    for command, (extra, _, _) in COMMANDS.items()
    for where in ("before", "after")
}
CASES |= {
    "typo": ["--lang", "en", "chek"],
    "typo-nl": ["repot", "--lang", "nl"],
    "missing-file": ["diagnose", "nope.toml", "--lang", "en"],
    "missing-file-app": ["--lang", "en", "nope.toml"],
    "no-command": ["--lang", "en"],
    "help": ["--help"],
}


def _run(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COACHASSIST_HOME": str(home), "LANG": "en_GB.UTF-8", "LC_ALL": ""}
    env.pop("COACHASSIST_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "coachassist", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=REPO,
    )


@pytest.fixture(scope="module")
def results(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, subprocess.CompletedProcess[str]]:
    home = tmp_path_factory.mktemp("home")
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = pool.map(lambda args: _run(args, home), CASES.values())
        return dict(zip(CASES, runs, strict=True))


@pytest.mark.parametrize("case", sorted(CASES))
def test_no_traceback_and_no_app(case: str, results) -> None:
    result = results[case]
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    assert "\x1b[?1049h" not in result.stdout  # the app's alternate screen never opened
    assert "unrecognized arguments" not in result.stderr


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_lang_before_and_after_the_command_is_the_same(command: str, results) -> None:
    _, expected, code = COMMANDS[command]
    before, after = results[f"{command}-before"], results[f"{command}-after"]
    assert before.returncode == after.returncode == code, before.stderr + after.stderr
    assert expected in before.stdout + before.stderr
    assert before.stdout == after.stdout


def test_a_typo_gets_a_suggestion_in_the_language_asked_for(results) -> None:
    assert results["typo"].returncode == 2
    assert "unknown command 'chek' (did you mean 'check'?)" in results["typo"].stderr
    assert "bedoel je 'report'?" in results["typo-nl"].stderr


def test_a_missing_file_is_one_clear_line(results) -> None:
    result = results["missing-file"]
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "coachassist: nope.toml: cannot read the file: No such file or directory"
    )
    assert results["missing-file-app"].returncode == 2  # the app would create it; no terminal
    assert "needs a terminal" in results["no-command"].stderr


def test_help_has_no_markup(results) -> None:
    text = results["help"].stdout
    assert results["help"].returncode == 0
    assert "``" not in text and "The coachassist command" in text
    assert "did you mean" not in text


def test_options_before_and_after_the_command_are_merged() -> None:
    from coachassist.cli import parse

    args = parse(["--lang", "nl", "--kb", "a", "app", "team.toml", "--kb", "b", "--lang", "en"])
    assert (args.command, args.intake, args.lang) == ("app", Path("team.toml"), "en")
    assert args.kb == [Path("a"), Path("b")]
    assert parse(["--lang=nl", "team.toml"]).command == "app"  # a file alone opens the app
    assert parse(["--lang", "en"]).command == "app"
    assert parse(["check", "--lang", "nl"]).lang == "nl"

"""What `coachassist diagnose` imports and starts: nothing it does not need (issue 15).

The time itself is measured in bench/startup.py; these tests hold the shape that makes it
short: the engine worker imports no pydantic, the command imports no UI or web library,
parsing one command's line builds only that command's arguments (with the same result), and
the program, ending at once, still writes everything, keeps its status and stops the worker.
"""

from __future__ import annotations

import contextlib
import io
import pickle
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from coachassist import cli
from coachassist.errors import UserError

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "gezond_wijkteam.toml"


def _imported(stderr: str) -> set[str]:
    """The modules a ``python -X importtime`` run imported."""
    return {line.rsplit("|", 1)[-1].strip() for line in stderr.splitlines() if "|" in line}


def test_the_engine_worker_imports_no_pydantic_and_no_models() -> None:
    ping = pickle.dumps(("ping",))
    worker = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "coachassist.engine.worker"],
        input=struct.pack(">I", len(ping)) + ping,  # one ping, then end of input: it exits
        capture_output=True,
        cwd=REPO,
        timeout=60,
        check=True,
    )
    modules = _imported(worker.stderr.decode())
    assert "durable.engine" in modules  # the ping loaded the engine
    assert {m for m in modules if m.split(".")[0] == "pydantic"} == set()
    assert not modules & {"coachassist.kb.models", "coachassist.engine.program", "coachassist.i18n"}


def test_diagnose_imports_no_ui_or_web_library_and_leaves_nothing_running(
    tmp_path: Path,
) -> None:
    code = (
        "import sys\n"
        "from coachassist.cli import main\n"
        f"code = main(['diagnose', {str(EXAMPLE)!r}, '--lang', 'en'])\n"
        "heavy = ('textual', 'rich', 'jinja2', 'aiohttp', 'markdown_it', 'segno', 'asyncio')\n"
        "from coachassist.cli import _nothing_running  # so the program ends at once\n"
        "print(code, sorted(m for m in heavy if m in sys.modules), _nothing_running(),\n"
        "      file=sys.stderr)\n"
    )
    env = {"COACHASSIST_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for _ in range(2):  # without the caches, then with them
        run = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=env
        )
        assert run.stderr.strip().splitlines()[-1] == "0 [] True", run.stderr
        assert "Findings" in run.stdout


def _parsed(argv: list[str], full: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    """What parsing ``argv`` gives (namespace, exit or error) and prints."""
    real = cli.build_parser
    with monkeypatch.context() as patch:
        if full:
            patch.setattr(
                cli, "build_parser", lambda only=None, listed=True, lang="en": real(None, lang=lang)
            )
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                result: Any = vars(cli.parse(argv))
            except SystemExit as stop:
                result = ("exit", stop.code)
            except UserError as error:
                result = ("error", str(error))
    return result, out.getvalue(), err.getvalue()


LINES = [
    [],
    ["--help"],
    ["--version"],
    ["diagnose", "x.toml", "--json", "--min-group", "4"],
    ["--lang", "nl", "diagnose", "x.toml", "--lang", "en", "--kb", "k"],
    ["team.toml"],
    ["diagnose", "x", "--csv", "--jsonl"],
    ["diagnose", "--bogus", "x"],
    ["schema", "nope"],
    ["plan", "a.toml", "--sessions", "x"],
    ["--", "diagnose", "a"],
    ["--he", "diagnose", "a"],
    ["--kb", "-h", "diagnose", "a"],
    ["--lang=nl", "--kb=k", "diagnose", "--lang", "de"],
    ["--version", "diagnose"],
    ["--lang"],
    ["diagnoze", "x"],
    *([name, "--help"] for name in cli.COMMANDS),
]


@pytest.mark.parametrize("argv", LINES, ids=" ".join)
def test_parsing_one_command_is_the_same_as_with_the_whole_parser(
    argv: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    assert _parsed(argv, False, monkeypatch) == _parsed(argv, True, monkeypatch)


# --- the program ends at once after a one-team diagnose (cli.entry) -------------------------


def _program(tmp_path: Path, *args: str, **kw: Any) -> subprocess.CompletedProcess:
    env = {"COACHASSIST_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", "LANG": "C"}
    return subprocess.run(  # stdout block-buffered, as for a user's pipe
        [sys.executable, "-m", "coachassist", *args], cwd=REPO, env=env, timeout=60, **kw
    )


def test_the_program_writes_everything_and_keeps_its_exit_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["diagnose", str(EXAMPLE), "--json", "--lang", "en"]) == 0
    expected = capsys.readouterr().out
    run = _program(
        tmp_path, "diagnose", str(EXAMPLE), "--json", "--lang", "en", capture_output=True
    )
    assert (run.returncode, run.stdout.decode(), run.stderr) == (0, expected, b"")
    missing = _program(tmp_path, "diagnose", str(tmp_path / "none.toml"), capture_output=True)
    assert missing.returncode == 2 and b"cannot read the file" in missing.stderr


def test_the_program_stops_the_engine_worker(tmp_path: Path) -> None:
    pid_file = tmp_path / "worker.pid"
    code = (
        "import atexit, sys\n"
        "from coachassist.engine import supervisor\n"
        f"atexit.register(lambda: open({str(pid_file)!r}, 'w').write(str(supervisor.worker_pid())))\n"
        f"sys.argv = ['coachassist', 'diagnose', {str(EXAMPLE)!r}]\n"
        "from coachassist.cli import entry\n"
        "entry()\n"
    )
    env = {"COACHASSIST_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True)
    assert run.returncode == 0, run.stderr
    pid = int(pid_file.read_text())
    stat = Path(f"/proc/{pid}/stat")
    assert not stat.exists() or stat.read_text().split(")")[-1].split()[0] == "Z"


def test_a_reader_that_closed_the_pipe_ends_the_program_quietly(tmp_path: Path) -> None:
    import os

    read, write = os.pipe()
    os.close(read)  # nobody reads: writing the output is a broken pipe
    try:
        run = _program(
            tmp_path, "diagnose", str(EXAMPLE), "--json", stdout=write, stderr=subprocess.PIPE
        )
    finally:
        os.close(write)
    assert (run.returncode, run.stderr) == (0, b"")


def test_a_profiled_run_still_writes_its_profile(tmp_path: Path) -> None:
    out = tmp_path / "profile.out"
    run = _program(tmp_path, "diagnose", str(EXAMPLE), capture_output=True)
    assert run.returncode == 0
    env = {"COACHASSIST_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    profiled = subprocess.run(
        [
            sys.executable,
            "-m",
            "cProfile",
            "-o",
            str(out),
            "-m",
            "coachassist",
            "diagnose",
            str(EXAMPLE),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert profiled.returncode == 0 and out.stat().st_size > 0

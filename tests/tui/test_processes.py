"""The real thing, in real processes: a crash mid-questionnaire loses nothing; serve answers.

The app runs under a pseudo-terminal (no stdin needed, so this works headless in CI) on the
bundled knowledge base. Every wait is bounded and every process is killed in ``finally``.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from coachassist.intake.files import save_intake
from coachassist.intake.models import Intake, Respondent
from coachassist.intake.walk import Walk
from coachassist.kb.loader import load

fcntl = pytest.importorskip("fcntl", reason="needs a POSIX pseudo-terminal")
termios = pytest.importorskip("termios", reason="needs a POSIX pseudo-terminal")

ANSWERS = [4, 2, 5, 1, 3]


class PtyApp:
    """``coachassist app`` in an 80x24 pseudo-terminal, with its output kept for searching."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "coachassist", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.output = b""

    def pump(self, seconds: float = 0.05) -> None:
        ready, _, _ = select.select([self.master], [], [], seconds)
        if ready:
            with contextlib.suppress(OSError):
                self.output += os.read(self.master, 65536)

    def wait_for(self, check: Callable[[], bool], timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                tail = self.output[-600:].decode("utf-8", "replace")
                raise AssertionError(f"timed out; exit={self.proc.poll()}; screen tail: {tail!r}")
            self.pump()

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def kill(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        with contextlib.suppress(OSError):
            os.close(self.master)


@pytest.fixture
def env(private_home: Path) -> dict[str, str]:
    return {**os.environ, "TERM": "xterm-256color", "COACHASSIST_HOME": str(private_home)}


def answers_in(path: Path) -> dict:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    return data["responses"][0].get("answers", {})


def test_sigkill_mid_questionnaire_keeps_every_answer_and_resumes(
    tmp_path: Path, env: dict[str, str]
) -> None:
    kb = load()
    scan = kb.questionnaires["teamscan"]
    path = tmp_path / "team.toml"
    save_intake(
        path,
        Intake(
            title="Crash test",
            scan="teamscan",
            scan_version=scan.version,
            context={"team_type": "one_team", "team_size": 8, "client_question": "Samenwerking"},
            responses=[Respondent(id="r01", role="member", lang="en")],
        ),
    )
    app = PtyApp(["app", "--lang", "en", str(path)], env)
    try:
        app.wait_for(lambda: b"question 1 of" in app.output)
        for count, answer in enumerate(ANSWERS, start=1):
            app.type(str(answer))
            app.wait_for(lambda count=count: len(answers_in(path)) == count, timeout=15)
        app.kill()  # SIGKILL: no clean-up, no last save
    finally:
        app.kill()

    walk = Walk(scan, {}, "member")
    expected: dict[str, int] = {}
    for answer in ANSWERS:
        question = walk.resume()
        assert question is not None
        walk.set(question.id, answer)
        expected[question.id] = answer
    assert answers_in(path) == expected
    next_question = walk.resume()
    assert next_question is not None

    marker = tmp_path / "first-question.json"
    again = PtyApp(
        ["app", "--lang", "en", str(path)], {**env, "COACHASSIST_FIRST_QUESTION": str(marker)}
    )
    try:
        again.wait_for(lambda: again.proc.poll() is not None, timeout=30)
    finally:
        again.kill()
    shown = json.loads(marker.read_text("utf-8"))
    assert shown["respondent"] == "r01"
    assert shown["question"] == next_question.id
    assert answers_in(path) == expected  # reopening wrote nothing


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serving(env: dict[str, str], port: int, *args: str) -> Iterator[subprocess.Popen[str]]:
    """``coachassist serve --port PORT ARGS`` in its own process group, stopped at the end."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "coachassist", "serve", "--port", str(port), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
        text=True,
    )
    try:
        yield proc
    finally:
        stop_group(proc)


def stop_group(proc: subprocess.Popen) -> None:
    """Stop a process started in its own group, and everything it started: SIGTERM, then
    SIGKILL after 10 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def test_serve_answers_on_loopback_only_with_the_printed_token(env: dict[str, str]) -> None:
    port = free_port()
    with serving(env, port) as proc:
        assert proc.stdout is not None
        link = proc.stdout.readline().split("open ", 1)[-1].strip()
        assert link.startswith(f"http://127.0.0.1:{port}/?token=")
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, "coachassist serve exited early"
            try:
                with urllib.request.urlopen(link, timeout=2) as response:
                    status, body = response.status, response.read().decode("utf-8", "replace")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
            raise AssertionError("serve answered without its token")
        except urllib.error.HTTPError as error:
            assert error.code == 403
    assert status == 200
    assert "coachassist" in body


def test_serve_refuses_a_network_address(env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "coachassist", "serve", "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode != 0
    assert "coachassist collect" in result.stderr and "Traceback" not in result.stderr

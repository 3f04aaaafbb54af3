"""Start-up time of the app, against a bare one-label Textual app, in one run.

Both run as whole processes under a pseudo-terminal (80x24), as a user starts them:

- bare: ``App`` with one ``Label``, exits right after its first paint;
- coachassist: ``python -m coachassist app <intake>`` on an intake whose respondent has not
  answered yet, exiting as soon as the first question is on screen and has the focus (the
  ``COACHASSIST_FIRST_QUESTION`` file records which question it was).

Each is started ``--runs`` times (default 5), alternating; the medians are compared.
Target: coachassist <= 2x bare. Run: ``.venv/bin/python bench/startup.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

BARE_APP = """
from textual.app import App
from textual.widgets import Label


class Bare(App):
    def compose(self):
        yield Label("hello")

    def on_mount(self):
        self.call_after_refresh(self.exit)


Bare().run()
"""

INTAKE = """format = "coachassist-intake/1"
title = "Startup benchmark"
scan = "teamscan"
context_questionnaire = "coach_intake"

[context]
team_type = "one_team"
team_size = 8

[[responses]]
id = "r01"
role = "member"
lang = "en"
"""


def run_in_pty(argv: list[str], env: dict[str, str], timeout: float = 60.0) -> float:
    """Seconds from spawning ``argv`` in an 80x24 pseudo-terminal until it exits."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    deadline = start + timeout
    try:
        while proc.poll() is None:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{argv} did not exit within {timeout} s")
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                with contextlib.suppress(OSError):
                    os.read(master, 65536)  # keep the terminal drained
        elapsed = time.perf_counter() - start
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        os.close(master)
    if proc.returncode != 0:
        raise RuntimeError(f"{argv} exited with {proc.returncode}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bare = folder / "bare.py"
        bare.write_text(BARE_APP, "utf-8")
        intake = folder / "intake.toml"
        marker = folder / "first-question.json"
        env = {**os.environ, "TERM": "xterm-256color", "COACHASSIST_HOME": str(folder / "home")}
        env.pop("TEXTUAL", None)
        app_env = {**env, "COACHASSIST_FIRST_QUESTION": str(marker)}
        bare_argv = [sys.executable, str(bare)]
        app_argv = [sys.executable, "-m", "coachassist", "app", "--lang", "en", str(intake)]
        bare_times, app_times = [], []
        for _ in range(args.runs):
            bare_times.append(run_in_pty(bare_argv, env))
            intake.write_text(INTAKE, "utf-8")
            marker.unlink(missing_ok=True)
            app_times.append(run_in_pty(app_argv, app_env))
            shown = json.loads(marker.read_text("utf-8"))
            if shown.get("respondent") != "r01":
                raise RuntimeError(f"expected the first question of r01, got {shown}")
    bare_s, app_s = statistics.median(bare_times), statistics.median(app_times)
    print(f"bare Textual app (one label): {bare_s:.3f} s  (runs: {_fmt(bare_times)})")
    print(f"coachassist to first question: {app_s:.3f} s  (runs: {_fmt(app_times)})")
    print(f"first question: {shown['question']}")
    print(f"ratio: {app_s / bare_s:.2f}x (target <= 2.00x)")
    return 0


def _fmt(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


if __name__ == "__main__":
    raise SystemExit(main())

"""Start-up time of the app and of `coachassist diagnose`, each against its reference.

App: both run as whole processes under a pseudo-terminal (80x24), as a user starts them:

- bare: ``App`` with one ``Label``, exits right after its first paint;
- coachassist: ``python -m coachassist app <intake>`` on an intake whose respondent has not
  answered yet, exiting as soon as the first question is on screen and has the focus (the
  ``COACHASSIST_FIRST_QUESTION`` file records which question it was).

Target: coachassist <= 2x bare.

Diagnose (issue 15): ``python -m coachassist diagnose examples/gezond_wijkteam.toml`` (output
to /dev/null) against ``python -c "import pydantic"``, as whole processes: wall time and CPU
time (user + system of the process and the engine worker it waits for). The bytecode is
compiled first and PYTHONDONTWRITEBYTECODE is unset, as for an installed user; the caches (the
knowledge base, the messages) are warm, as from a user's second run on; the first, cold run is
shown apart. Also timed: one pydantic model defined and validated, the floor of any process
that validates with pydantic. Target: diagnose <= 2x ``import pydantic``.

Each pair is started ``--runs`` times (default 5 for the app, 15 for diagnose), alternating;
the medians are compared. Quote figures from an idle machine (the load average is printed).
Run: ``.venv/bin/python bench/startup.py [--only app|diagnose] [--runs N]``.
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


REPO = Path(__file__).resolve().parents[1]
FLOOR = "from pydantic import BaseModel\nclass A(BaseModel):\n    x: int\nA(x=1)"
EXAMPLE = REPO / "examples" / "gezond_wijkteam.toml"


def run_timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one whole process, its output thrown away; CPU counts the
    process and the children it waited for (the engine worker)."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=errors, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            errors.seek(0)
            detail = errors.read().decode(errors="replace")[-500:]
            raise RuntimeError(f"{argv} exited with {proc.returncode}: {detail}")
    return wall, usage.ru_utime + usage.ru_stime


def diagnose_bench(runs: int) -> None:
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "coachassist")], check=True
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    reference = [sys.executable, "-c", "import pydantic"]
    # the floor of any process that validates with pydantic: one model, one validation
    floor = [sys.executable, "-c", FLOOR]
    diagnose = [sys.executable, "-m", "coachassist", "diagnose", str(EXAMPLE)]
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores; quote figures when idle)")
    with tempfile.TemporaryDirectory() as tmp:
        env["COACHASSIST_HOME"] = tmp  # a fresh data folder: the first run fills the caches
        cold = run_timed(diagnose, env)
        run_timed(reference, env)  # warm-up
        ref_runs, diag_runs, floor_runs = [], [], []
        for _ in range(runs):
            ref_runs.append(run_timed(reference, env))
            diag_runs.append(run_timed(diagnose, env))
            floor_runs.append(run_timed(floor, env))
    ref_wall, ref_cpu = (statistics.median(r[i] for r in ref_runs) for i in (0, 1))
    diag_wall, diag_cpu = (statistics.median(r[i] for r in diag_runs) for i in (0, 1))
    walls = [d[0] / r[0] for d, r in zip(diag_runs, ref_runs, strict=True)]
    floor_wall = statistics.median(r[0] for r in floor_runs)
    print(
        f'python -c "import pydantic": wall {1000 * ref_wall:.0f} ms, CPU {1000 * ref_cpu:.0f} ms'
    )
    print(
        f"coachassist diagnose (warm caches): wall {1000 * diag_wall:.0f} ms, CPU {1000 * diag_cpu:.0f} ms"
    )
    print(
        f"one pydantic model defined and validated (the floor): wall {1000 * floor_wall:.0f} ms, "
        f"{floor_wall / ref_wall:.2f}x"
    )
    print(f"  first run (cold caches): wall {1000 * cold[0]:.0f} ms, CPU {1000 * cold[1]:.0f} ms")
    print(f"  wall runs: {_fmt_ms([d[0] for d in diag_runs])}")
    print(
        f"ratio (medians): wall {diag_wall / ref_wall:.2f}x, CPU {diag_cpu / ref_cpu:.2f}x; "
        f"pair by pair (wall) {min(walls):.2f}-{max(walls):.2f}x (target <= 2.00x)"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


def _fmt_ms(values: list[float]) -> str:
    return ", ".join(f"{1000 * v:.0f}" for v in values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=None, help="pairs (default 5 app, 15 diagnose)")
    parser.add_argument("--only", choices=("app", "diagnose"), default=None)
    args = parser.parse_args()
    if args.only != "app":
        diagnose_bench(args.runs or 15)
    if args.only != "diagnose":
        app_bench(args.runs or 5)
    return 0


def app_bench(runs: int) -> None:
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
        for _ in range(runs):
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


def _fmt(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


if __name__ == "__main__":
    raise SystemExit(main())

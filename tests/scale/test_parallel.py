"""Many teams on several processes: the same output as one process, in file order, also when
a process dies mid-way; --jobs is checked like every other option."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coachassist.cli import main
from coachassist.kb.loader import load
from coachassist.parallel import CHUNK, PARALLEL_FROM, default_jobs, diagnose_parallel
from tests.scale.teams import write_team

TEAMS = 2 * CHUNK + 7


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    kb = load()
    root = tmp_path_factory.mktemp("many")
    for i in range(TEAMS):
        levels = {"trust": 1.5 + (i % 5) * 0.5, "results": 4.5 - (i % 4) * 0.6}
        write_team(root / f"t{i:03d}.toml", kb, n=2 + i % 9, level=levels, seed=i, title=f"T{i}")
    (root / "t050.toml").write_text(
        "format = 'coachassist-intake/1'\nscan = 12\n", encoding="utf-8"
    )
    return root


def _run(capsys, *args):
    code = main(["diagnose", *args, "--lang", "en"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("fmt", ["--csv", "--jsonl"])
def test_two_processes_write_exactly_what_one_writes(folder, capsys, fmt):
    one = _run(capsys, str(folder), fmt, "--jobs", "1")
    two = _run(capsys, str(folder), fmt, "--jobs", "2")
    assert one == two
    code, out, err = one
    assert code == 2 and err.count("\n") == 2 and "t050.toml" in err  # the bad file, the total
    assert f"T{TEAMS - 1}" in out and out.index("T0") < out.index(f"T{TEAMS - 1}")


def test_jobs_is_checked(folder, tmp_path, capsys):
    code, _, err = _run(capsys, str(folder), "--csv", "--jobs", "0")
    assert code != 0 and "--jobs must be 1 or more" in err
    code, out, err = _run(capsys, str(folder), "--csv", "--jobs", "100000")  # no fork bomb
    assert (code, out) == (2, "") and err.count("\n") == 1 and "--jobs must be" in err
    one = next(folder.glob("t001.toml"))
    code, _, err = _run(capsys, str(one), "--jobs", "2")
    assert code != 0 and "--jobs goes with many teams" in err


def dies_in_a_child(kb, result):
    """A render that kills the worker process it runs in on one team (not in the caller)."""
    if result.path.name == "t060.toml" and multiprocessing.parent_process() is not None:
        os._exit(9)
    return f"{result.path.name}\n"


def test_a_dead_process_costs_no_team(folder):
    kb = load()
    paths = sorted(folder.glob("*.toml"))
    done = list(diagnose_parallel(kb, paths, dies_in_a_child, jobs=2))
    assert [d.path for d in done] == paths
    assert "".join(d.output for d in done).count("\n") == len(paths) - 1  # all but the bad file


def dies_and_says_so(kb, result):
    """A render that kills its worker process on one team, leaving a mark first."""
    if result.path.name == "f100.toml" and multiprocessing.parent_process() is not None:
        (result.path.parent / "died").touch()
        os._exit(9)
    return f"{result.path.name}\n"


def test_a_process_dying_while_the_caller_works_costs_no_team(tmp_path):
    """The pool breaks while the caller still handles earlier output: the chunks not yet
    handed out are done here too, not lost to a traceback."""
    kb = load()
    paths = []
    for i in range(5 * CHUNK):  # more chunks than are under way at once
        path = tmp_path / f"f{i:03d}.toml"
        if i == 2 * CHUNK:
            write_team(path, kb, n=4, seed=i)
        else:  # a file that cannot be read is quick, and never rendered
            path.write_text("format = 'coachassist-intake/1'\nscan = 12\n", encoding="utf-8")
        paths.append(path)
    done = []
    for item in diagnose_parallel(kb, paths, dies_and_says_so, jobs=2):
        done.append(item)
        if len(done) == 1:  # the first chunk is back; wait until a process dies
            for _ in range(200):
                if (tmp_path / "died").exists():
                    break
                time.sleep(0.05)
            time.sleep(0.5)  # the pool notices
    assert (tmp_path / "died").exists()
    assert [d.path for d in done] == paths
    assert [d.output for d in done if d.output] == ["f100.toml\n"]


def test_the_default_number_of_processes_needs_no_linux_only_call(monkeypatch):
    """macOS has no os.sched_getaffinity: many teams still get one process per core there."""
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    assert default_jobs(PARALLEL_FROM - 1) == 1
    assert default_jobs(PARALLEL_FROM) == 4


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_processes_end_when_the_caller_is_killed(folder):
    """`kill -9` (or the OOM killer) on the caller leaves no process behind: neither the
    processes diagnosing chunks nor their engine workers."""
    caller = subprocess.Popen(
        [sys.executable, "-m", "coachassist", "diagnose", str(folder), "--csv", "--jobs", "2"],
        stdout=subprocess.PIPE,  # never read: the caller blocks writing, its processes wait
        stderr=subprocess.DEVNULL,
        cwd=Path(__file__).resolve().parents[2],
    )
    started: list[int] = []
    try:
        for _ in range(600):  # both processes started, and at work (an engine worker)
            spawned = [p for p in _children(caller.pid) if "spawn_main" in _cmdline(p)]
            workers = [w for p in spawned for w in _children(p)]
            started = spawned + workers
            if len(spawned) == 2 and workers:
                break
            time.sleep(0.05)
        time.sleep(0.5)  # the caller is blocked writing; a second engine worker may start
        started += [w for p in spawned for w in _children(p) if w not in started]
        assert len(spawned) == 2 and len(started) >= 3
        caller.kill()
        caller.wait()
        for _ in range(200):
            if not any(_alive(p) for p in started):
                break
            time.sleep(0.05)
        assert [p for p in started if _alive(p)] == []
    finally:
        caller.kill()
        for pid in started:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def _cmdline(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    return ""

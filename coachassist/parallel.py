"""Many teams on several cores: ``batch.diagnose_many`` in a few worker processes at once.

Each process gets the caller's knowledge base once and diagnoses whole chunks of files (with
its own engine worker) and renders each team's output there (``render``: the caller's, e.g.
CSV rows); the outputs come back in file order, exactly what rendering
``batch.diagnose_many`` gives in one process. Only a bounded number of chunks is under way at
any time, so memory stays flat however many teams there are and however slowly the caller
consumes them. When a process dies, the chunks not yet done are diagnosed here instead.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from coachassist.batch import TeamResult, diagnose_many, few_people
from coachassist.errors import UserError
from coachassist.kb.loader import KnowledgeBase

PARALLEL_FROM = 200  # teams; below this, starting the processes costs more than it saves
CHUNK = 50  # files per task
AHEAD = 2  # chunks under way per process
MAX_JOBS = 64  # each process has its own engine worker (~70 MB together): no fork bomb

_KB: KnowledgeBase | None = None  # in each worker process: the caller's knowledge base


def default_jobs(teams: int) -> int:
    """One process per core for long runs (at most 8), one for short ones."""
    if teams < PARALLEL_FROM:
        return 1
    affinity = getattr(os, "sched_getaffinity", None)  # Linux only; macOS has just cpu_count
    cores = len(affinity(0)) if affinity else os.cpu_count() or 1
    return max(1, min(cores, 8))


def _start(kb: KnowledgeBase) -> None:
    global _KB
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to handle
    parent = multiprocessing.parent_process()
    if parent is not None:  # the caller killed (kill -9, out of memory): end too, and so the
        threading.Thread(target=_end_with, args=(parent,), daemon=True).start()  # engine worker
    _KB = kb


def _end_with(parent: multiprocessing.process.BaseProcess) -> None:
    """Wait until the caller is gone, then end this process (it would wait for work forever)."""
    parent.join()
    os._exit(1)


@dataclass(frozen=True)
class Rendered:
    """One team's file, and its rendered output or the one-line error it met."""

    path: Path
    error: UserError | None
    output: str
    team: str = ""
    # the team's threshold when its figures may rest on fewer than three people
    # (``batch.few_people``): the command line warns; else None
    few_people_k: int | None = None


Render = Callable[[KnowledgeBase, TeamResult], str]  # module-level (sent to other processes)


def _rendered(
    kb: KnowledgeBase, paths: list[Path], render: Render, min_group: int | None
) -> Iterator[Rendered]:
    for result in diagnose_many(kb, paths, min_group=min_group):
        output = render(kb, result) if result.error is None else ""
        few = result.diagnosis.min_group if few_people(result) and result.diagnosis else None
        yield Rendered(result.path, result.error, output, result.team, few)


def _chunk(paths: list[Path], render: Render, min_group: int | None) -> list[Rendered]:
    assert _KB is not None
    return list(_rendered(_KB, paths, render, min_group))


def diagnose_parallel(
    kb: KnowledgeBase,
    paths: Sequence[Path],
    render: Render,
    *,
    min_group: int | None = None,
    jobs: int = 2,
) -> Iterator[Rendered]:
    """``diagnose_many`` over ``paths`` in ``jobs`` processes, each team rendered; in order."""
    if jobs <= 1 or len(paths) <= CHUNK:
        yield from _rendered(kb, list(paths), render, min_group)
        return
    chunks = deque(list(paths[i : i + CHUNK]) for i in range(0, len(paths), CHUNK))
    context = multiprocessing.get_context("spawn")  # nothing of this process's state is shared
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start, initargs=(kb,))
    running: deque[tuple[list[Path], Future[list[Rendered]]]] = deque()
    try:
        while chunks or running:
            try:  # a chunk leaves ``chunks`` only once it is submitted
                while chunks and len(running) < jobs * AHEAD:
                    future = pool.submit(_chunk, chunks[0], render, min_group)
                    running.append((chunks.popleft(), future))
                done = running[0][1].result()
            except BrokenProcessPool:  # a process died (even between two chunks): rest here
                pool.shutdown(wait=False, cancel_futures=True)
                rest = [path for chunk in [*(c for c, _ in running), *chunks] for path in chunk]
                yield from _rendered(kb, rest, render, min_group)
                return
            running.popleft()
            yield from done
        pool.shutdown()
    finally:  # stopped early (Ctrl-C, a closed pipe): drop what has not started
        pool.shutdown(wait=False, cancel_futures=True)

"""Many teams from files on disk through the whole pipeline, in one process: prints figures
(bench/README.md). Run: python bench/batch.py [TEAMS] [--dir FOLDER] [--skip P] [--profile].

Writes TEAMS (default 10,000) generated intakes of 8-12 respondents (random low scales, team
type and observations) to FOLDER (default a temporary folder; an existing FOLDER with intakes
is reused), then times ``coachassist diagnose FOLDER --csv`` in this process: expanding the
folder, reading and validating every file, scoring, privacy, the rules, the Diagnosis and the
CSV rows (written to /dev/null); once with ``--jobs 1`` (everything in this process and its
engine worker) and once as the command runs by default (one process per core from 200 teams).
RSS is sampled after each quarter of the teams in a first pass in this process. ``--skip P``:
each answer is "don't know" with probability P (the privacy decision then audits the scales
someone skipped in: coachassist/engine/differencing.py).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import tomli_w

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coachassist.batch import diagnose_many, expand
from coachassist.cli import main as cli_main
from coachassist.kb.loader import KnowledgeBase, load
from coachassist.parallel import default_jobs


def write_teams(kb: KnowledgeBase, folder: Path, count: int, skip: float = 0.0) -> None:
    scan = kb.questionnaires["teamscan"]
    context_q = kb.context_questions()
    team_types = [o.value for o in context_q["team_type"].options]
    observed = [o.value for o in context_q["observed"].options]
    rng = random.Random(7)
    for index in range(count):
        low = set(rng.sample([s.id for s in scan.scales], rng.randint(0, 4)))
        responses = []
        for i in range(rng.randint(8, 12)):
            answers: dict = {}
            for q in scan.questions:
                if q.type == "likert":
                    value = rng.choice([1, 2, 2, 3]) if q.scale in low else rng.choice([3, 4, 4, 5])
                    answers[q.id] = 6 - value if q.reverse else value
                    if skip and rng.random() < skip:
                        answers[q.id] = "dont_know"
            role = "lead" if i == 0 else "member"
            responses.append({"id": f"r{i:02d}", "role": role, "answers": answers})
        data = {
            "format": "coachassist-intake/1",
            "title": f"Team {index:05d}",
            "scan": "teamscan",
            "scan_version": scan.version,
            "context": {
                "team_type": rng.choice(team_types),
                "team_size": len(responses),
                "observed": rng.sample(observed, rng.randint(0, 3)),
            },
            "responses": responses,
        }
        (folder / f"team{index:05d}.toml").write_text(tomli_w.dumps(data), encoding="utf-8")


def cpu_s() -> float:
    """CPU seconds of this process, its finished children (the ``--jobs`` processes; not their
    own engine workers) and its live ones (the engine worker runs the rules)."""
    finished = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = time.process_time() + finished.ru_utime + finished.ru_stime
    me = os.getpid()
    try:
        children = Path(f"/proc/{me}/task/{me}/children").read_text().split()
    except OSError:
        return total
    tick = os.sysconf("SC_CLK_TCK")
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("teams", nargs="?", type=int, default=10_000)
    parser.add_argument("--dir", type=Path)
    parser.add_argument("--skip", type=float, default=0.0, help="share of 'don't know' answers")
    parser.add_argument("--profile", action="store_true", help="cProfile the run, top 25")
    parser.add_argument("--sort", default="cumulative", help="profile order (tottime, ...)")
    args = parser.parse_args()
    kb = load()
    with contextlib.ExitStack() as stack:
        folder = args.dir or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        folder.mkdir(parents=True, exist_ok=True)
        if len(list(folder.glob("*.toml"))) != args.teams:
            start = time.perf_counter()
            write_teams(kb, folder, args.teams, args.skip)
            print(f"wrote {args.teams} intakes in {time.perf_counter() - start:.1f} s (not timed)")
        size = sum(p.stat().st_size for p in folder.glob("*.toml"))
        print(f"{args.teams} intakes, {size / 1e6:.1f} MB on disk")
        _quarters(kb, folder, args.teams)
        if args.profile:
            import cProfile
            import pstats

            with cProfile.Profile() as profile:
                _cli(folder)
            pstats.Stats(profile).sort_stats(args.sort).print_stats(25)
            return
        for jobs in ("1", None):
            start, cpu = time.perf_counter(), cpu_s()
            _cli(folder, jobs)
            total, cpu = time.perf_counter() - start, cpu_s() - cpu
            how = "--jobs 1" if jobs else f"default (--jobs {default_jobs(args.teams)})"
            print(
                f"coachassist diagnose FOLDER --csv, {how}: {total:.1f} s wall "
                f"({total / args.teams * 1000:.2f} ms per team), {cpu:.1f} s CPU"
            )


def _cli(folder: Path, jobs: str | None = "1") -> None:
    more = ["--jobs", jobs] if jobs else []
    with open("/dev/null", "w") as sink, contextlib.redirect_stdout(sink):
        code = cli_main(["diagnose", str(folder), "--csv", "--lang", "en", *more])
    assert code == 0, code


def _quarters(kb: KnowledgeBase, folder: Path, teams: int) -> None:
    """The same pipeline without the CSV, with RSS after each quarter (memory stays flat;
    this process only: the engine worker is a separate process of constant size)."""
    from coachassist.batch import rows

    paths = expand([folder])
    marks = {teams * q // 4: q for q in (1, 2, 3, 4)}
    base = rss_mb()
    growth = []
    start, cpu = time.perf_counter(), cpu_s()
    for done, result in enumerate(diagnose_many(kb, paths), start=1):
        assert result.error is None, result.error
        rows(result, "en")
        if done in marks:
            growth.append(f"{rss_mb() - base:+.1f}")
    total, cpu = time.perf_counter() - start, cpu_s() - cpu
    print(f"pipeline (read, validate, diagnose, rows): {total:.1f} s wall, {cpu:.1f} s CPU")
    print(f"RSS growth at 25 / 50 / 75 / 100 %: {' / '.join(growth)} MB")


if __name__ == "__main__":
    main()

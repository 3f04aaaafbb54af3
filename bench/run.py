"""Engine benchmark: prints figures (targets in bench/README.md). Run: make bench."""

from __future__ import annotations

import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coachassist.engine import engine_for, supervisor, team_facts
from coachassist.engine.inference import reference
from coachassist.intake.models import Intake, Respondent
from coachassist.kb.loader import KnowledgeBase, load


def generated_team(kb: KnowledgeBase, rng: random.Random, size: int = 12) -> Intake:
    scan = kb.questionnaires["teamscan"]
    low = set(rng.sample([s.id for s in scan.scales], rng.randint(0, 4)))
    context_q = kb.context_questions()
    team_types = [o.value for o in context_q["team_type"].options]
    observed = [o.value for o in context_q["observed"].options]
    responses = []
    for i in range(size):
        answers: dict = {}
        for q in scan.questions:
            if q.type == "likert":
                value = rng.choice([1, 2, 2, 3]) if q.scale in low else rng.choice([3, 4, 4, 5])
                answers[q.id] = 6 - value if q.reverse else value
        responses.append(
            Respondent(id=f"r{i}", role="lead" if i == 0 else "member", answers=answers)
        )
    context = {
        "team_type": rng.choice(team_types),
        "team_size": size,
        "observed": rng.sample(observed, rng.randint(0, 3)),
    }
    return Intake(scan="teamscan", context=context, responses=responses)


def rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(teams: int = 10_000) -> None:
    start = time.perf_counter()
    kb = load()
    print(
        f"knowledge base load + validate: {(time.perf_counter() - start) * 1000:.1f} ms "
        f"({len(kb.rules)} rules, {len(kb.formats)} formats)"
    )
    start = time.perf_counter()
    supervisor._worker()  # what the first evaluation pays once: start the engine worker
    print(f"start the engine worker:        {(time.perf_counter() - start) * 1000:.1f} ms")
    start = time.perf_counter()
    engine = engine_for(kb)
    rulesets = sum(len(layer) for layer in engine.program.layers)
    print(
        f"compile + register rules:       {(time.perf_counter() - start) * 1000:.1f} ms "
        f"({rulesets} rulesets in {len(engine.program.layers)} layers)"
    )

    rng = random.Random(42)
    team = generated_team(kb, rng)
    table, _ = team_facts(kb, team)
    facts = table.facts

    def copy():
        from coachassist.engine.facts import FactTable

        return FactTable({k: [dict(f) for f in v] for k, v in facts.items()})

    engine_ms = median_ms(lambda: engine.run(copy()), 500)
    floor_ms = median_ms(lambda: reference(kb.rules, copy()), 500)
    fired = len(engine.run(copy()))
    print(
        f"one 12-respondent team, engine: {engine_ms:.3f} ms median over 500 ({fired} rules fired)"
    )
    print(f"same, plain-Python floor:       {floor_ms:.3f} ms median over 500")
    print(f"engine / floor ratio:           {engine_ms / floor_ms:.2f}x")
    round_trip_ms = median_ms(lambda: supervisor._call(("ping",), 10), 500)
    print(f"worker round trip (no rules):   {round_trip_ms:.3f} ms median over 500")
    full_ms = median_ms(lambda: (lambda t: engine.run(t))(team_facts(kb, team)[0]), 200)
    print(f"one team incl. scoring:         {full_ms:.3f} ms median over 200")

    example = Path(__file__).resolve().parent.parent / "examples" / "gezond_wijkteam.toml"
    command = [sys.executable, "-m", "coachassist", "diagnose", str(example)]
    cli_ms = median_ms(lambda: subprocess.run(command, capture_output=True, check=True), 7)
    print(f"`coachassist diagnose` process: {cli_ms:.0f} ms median over 7 (incl. worker start)")

    pool = [team_facts(kb, generated_team(kb, rng))[0] for _ in range(50)]
    engine.run(pool[0])
    worker = supervisor.worker_pid()
    base, worker_base = rss_mb(), rss_mb(worker or "self")
    start = time.perf_counter()
    checkpoints = []
    for i in range(teams):
        table = pool[i % len(pool)]
        engine.run(type(table)({k: [dict(f) for f in v] for k, v in table.facts.items()}))
        if (i + 1) % (teams // 4) == 0:
            checkpoints.append(
                f"{rss_mb() - base:+.1f}/{rss_mb(worker or 'self') - worker_base:+.1f}"
            )
    total = time.perf_counter() - start
    print(
        f"{teams} teams in one process:     {total:.1f} s "
        f"(RSS growth of this process/the worker at 25/50/75/100%: {' / '.join(checkpoints)} MB)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)

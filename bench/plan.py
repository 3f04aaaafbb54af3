"""Planner benchmark: time to make the plan of every example intake, with its own limits and with
12 sessions of 480 minutes (the largest search the packing does), and a re-plan around locks.
Prints figures; no target is enforced. Run: .venv/bin/python bench/plan.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coachassist.engine import diagnose
from coachassist.intake.files import load_case
from coachassist.kb.loader import load
from coachassist.plan import PlanConstraints, build_plan
from coachassist.plan.edit import layout_of, toggle_lock

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.toml"))


def timed(make, runs: int = 5) -> tuple[float, float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        make()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), max(timings)


def row(kb, path: Path) -> list[str]:
    intake = load_case(kb, [path])
    dx = diagnose(kb, intake)
    big = PlanConstraints(sessions=12, minutes=480)
    plan = build_plan(kb, dx, intake.context)
    edits = layout_of(plan, None)
    if plan.sessions and len(plan.sessions[0].items) > 1:
        edits = toggle_lock(edits, 0, 1)
    edits = edits.model_copy(update={"sessions": 6, "minutes": 150})
    figures = (
        timed(lambda: build_plan(kb, dx, intake.context)),
        timed(lambda: build_plan(kb, dx, intake.context, big)),
        timed(lambda: build_plan(kb, dx, intake.context, edits=edits, replan=True)),
    )
    return [f"{m:6.1f}/{x:6.1f} ms" for m, x in figures]


def main() -> None:
    kb = load()
    print(f"{'example':38} {'own limits':>14} {'12 x 480':>14} {'re-plan':>14}")
    for path in EXAMPLES:
        print(f"{path.stem:38} " + " ".join(f"{c:>14}" for c in row(kb, path)))
    print("(median/max of 5 runs each)")


if __name__ == "__main__":
    main()

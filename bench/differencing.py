"""The privacy decision with skipped answers: prints how long ``Privacy.decide`` takes (the
differencing audit, coachassist/engine/differencing.py) and how many question figures it
withholds, for generated teams where people skip questions at random.

Run: python bench/differencing.py [RUNS]. Each row: a team of N respondents (one lead, who
consents to the lead's view) where each answer is skipped with the given probability, at
threshold k; the median of RUNS teams (default 5, each its own random seed). Figures are in
bench/README.md.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coachassist.engine.differencing import ruled_questions
from coachassist.engine.privacy import Privacy
from coachassist.intake.models import Intake, Respondent
from coachassist.kb.loader import load
from coachassist.scoring import score_team

CASES = [(8, 0.02, 3), (12, 0.05, 3), (50, 0.1, 3), (50, 0.1, 5), (200, 0.05, 5), (30, 0.3, 10)]


def team(likert: list[str], size: int, skips: float, seed: int) -> Intake:
    rng = random.Random(seed)
    people = [
        Respondent(
            id=f"r{i}",
            role="lead" if i == 0 else "member",
            answers={q: rng.randint(1, 5) for q in likert if rng.random() >= skips},
            lead_view_consent=True,
        )
        for i in range(size)
    ]
    return Intake(title="bench", context={}, responses=people)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    kb = load()
    scan = kb.questionnaires["teamscan"]
    likert = [q.id for q in scan.questions if q.type == "likert"]
    ruled = ruled_questions(kb.rules.values())
    print(f"{'people':>6} {'skipped':>7} {'k':>3} {'decide (median)':>16} {'slowest':>9} withheld")
    for size, skips, k in CASES:
        times, withheld = [], []
        for seed in range(runs):
            intake = team(likert, size, skips, seed)
            scores = score_team(scan, intake)
            start = time.perf_counter()
            privacy = Privacy.decide(intake, scores, k, scan, ruled)
            times.append(time.perf_counter() - start)
            eligible = {q for q, item in scores.items.items() if item.n >= k}
            withheld.append(len(eligible - privacy.items))
        print(
            f"{size:>6} {skips:>7.0%} {k:>3} {statistics.median(times) * 1000:>13.1f} ms"
            f" {max(times) * 1000:>6.0f} ms {statistics.median(withheld):g} of {len(likert)}"
        )


if __name__ == "__main__":
    main()

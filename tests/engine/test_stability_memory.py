"""Leave-one-out re-runs of a large team (an organisation-wide intake can hold 10,000
respondents) keep memory linear in the respondents: never every left-out team's figures at
once, which grows with the square (2,000 respondents took 2.6 GB, 10,000 would take ~65 GB)."""

from __future__ import annotations

import tracemalloc

from coachassist.engine.privacy import Privacy
from coachassist.engine.stability import missing_counts
from coachassist.intake.models import Intake
from coachassist.kb.loader import load
from coachassist.scoring import score_team
from tests.scale.teams import team_data


def _peak(kb, n: int) -> int:
    scan = kb.questionnaires["teamscan"]
    data = team_data(kb, n=n, level={"trust": 2.4, "conflict": 3.4}, spread=2, seed=n)
    intake = Intake.model_validate(data)
    privacy = Privacy.decide(intake, score_team(scan, intake), 3, scan)
    ids = sorted({r.then.dysfunction for r in kb.rules.values() if r.then.dysfunction})
    missing_counts(kb, scan, intake, privacy, ids)  # warm the caches of the rule set
    tracemalloc.start()
    try:
        missing_counts(kb, scan, intake, privacy, ids)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_leave_one_out_memory_grows_linearly_with_the_respondents():
    kb = load()
    small, large = _peak(kb, 100), _peak(kb, 300)
    assert large < 4.5 * small  # three times the respondents: 3x (linear), not 9x (square)

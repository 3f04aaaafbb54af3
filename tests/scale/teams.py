"""Generated team intakes on disk, for the compare, batch and overview tests and bench/batch.py.

``level`` is what a respondent means on every scale after reverse scoring (1 unhealthy .. 5
healthy); answers scatter around it by ``spread`` points.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli_w

from coachassist.kb.loader import KnowledgeBase


def team_data(
    kb: KnowledgeBase,
    *,
    n: int,
    level: float | Mapping[str, float] = 3.0,
    spread: int = 1,
    seed: int = 1,
    scan: str = "teamscan",
    title: str = "Team",
    earlier: list[str] | None = None,
    min_group: int | None = None,
) -> dict[str, Any]:
    qn = kb.questionnaires[scan]
    rng = random.Random(seed)
    responses = []
    for index in range(n):
        answers: dict[str, Any] = {}
        for q in qn.questions:
            if q.type != "likert":
                continue
            target = level if isinstance(level, int | float) else level.get(q.scale or "", 3.0)
            value = min(5, max(1, round(target + rng.randint(-spread, spread))))
            answers[q.id] = 6 - value if q.reverse else value
        role = "lead" if index == 0 else "member"
        responses.append(
            {"id": f"r{index:02d}", "role": role, "lead_view_consent": True, "answers": answers}
        )
    data: dict[str, Any] = {
        "format": "coachassist-intake/1",
        "title": title,
        "scan": scan,
        "scan_version": qn.version,
        "context": {"team_type": "one_team", "team_size": n, "planned_sessions": 3},
        "responses": responses,
    }
    if earlier:
        data["earlier"] = earlier
    if min_group is not None:
        data["min_group"] = min_group
    return data


def write_team(path: Path, kb: KnowledgeBase, **kwargs: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(team_data(kb, **kwargs)), encoding="utf-8")
    return path

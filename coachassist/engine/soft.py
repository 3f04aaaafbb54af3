"""Soft edges: the rules re-run on scores shifted a small margin up and down.

A mean of 3.45 against a band edge of 3.5 should not make a finding that a mean of 3.55 lacks.
So besides the ordinary run, the rules run twice more in plain Python (``inference.reference``,
the documented meaning of the rule files) on copies of the visible facts:
- *strict*: every team and question mean ``MARGIN`` healthier, every lead-vs-members gap
  ``MARGIN`` smaller; a finding that disappears there is **borderline**;
- *lenient*: every mean ``MARGIN`` less healthy, every gap ``MARGIN`` larger; a finding that only
  appears there is added as a **borderline** finding (severity low).
A value within the margin of a threshold therefore gives a borderline finding on both sides of
the threshold instead of a finding that comes and goes.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

from coachassist.engine.facts import FactTable
from coachassist.engine.inference import reference
from coachassist.kb.models import Rule

MARGIN = 0.1  # points on the 1..5 scale; about one standard error of an 8-person team mean


def shifted(table: FactTable, delta: float) -> FactTable:
    """A copy of ``table`` with every mean ``delta`` higher (healthier) and every gap's size
    ``delta`` smaller (never past zero)."""
    result = FactTable(copy.deepcopy(table.facts))
    for key, facts in result.facts.items():
        kind = key.partition(".")[0]
        for fact in facts:
            if kind in ("score", "item") and isinstance(fact.get("mean"), int | float):
                fact["mean"] = round(fact["mean"] + delta, 4)
            elif kind == "gap" and isinstance(fact.get("value"), int | float):
                size = max(abs(fact["value"]) - delta, 0.0)
                fact["value"] = round(size if fact["value"] >= 0 else -size, 4)
    return result


def dysfunctions(rules: Mapping[str, Rule], fired: list[str]) -> set[str]:
    found = (rules[rid].then.dysfunction for rid in fired)
    return {d for d in found if d is not None}


def soft_runs(rules: Mapping[str, Rule], visible: FactTable) -> tuple[list[str], list[str]]:
    """The rules fired on the strict and on the lenient copy of the visible facts."""
    strict = reference(rules, shifted(visible, MARGIN))
    lenient_table = shifted(visible, -MARGIN)
    return strict, reference(rules, lenient_table)

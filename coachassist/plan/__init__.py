"""The session plan: which formats go into which session, in the order the pyramid asks.

A small package whose modules follow the planner's steps (docs/plan-and-report.md explains
the decisions for coaches):

- ``order``: the order of the work (the pyramid, bottom-up);
- ``candidates`` and ``fit``: which formats could work on which finding, and which do not suit
  this team and why;
- ``build``: choosing the formats (coverage, depth, filling) and the sponsor session;
- ``packing``: cutting the chosen formats over the sessions;
- ``leftout``: what is left out, why, and what would change that; the suggestion list's marks;
- ``frame``: the opening and closing of each session;
- ``edit``: the coach's changes (swap, add, remove, move, lock, re-plan);
- ``run``: the session on the day: clock times and a countdown per step.
"""

from coachassist.plan.build import FORMATS_PER_FINDING, build_plan
from coachassist.plan.models import (
    SCHEMA,
    LeftOut,
    Note,
    Plan,
    PlanConstraints,
    PlanItem,
    Reason,
    Session,
    SuggestionFit,
)

__all__ = [
    "FORMATS_PER_FINDING",
    "SCHEMA",
    "LeftOut",
    "Note",
    "Plan",
    "PlanConstraints",
    "PlanItem",
    "Reason",
    "Session",
    "SuggestionFit",
    "build_plan",
]

"""Whether a format suits this team at all: setting, group size, the length of a session.

One check for the planner, the suggestion list and the app's "add from the library".
"""

from __future__ import annotations

from dataclasses import dataclass

from coachassist.kb.models import Format
from coachassist.plan.models import FixKind, LeftOutKind, PlanConstraints, Values


@dataclass(frozen=True)
class Misfit:
    kind: LeftOutKind
    fix: FixKind
    values: Values


def misfit(fmt: Format, c: PlanConstraints) -> Misfit | None:
    """Why ``fmt`` cannot be planned for this team, or None when it can."""
    if c.setting and c.setting not in fmt.settings:
        return Misfit("setting", "setting", {"setting": c.setting, "settings": list(fmt.settings)})
    size = c.group_size
    if size is not None and not fmt.group_min <= size <= fmt.group_max:
        fix: FixKind = "larger_group" if size < fmt.group_min else "smaller_group"
        values: Values = {"min": fmt.group_min, "max": fmt.group_max, "size": size}
        return Misfit("group_size", fix, values)
    if c.minutes is not None and fmt.minutes > c.minutes:
        values = {"format_minutes": fmt.minutes, "session_minutes": c.minutes}
        return Misfit("needs_day", "day_session", values)
    return None

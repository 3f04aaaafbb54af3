"""The plan as data: sessions, items and their reasons, what was left out and why.

Nothing here holds a sentence: reasons are kinds with their numbers, and the report layer
(coachassist/report/plan_text.py) writes them in Dutch or English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from coachassist.kb.models import SETTINGS, Setting, Text

SCHEMA = "coachassist-plan/2"
DEFAULT_SESSIONS = 3
DEFAULT_MINUTES = 180

ReasonKind = Literal[
    "suggested", "addresses", "opening", "closing", "sponsor", "maintenance", "coach"
]
# Why a format or a finding is not in the plan.
LeftOutKind = Literal[
    "no_room", "needs_day", "group_size", "setting", "unknown_format", "no_format", "removed"
]
# What would change that: the report layer turns these into advice.
FixKind = Literal[
    "more_minutes",
    "more_sessions",
    "day_session",
    "larger_group",
    "smaller_group",
    "setting",
    "add_format",
    "restore",
    "none",
]
NoteKind = Literal[
    "no_data",
    "maintenance",
    "fewer",
    "fewer_left_out",
    "over_time",
    "lock_moved",
    "lock_dropped",
    "unknown_in_edits",
    "edited",
]
Role = Literal["opening", "core", "closing"]
Values = dict[str, int | str | list[str]]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlanConstraints(_Model):
    """What the coach allows; ``None`` means: take it from the edits or the intake context."""

    sessions: Annotated[int, Field(ge=1, le=12)] | None = None
    minutes: Annotated[int, Field(ge=30, le=480)] | None = None
    group_size: Annotated[int, Field(ge=1)] | None = None
    setting: Setting | None = None

    def resolve(self, context: Mapping[str, Any]) -> PlanConstraints:
        """Fill gaps from the context: planned_sessions, session_minutes, team_size, team_type."""
        setting = context.get("team_type")
        return PlanConstraints(
            sessions=self.sessions
            or _number(context.get("planned_sessions"), 1, 12)
            or DEFAULT_SESSIONS,
            minutes=self.minutes
            or _number(context.get("session_minutes"), 30, 480)
            or DEFAULT_MINUTES,
            group_size=self.group_size or _number(context.get("team_size"), 1, 100_000),
            setting=self.setting or (setting if setting in SETTINGS else None),
        )


class Reason(_Model):
    kind: ReasonKind
    findings: list[str] = []  # the findings this item works on; the first it was planned for
    rules: list[str] = []  # the rules that suggested it or concluded those findings
    sponsor: str = ""  # kind sponsor: who the sponsor is (from the intake context)


class PlanItem(_Model):
    format: str
    name: Text
    role: Role
    minutes: int
    reason: Reason
    locked: bool = False  # the coach locked it: it stays when the plan is re-made
    steps: int = 0  # how many steps the format has (session mode walks through them)


class Session(_Model):
    number: int
    sponsor: bool  # the session with the sponsor
    focus: list[str]  # the findings its formats are planned for, in pyramid order
    limit: int  # the session's length in minutes
    minutes: int  # planned minutes
    free: int  # minutes left for discussion and breaks (negative: the coach planned over time)
    items: list[PlanItem]


class LeftOut(_Model):
    format: str | None  # None: a finding for which no format could be planned
    name: Text
    findings: list[str]
    reason: LeftOutKind
    fix: FixKind = "none"
    values: Values = {}  # the numbers behind the reason and the fix


class Note(_Model):
    """A remark on the plan as a whole."""

    kind: NoteKind
    values: Values = {}


class SuggestionFit(_Model):
    """A format the diagnosis suggested, with what keeps it from this team (None: it fits)."""

    format: str
    name: Text
    minutes: int
    findings: list[str]
    misfit: LeftOutKind | None = None
    values: Values = {}


class Plan(_Model):
    schema_: str = SCHEMA
    status: Literal["work", "maintenance", "no_data"]
    edited: bool = False  # the coach's own layout (saved in the intake)
    constraints: PlanConstraints  # as resolved against the edits and the context
    sessions: list[Session]
    left_out: list[LeftOut]
    notes: list[Note]
    suggestions: list[SuggestionFit] = []

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def to_json(self) -> dict:
        data = self.model_dump(mode="json")
        return {"schema": data.pop("schema_"), **data}


def _number(value: Any, low: int, high: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if low <= value <= high else None

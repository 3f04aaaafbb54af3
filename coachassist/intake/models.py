"""Response and intake files: what respondents answered, and the whole case in one file."""

# Annotations are evaluated as written (no `from __future__ import annotations`): pydantic
# would otherwise compile and evaluate each one as a string at import, a cost at every start.
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from coachassist.i18n import Message
from coachassist.kb.answers import DONT_KNOW, Answer, Answers

INTAKE_FORMAT: Final = "coachassist-intake/1"
RESPONSE_FORMAT: Final = "coachassist-response/1"
__all__ = [
    "DONT_KNOW",
    "Answer",
    "Answers",
    "FindingDecision",
    "Intake",
    "PlanEdits",
    "PlannedFormat",
    "PlannedSession",
    "Respondent",
    "Response",
]
IdStr = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
# A relative path inside the intake's folder: no absolute path, no "..", no hidden part.
EarlierPath = Annotated[
    str,
    Field(pattern=r"^[A-Za-z0-9_-][A-Za-z0-9_. -]*(/[A-Za-z0-9_-][A-Za-z0-9_. -]*)*\.toml$"),
    Field(max_length=200),
]


class _Model(BaseModel):
    # defer_build: a model's validator is built when first used, so reading an intake builds
    # the intake's (with the models inside it) and no other; start-up pays only for that
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Respondent(_Model):
    """One respondent inside an intake. ``id`` is opaque: names are never stored."""

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")]
    role: IdStr = "member"
    lang: Literal["nl", "en"] = "nl"
    # A lead agreed, at the start of their questionnaire, that their answers are shown as "the
    # lead's view". Missing (older files) means no consent.
    lead_view_consent: bool = False
    answers: Answers = {}


class Response(_Model):
    """A single respondent's answers, as a file of its own."""

    format: Literal["coachassist-response/1"] = RESPONSE_FORMAT
    questionnaire: IdStr
    version: str
    role: IdStr = "member"
    lang: Literal["nl", "en"] = "nl"
    lead_view_consent: bool = False
    answers: Answers = {}


class FindingDecision(_Model):
    """The coach's decision on one finding: confirm it, adjust its severity, or reject it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    action: Literal["confirm", "adjust", "reject"]
    severity: Literal["low", "medium", "high"] | None = None  # required with "adjust"
    reason: Annotated[str, Field(max_length=2000)] = ""  # required with "reject"

    @model_validator(mode="after")
    def _complete(self) -> "FindingDecision":
        if self.action == "adjust" and self.severity is None:
            raise ValueError(Message("decision.invalid.needs_severity"))
        if self.action != "adjust" and self.severity is not None:
            raise ValueError(Message("decision.invalid.severity_only_adjust"))
        if self.action == "reject" and not self.reason.strip():
            raise ValueError(Message("decision.invalid.needs_reason"))
        return self


class PlannedFormat(_Model):
    """One format in a session of the coach's plan; a locked one stays when the plan is re-made."""

    format: IdStr
    locked: bool = False


class PlannedSession(_Model):
    items: Annotated[list[PlannedFormat], Field(max_length=60)] = []
    # A day session: longer than the plan's sessions, for a format that needs a day.
    minutes: Annotated[int, Field(ge=30, le=480)] | None = None


class PlanEdits(_Model):
    """The coach's plan, as edited in the app: saved in the intake, used by every report.

    ``layout`` is the plan the coach settled on for ``sessions`` x ``minutes``; with other
    limits (or after "re-plan") the planner makes a new plan around the locked formats.
    ``removed`` formats are never planned again; ``opening``/``closing`` ``none`` means the
    coach opens or closes the sessions in their own way.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    sessions: Annotated[int, Field(ge=1, le=12)] | None = None
    minutes: Annotated[int, Field(ge=30, le=480)] | None = None
    opening: Literal["auto", "none"] = "auto"
    closing: Literal["auto", "none"] = "auto"
    removed: Annotated[list[IdStr], Field(max_length=1000)] = []
    layout: Annotated[list[PlannedSession], Field(max_length=12)] = []
    start: Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")] = "09:00"


class Intake(_Model):
    """One whole case: the team context and every response."""

    format: Literal["coachassist-intake/1"] = INTAKE_FORMAT
    title: str = ""
    created: str = ""
    scan: IdStr = "teamscan"
    scan_version: str = ""
    context_questionnaire: IdStr = "coach_intake"
    min_group: Annotated[int, Field(ge=1, le=50)] | None = None  # anonymity threshold k
    context: Answers = {}
    # The coach ticked "share my observations": private context questions may go to the client.
    share_observations: bool = False
    # Earlier scans of the same team, oldest first: intake files beside this one (a path
    # relative to this file's folder, never outside it). ``coachassist compare`` and the
    # overview read them; missing (older files) means none.
    earlier: list[EarlierPath] | None = None
    plan: PlanEdits | None = None  # the coach's edits of the session plan
    responses: list[Respondent] = []
    # The coach's decisions per finding (dysfunction id); absent in older files.
    decisions: dict[IdStr, FindingDecision] | None = None
